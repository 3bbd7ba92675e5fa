from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from analysis.forms import AnalysisScopeForm, PassageDrillDownForm
from analysis.selectors import (
    analysis_report,
    cell_passages,
    drill_down_query,
    passages_with_themes,
)
from config.access import read_permission_required

PASSAGES_PER_PAGE = 25


@read_permission_required
def analysis_page(request: HttpRequest) -> HttpResponse:
    form = AnalysisScopeForm(request.GET)
    if not form.is_valid():
        return render(request, "analysis/analysis.html", {"form": form}, status=400)
    scope = form.scope
    context = {"form": form, "scope": scope, "report": analysis_report(scope=scope)}
    return render(request, "analysis/analysis.html", context)


@read_permission_required
def cell_passage_list(request: HttpRequest) -> HttpResponse:
    form = PassageDrillDownForm(request.GET)
    if not form.is_valid():
        return render(request, "analysis/passages.html", {"form": form}, status=400)
    scope, themes = form.scope, form.cleaned_data["themes"]
    query = drill_down_query(themes=themes)
    paginator = Paginator(passages_with_themes(scope=scope, themes=query), PASSAGES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "scope": scope,
        "themes": themes,
        "page": page,
        "entries": cell_passages(scope=scope, query=query, passages=list(page.object_list)),
    }
    return render(request, "analysis/passages.html", context)
