from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.access import read_permission_required
from search.forms import SearchPageForm
from search.query import word_replaced
from search.selectors import (
    KWIC_MAX_PASSAGES,
    RANK_CUTOFF,
    Suggestion,
    WordCount,
    glossary_list,
    kwic_lines,
    passage_search,
    query_corrected,
    search_facets,
    search_hits,
    spelling_suggestions,
)

HITS_PER_PAGE = 20
KWIC_LINES_PER_PAGE = 100


@dataclass(frozen=True)
class SuggestedQuery:
    """A "did you mean" alternative and the whole query with it in the typed word's place."""

    word: WordCount
    query: str


@read_permission_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchPageForm(request.GET)
    context = {"form": form, "kwic_passage_limit": KWIC_MAX_PASSAGES, "rank_cutoff": RANK_CUTOFF}
    if form.is_valid() and (form.query or form.filters):
        query, filters = form.compiled_query, form.filters
        # Ranked once (if there is a query), for the hits or lines and both facets alike.
        results = passage_search(query=query, filters=filters)
        suggestions = spelling_suggestions(query=query, matches=len(results)) if query else []
        if query and not len(results) and suggestions:
            # Nothing matches as typed: show what the closest corpus words find.
            query = query_corrected(query=query, suggestions=suggestions)
            results = passage_search(query=query, filters=filters)
            context["corrected_query"] = query
        if form.cleaned_data["view"] == "kwic":
            lines = kwic_lines(
                query=query, filters=filters, sort=form.cleaned_data["sort"], results=results
            )
            page = Paginator(lines, KWIC_LINES_PER_PAGE).get_page(request.GET.get("page"))
        else:
            page = Paginator(results, HITS_PER_PAGE).get_page(request.GET.get("page"))
            page.object_list = search_hits(items=page.object_list)
        context |= {
            "page": page,
            "facets": search_facets(query=query, filters=filters, results=results),
            "expansions": query.expansions if query else (),
            "approximate": getattr(results, "approximate", False),
            "suggestions": [
                (suggestion, _suggested_queries(form.query, suggestion))
                for suggestion in suggestions
            ],
        }
    return render(request, "search/search.html", context)


def _suggested_queries(text: str, suggestion: Suggestion) -> list[SuggestedQuery]:
    return [
        SuggestedQuery(word=word, query=word_replaced(text, typed=suggestion.typed, by=word.word))
        for word in suggestion.alternatives
    ]


@read_permission_required
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "search/glossary.html", {"terms": glossary_list()})
