"""Full-text search over passages: every search query the site and the API run."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.contrib.auth.models import User
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryField,
    SearchRank,
)
from django.db import connection
from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.safestring import SafeString

from annotations.models import Tag, Theme
from corpus.models import SEARCH_CONFIG, Passage, Section, Source
from search.kwic import KwicLine, occurrences, sort_lines
from search.snippets import LT_STANDIN, START_SEL, STOP_SEL, highlight_html

QUERY_MAX_LENGTH = 300

# ts_rank_cd weights for the labels {D, C, B, A}. The heading (A) repeats in every
# passage of a section, so it counts for half a word of text (B): a passage that uses
# the words ranks above one that only sits under a heading that does.
RANK_WEIGHTS = [0.1, 0.2, 1.0, 0.5]
# 1 = divide by 1 + log(length); 32 = scale to rank / (rank + 1), in [0, 1).
RANK_NORMALIZATION = 1 | 32

READING_ORDER = ("source__ordinal", "source__slug", "ordinal")

# Ranking reads every match's stored vector, so a word found in half the passages of a
# large corpus would have each page rank all of them (1.2 s at 200,000 passages). A
# search therefore ranks, counts and facets at most this many matches: the first the
# scan finds, in storage order, so the scan can stop there. (Ordering them by id would
# be stable, but the planner then walks the primary key testing every row, 3-4 times
# slower for words in a few per cent of passages.) The real corpus, some 1,700
# passages, never reaches it.
RANK_CUTOFF = 5_000

# A concordance is sorted as a whole, so its lines come from at most this many of the
# best-ranked passages rather than from every match of a common word.
KWIC_MAX_PASSAGES = 500

SNIPPET_OPTIONS = {
    "max_words": 25,
    "min_words": 12,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions on a search; the defaults restrict nothing.

    ``theme`` and ``tagged_by`` together mean one tag: the theme applied by that user.
    ``author`` matches, case-insensitively, part of the section's or the source's authors.
    """

    theme: Theme | None = None
    source: Source | None = None
    section: Section | None = None
    author: str = ""
    kind: str = ""
    tagged_by: User | None = None

    def __bool__(self) -> bool:
        return self != SearchFilters()


@dataclass(frozen=True)
class FacetCount:
    item: Theme | Source
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchFacets:
    themes: list[FacetCount]
    sources: list[FacetCount]


class IndexableQuery(Func):
    """The query without its exclusions (NULL if nothing is left), for marking matches."""

    template = "NULLIF(querytree(%(expressions)s), 'T')::tsquery"
    output_field = SearchQueryField()


def clean_text(text: str) -> str:
    """User input with whitespace collapsed and every "other" character dropped.

    Unicode category C covers NUL (Postgres rejects it in text), other control and
    format characters, lone surrogates (which cannot be encoded to send) and private
    use, where the highlight sentinels live.
    """
    kept = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)
    return " ".join(kept.split())


def query_terms(*, query: str) -> str:
    """The searchable part of a web-search query, as tsquery text.

    ``""`` when nothing is searchable (only stop words such as "the", or punctuation);
    ``"T"`` when the query only excludes words.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT querytree(websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, query]
        )
        return cursor.fetchone()[0]


def passage_search(*, query: str, filters: SearchFilters) -> QuerySet[Passage]:
    """Passages that match ``query`` (web-search syntax) and ``filters``.

    Without a query: every passage that passes the filters, in reading order, with
    ``rank`` None.

    With one: best first by ``rank``, ``ts_rank_cd`` (cover density: words close
    together count more) over the stored ``search_vector``, weighted by RANK_WEIGHTS.
    Normalisation 1 divides by 1 + log(length): passages run from 40 to 250 words, and
    dividing by the length itself (2) would hand the top places to short notes that
    mention a word once over paragraphs that discuss it; the logarithm only keeps
    long passages from winning by size alone. 32 then maps the rank into [0, 1) for
    API clients without changing the order. Ties fall back to reading order. Only the
    first RANK_CUTOFF matches are ranked (and counted).

    ``query`` must be clean (forms.SearchForm, or clean_text).
    """
    passages = (
        _matching(query=query, filters=filters)
        .select_related("source", "section")
        .defer("search_vector")
    )
    if not query:
        return passages.annotate(rank=Value(None, output_field=FloatField())).order_by(
            *READING_ORDER
        )
    rank = SearchRank(
        F("search_vector"),
        _search_query(query),
        weights=RANK_WEIGHTS,
        normalization=RANK_NORMALIZATION,
        cover_density=True,
    )
    return passages.annotate(rank=rank).order_by("-rank", *READING_ORDER)


def search_facets(*, query: str, filters: SearchFilters) -> SearchFacets:
    """How many passages the search finds per theme and per source.

    Each facet ignores its own filter (the source facet also ignores the section,
    which lies within one source), so a count is what choosing that value would give.
    With ``tagged_by``, theme counts are of that user's tags. Three queries.
    """
    theme_matches = _matching(query=query, filters=replace(filters, theme=None))
    tagged = Q(tags__passage__in=theme_matches.values("pk"))
    if filters.tagged_by:
        tagged &= Q(tags__user=filters.tagged_by)
    themes = Theme.objects.annotate(count=Count("tags__passage", distinct=True, filter=tagged))

    source_matches = _matching(query=query, filters=replace(filters, source=None, section=None))
    source_counts = dict(source_matches.order_by().values_list("source").annotate(n=Count("pk")))
    return SearchFacets(
        themes=[
            FacetCount(item=theme, count=theme.count, selected=theme == filters.theme)
            for theme in themes
        ],
        sources=[
            FacetCount(
                item=source,
                count=source_counts.get(source.pk, 0),
                selected=source == filters.source,
            )
            for source in Source.objects.all()
        ],
    )


def attach_hit_details(*, passages: Sequence[Passage], query: str) -> list[Passage]:
    """The passages of one page, each given ``theme_list`` and ``snippet``.

    ``snippet`` is HTML-safe text around the matches, with ``<mark>``s; None without a
    query. Two queries, whatever the page size.
    """
    passages = list(passages)
    ids = [passage.pk for passage in passages]
    themes = themes_by_passage(passage_ids=ids)
    snippets = snippets_for(passage_ids=ids, query=query) if query else {}
    for passage in passages:
        passage.theme_list = themes.get(passage.pk, [])
        passage.snippet = snippets.get(passage.pk)
    return passages


def themes_by_passage(*, passage_ids: Sequence[int]) -> dict[int, list[Theme]]:
    """The themes each passage is tagged with, by anyone, in codebook order."""
    rows = (
        Theme.objects.filter(tags__passage__in=passage_ids)
        .annotate(passage_id=F("tags__passage"))
        .distinct()
    )
    themes: dict[int, list[Theme]] = defaultdict(list)
    for theme in rows:
        themes[theme.passage_id].append(theme)
    return themes


def snippets_for(*, passage_ids: Sequence[int], query: str) -> dict[int, SafeString]:
    """Highlighted extracts of the given passages: run only for the page on show."""
    headlines = _headlines(passage_ids=passage_ids, query=_search_query(query), **SNIPPET_OPTIONS)
    return {pk: highlight_html(headline) for pk, headline in headlines.items()}


def kwic_lines(*, query: str, filters: SearchFilters, sort: str = "") -> list[KwicLine]:
    """One line per occurrence of the query's words in the best-ranked matches.

    Lines come from at most KWIC_MAX_PASSAGES passages, in rank then text order, or
    sorted by the neighbouring words (``sort`` "left" or "right"). Excluded words are
    never keywords; a query that only excludes gives no lines.
    """
    if not query:
        return []
    passages = list(passage_search(query=query, filters=filters).defer("text")[:KWIC_MAX_PASSAGES])
    marked = _headlines(
        passage_ids=[passage.pk for passage in passages],
        query=IndexableQuery(_search_query(query)),
        highlight_all=True,
    )
    lines = [
        KwicLine(passage=passage, left=left, keyword=keyword, right=right)
        for passage in passages
        for left, keyword, right in occurrences(marked.get(passage.pk) or "")
    ]
    return sort_lines(lines, by=sort)


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def _matching(*, query: str, filters: SearchFilters) -> QuerySet[Passage]:
    passages = Passage.objects.all()
    if query:
        passages = passages.filter(search_vector=_search_query(query))
    if filters.source:
        passages = passages.filter(source=filters.source)
    if filters.section:
        passages = passages.filter(section=filters.section)
    if filters.kind:
        passages = passages.filter(kind=filters.kind)
    if filters.author:
        passages = passages.filter(
            Q(section__authors__icontains=filters.author)
            | Q(source__authors__icontains=filters.author)
        )
    if filters.theme or filters.tagged_by:
        tags = Tag.objects.filter(passage=OuterRef("pk"))
        if filters.theme:
            tags = tags.filter(theme=filters.theme)
        if filters.tagged_by:
            tags = tags.filter(user=filters.tagged_by)
        passages = passages.filter(Exists(tags))
    if query:
        passages = Passage.objects.filter(pk__in=passages.order_by().values("pk")[:RANK_CUTOFF])
    return passages


def _headlines(*, passage_ids: Sequence[int], query: Func, **options) -> dict[int, str]:
    rows = (
        Passage.objects.filter(pk__in=passage_ids)
        .order_by()
        .annotate(
            headline=SearchHeadline(
                Replace("text", Value("<"), Value(LT_STANDIN)),
                query,
                config=SEARCH_CONFIG,
                start_sel=START_SEL,
                stop_sel=STOP_SEL,
                **options,
            )
        )
        .values_list("pk", "headline")
    )
    return dict(rows)
