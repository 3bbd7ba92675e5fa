from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from corpus.models import Source


def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "corpus/source_list.html", {"sources": Source.objects.all()})
