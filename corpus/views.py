from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotations.forms import ReaderFilterForm
from annotations.selectors import theme_list
from config.access import read_permission_required
from corpus.models import Passage, Source
from corpus.selectors import (
    passage_entry_get,
    passage_neighbours,
    source_list_with_counts,
    source_reading,
)


@read_permission_required
def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "corpus/source_list.html", {"sources": source_list_with_counts()})


@read_permission_required
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    form = ReaderFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    context = {
        "source": source,
        "reading": source_reading(
            source=source, themes=form.theme_query, tagger=filters.get("tagger", "")
        ),
        "themes": theme_list(),
        "filters": filters,
    }
    return render(request, "corpus/source_detail.html", context)


@read_permission_required
def passage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = passage_entry_get(pk=pk)
    except Passage.DoesNotExist as error:
        raise Http404("No such passage.") from error
    context = {
        "passage": entry.passage,
        "tags": entry.tags,
        "neighbours": passage_neighbours(passage=entry.passage),
        "themes": theme_list(),
    }
    return render(request, "corpus/passage_detail.html", context)
