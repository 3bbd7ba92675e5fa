from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.access import read_permission_required
from search.forms import SearchPageForm
from search.selectors import (
    KWIC_MAX_PASSAGES,
    RANK_CUTOFF,
    attach_hit_details,
    kwic_lines,
    passage_search,
    search_facets,
)

HITS_PER_PAGE = 20
KWIC_LINES_PER_PAGE = 100


@read_permission_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchPageForm(request.GET)
    context = {"form": form, "kwic_passage_limit": KWIC_MAX_PASSAGES, "rank_cutoff": RANK_CUTOFF}
    if form.is_valid() and (form.query or form.filters):
        query, filters = form.query, form.filters
        # Ranked once (if there is a query), for the hits or lines and both facets alike.
        results = passage_search(query=query, filters=filters)
        if form.cleaned_data["view"] == "kwic":
            lines = kwic_lines(
                query=query, filters=filters, sort=form.cleaned_data["sort"], results=results
            )
            page = Paginator(lines, KWIC_LINES_PER_PAGE).get_page(request.GET.get("page"))
        else:
            page = Paginator(results, HITS_PER_PAGE).get_page(request.GET.get("page"))
            page.object_list = attach_hit_details(passages=page.object_list, query=query)
        facets = search_facets(query=query, filters=filters, results=results)
        context |= {"page": page, "facets": facets}
    return render(request, "search/search.html", context)
