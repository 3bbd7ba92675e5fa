from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from config.access import read_permission_required
from corpus.models import Passage, Source
from corpus.selectors import passage_place_get, source_contents, source_list_with_counts

# The reading pages (passages with their tags) are the annotations app's; the corpus
# links to them by URL name only, never importing that app.
READING_PAGE = "annotations:section-read"


@read_permission_required
def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "corpus/source_list.html", {"sources": source_list_with_counts()})


@read_permission_required
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A source's overview: its citation and contents, each section a reading page."""
    source = get_object_or_404(Source, slug=slug)
    context = {"source": source, "sections": source_contents(source=source),
               "reading_page": READING_PAGE}
    return render(request, "corpus/source_detail.html", context)


@read_permission_required
def passage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A passage's lasting address: its section's reading page, at the passage. The
    query (words to mark, the way back to search results) goes along."""
    try:
        place = passage_place_get(pk=pk)
    except Passage.DoesNotExist:
        raise Http404("No such passage.") from None
    url = reverse(READING_PAGE, kwargs={"slug": place.source_slug,
                                        "ordinal": place.section_ordinal})
    query = request.GET.urlencode()
    return redirect(f"{url}{'?' + query if query else ''}#p{place.pk}")


@read_permission_required
def passage_go(request: HttpRequest) -> HttpResponse:
    """``?passage=<id>``: the no-JavaScript way from an old ``#p<id>`` link to its page."""
    number = request.GET.get("passage", "").strip().removeprefix("#").removeprefix("p")
    if not number.isdigit():
        return render(request, "error.html", {"title": "Bad request", "status": 400,
                                              "message": "Give a passage number."}, status=400)
    return redirect("corpus:passage-detail", pk=int(number))
