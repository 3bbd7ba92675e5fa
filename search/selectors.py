"""Full-text search over passages: every search query the site and the API run."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import NamedTuple, overload

from django.contrib.auth.models import User
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchRank,
)
from django.core.cache import caches
from django.db import connection, models
from django.db.models import (
    BooleanField,
    Count,
    F,
    Func,
    IntegerField,
    JSONField,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from annotations.models import Tag, Theme
from annotations.theme_selectors import ThemeQuery, theme_query_of, theme_query_passages_q
from config.tsearch import IN_WORD, PRINTED, SOFT_AND_HARD_SIGNS, words_for_parser
from corpus.models import SEARCH_CONFIG, Passage, PassageWords, Section, Source
from corpus.selectors import corpus_revision
from search.highlight import (
    Occurrences,
    QueryTree,
    char_spans,
    fragments,
    marked_html,
    matches,
    query_tree,
    with_punctuation,
)
from search.kwic import KwicLine, occurrences, sort_lines
from search.models import GlossaryTerm, VocabularyWord
from search.query import CompiledQuery, Expansion, Term, TsQuery, query_parse, word_replaced

QUERY_MAX_LENGTH = 300

# ts_rank_cd weights for the labels {D, C, B, A}. The heading (A) repeats in every
# passage of a section, so it counts for half a word of text (B): a passage that uses
# the words ranks above one that only sits under a heading that does.
RANK_WEIGHTS = [0.1, 0.2, 1.0, 0.5]
# 1 = divide by 1 + log(length); 32 = scale to rank / (rank + 1), in [0, 1).
RANK_NORMALIZATION = 1 | 32

READING_ORDER = ("source__ordinal", "source__slug", "ordinal")

# Ranking reads every match's stored vector, so a word found in half the passages of a
# large corpus would have each page rank all of them. A search therefore ranks, counts
# and facets at most this many matches: up to it the ranking is exact. Past it, the
# first this many the scan finds (in storage order, so the scan can stop there) are
# ranked, and the results say the ranking is approximate (RankedMatches.approximate).
# (Ordering them by id would be stable, but the planner then walks the primary key
# testing every row, 3-4 times slower for words in a few per cent of passages.)
RANK_CUTOFF = 50_000

# A concordance is sorted as a whole, so its lines come from at most this many of the
# best-ranked passages rather than from every match of a common word.
KWIC_MAX_PASSAGES = 500
KWIC_CACHE = caches["concordance"]

# A snippet: at most two runs of at most 25 words, each from a few words before a match.
SNIPPET_WORDS = 25
SNIPPET_FRAGMENTS = 2
SNIPPET_LEAD = 6
FRAGMENT_DELIMITER = " … "


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions on a search; the defaults restrict nothing.

    ``theme`` and ``tagged_by`` together mean one tag: the theme applied by that user.
    ``author`` matches, case-insensitively, part of a chapter's own authors; the
    source's authors (an edited volume's editor) only for chapters without their own
    (the editor's preface, a single-author article's sections).
    """

    theme: ThemeQuery | Theme | None = None
    source: Source | None = None
    section: Section | None = None
    author: str = ""
    kind: str = ""
    tagged_by: User | None = None

    def __post_init__(self) -> None:
        # One Theme, as scripts give it, means that theme and its sub-themes.
        if isinstance(self.theme, Theme):
            object.__setattr__(self, "theme", theme_query_of(theme=self.theme))

    def __bool__(self) -> bool:
        return self != SearchFilters()


class ThemeChip(NamedTuple):
    """A theme a hit is tagged with, as its chip shows it."""

    pk: int
    slug: str
    name: str


class SourceLabel(NamedTuple):
    """A source as the source facet names it."""

    pk: int
    slug: str
    authors: str
    year: int


@dataclass(frozen=True)
class FacetCount:
    item: ThemeChip | SourceLabel
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchFacets:
    themes: list[FacetCount]
    sources: list[FacetCount]


PASSAGE_VECTOR = f"{Passage._meta.db_table}.search_vector"

# The stored vector holds the heading's positions (weight A) and then the text's
# (weight B), shifted past the heading's last position: this one.
HEADING_WORDS = RawSQL(
    f"""
    (SELECT coalesce(max(position), 0)
     FROM unnest(ts_filter({PASSAGE_VECTOR}, '{{a}}')) AS entry,
          unnest(entry.positions) AS position)
    """,
    (),
    output_field=IntegerField(),
)


def _tree_lexemes_only(tree: QueryTree) -> tuple[str, list]:
    """SQL and its parameters: the passage's stored vector with only the ``tree``'s
    lexemes and the words its prefixes start.

    What is not them is deleted from the vector (ts_delete twice): unnesting the whole
    vector to pick them out made and dropped a row for each of its lexemes, most of
    the time a page's 20 snippets took in the database.
    """
    wanted, params = "%s::text[]", [tree.lexemes]
    if tree.prefixes:
        wanted += (
            f" || array(SELECT lexeme FROM unnest(tsvector_to_array({PASSAGE_VECTOR})) AS lexeme"
            " WHERE lexeme LIKE ANY(%s::text[]))"
        )
        prep = connection.ops.prep_for_like_query
        params.append([prep(prefix) + "%" for prefix in tree.prefixes])
    others = f"tsvector_to_array(ts_delete({PASSAGE_VECTOR}, {wanted}))"
    return f"ts_delete({PASSAGE_VECTOR}, {others})", params


class MatchedPositions(RawSQL):
    """Where a passage's stored vector has the ``tree``'s lexemes and the words its
    prefixes start, as ``{lexeme: [position, ...]}`` (NULL if nowhere): the heading's
    positions and the text's shifted past them (HEADING_WORDS), for
    highlight.Occurrences.from_stored."""

    def __init__(self, tree: QueryTree) -> None:
        only, params = _tree_lexemes_only(tree)
        super().__init__(
            f"(SELECT jsonb_object_agg(lexeme, positions) FROM unnest({only}))",
            params,
            output_field=JSONField(),
        )


# What a hit shows of its passage, source and chapter; the rest is never read (20 rows
# of it, JSON parsed and all, were a tenth of a page's time).
HIT_FIELDS = {
    Passage: ("source", "section", "ordinal", "kind", "note_label", "text", "char_start",
              "char_end", "word_count"),
    Source: ("slug", "title", "authors", "year"),
    Section: ("number", "title", "authors"),
}

def _ordering_sql(model: type[models.Model], alias: str) -> str:
    """``model``'s Meta.ordering as SQL over the table aliased ``alias``."""
    columns = (model._meta.get_field(name).column for name in model._meta.ordering)
    return ", ".join(f'{alias}."{column}"' for column in columns)


# What a hit shows beside its text, read with the page's passages rather than by a query
# each: the themes anyone has tagged the passage with, in codebook order, as
# [[id, slug, name], ...]; and the glossary entries it uses in any of their forms, as
# [[slug, term, translation, definition], ...].
HIT_THEMES = RawSQL(
    f"""
    (SELECT coalesce(jsonb_agg(jsonb_build_array(theme.id, theme.slug, theme.name)
                               ORDER BY {_ordering_sql(Theme, "theme")}), '[]')
     FROM {Theme._meta.db_table} AS theme
     WHERE theme.id IN (SELECT tag.theme_id FROM {Tag._meta.db_table} AS tag
                        WHERE tag.passage_id = {Passage._meta.db_table}.id))
    """,
    (),
    output_field=JSONField(),
)
HIT_GLOSSARY = RawSQL(
    f"""
    (SELECT coalesce(jsonb_agg(jsonb_build_array(glossary.slug, glossary.term,
                                                 glossary.translation, glossary.definition)
                               ORDER BY glossary.term), '[]')
     FROM {GlossaryTerm._meta.db_table} AS glossary
     WHERE {Passage._meta.db_table}.search_vector @@ ANY(glossary.form_queries))
    """,
    (),
    output_field=JSONField(),
)

# A passage's PassageWords.spans, for cutting its snippet.
WORD_SPANS = RawSQL(
    f"SELECT spans FROM {PassageWords._meta.db_table} "
    f"WHERE passage_id = {Passage._meta.db_table}.id",
    (),
    output_field=ArrayField(IntegerField()),
)


def _loaded_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields of ``model`` a hit reads (HIT_FIELDS), in the model's order."""
    shown = HIT_FIELDS[model]
    return [
        field for field in model._meta.concrete_fields if field.primary_key or field.name in shown
    ]


# The sources, chapters and passages a ranked page shows, with what a SearchHit needs
# and {matched} (MatchedPositions), for passage ids given as one array. Composed once:
# Django compiled the same queryset in 1-2 ms a page and built its rows in as long
# again, a tenth of a common word's search.
_PAGE_MODELS = [(model, _loaded_fields(model)) for model in (Source, Section, Passage)]
_PAGE_COLUMNS = ", ".join(
    f'{model._meta.db_table}."{field.column}"' for model, fields in _PAGE_MODELS for field in fields
)
RANKED_PAGE_SQL = f"""
SELECT {_PAGE_COLUMNS},
       {HIT_THEMES.sql}, {HIT_GLOSSARY.sql}, ({WORD_SPANS.sql}), {HEADING_WORDS.sql}, {{matched}}
FROM {Passage._meta.db_table}
JOIN {Source._meta.db_table} ON {Source._meta.db_table}.id = {Passage._meta.db_table}.source_id
JOIN {Section._meta.db_table} ON {Section._meta.db_table}.id = {Passage._meta.db_table}.section_id
WHERE {Passage._meta.db_table}.id = ANY(%s::bigint[])
"""


class AnyOf(Func):
    """``expression = ANY(ids)``: membership in a list of ids sent as one array.

    ``__in=ids`` would send one placeholder per id (thousands for a common word), each
    compiled by Django and parsed by Postgres. The array goes as one array literal.
    """

    output_field = BooleanField()

    def __init__(self, expression: F, ids: Sequence[int]) -> None:
        super().__init__(expression)
        self.array = _array_literal(ids)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::bigint[])", (*params, self.array)


def _array_literal(ids: Sequence[int]) -> str:
    """Ids as the text of a Postgres array, which psycopg sends without looking at
    each element (its list adapter checks every one for quoting: 9 ms for 5,000)."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


class GlossaryLink(NamedTuple):
    """A glossary entry a hit uses, as its link to the glossary shows it."""

    slug: str
    term: str
    translation: str
    definition: str


@dataclass(frozen=True)
class SearchHit:
    """A passage as a search lists it.

    ``rank`` (None without a query) is the passage's relevance (see passage_search);
    ``snippet`` HTML-safe text around the matches, with ``<mark>``s, and
    ``marked_words`` the words marked in it, as printed (None and () without a query);
    ``themes`` those anyone has tagged the passage with, in codebook order;
    ``glossary`` the glossary entries it uses, by term.
    """

    passage: Passage
    rank: float | None = None
    snippet: SafeString | None = None
    marked_words: tuple[str, ...] = ()
    themes: tuple[ThemeChip, ...] = ()
    glossary: tuple[GlossaryLink, ...] = ()

    @classmethod
    def of(cls, passage: Passage, *, themes: list, glossary: list, **ranking) -> SearchHit:
        """The hit of a passage with its themes and glossary entries as HIT_THEMES and
        HIT_GLOSSARY give them."""
        return cls(
            passage=passage,
            themes=tuple(map(ThemeChip._make, themes)),
            glossary=tuple(map(GlossaryLink._make, glossary)),
            **ranking,
        )


class RankedMatches(Sequence[SearchHit]):
    """The matches of a query, best first: ranked once, fetched a page at a time.

    A search page counts its matches, shows a page of them and counts them per source.
    As querysets, each of those ranked or joined the matches again. Here one query
    ranks them all (up to RANK_CUTOFF) but reads only the id, rank and source of each:
    the count is the number of ids, a page is a slice, the source facet a Counter.
    Only a slice's passages are read whole, with their snippets, in one more query,
    and come as SearchHits.

    Django's Paginator and DRF's PageNumberPagination take it as they take a queryset:
    they call ``len()`` and slice it.
    """

    def __init__(self, *, query: str | CompiledQuery, filters: SearchFilters) -> None:
        self.query = compiled(query)
        self.filters = filters

    @cached_property
    def _ranking(self) -> Ranking:
        # One more than the cutoff, to know whether there are more.
        found = ranked_hits(query=self.query, filters=self.filters, limit=RANK_CUTOFF + 1)
        return Ranking(
            ids=found.ids[:RANK_CUTOFF],
            ranks=found.ranks[:RANK_CUTOFF],
            source_ids=found.source_ids[:RANK_CUTOFF],
            tree=found.tree,
            more=len(found.ids) > RANK_CUTOFF,
        )

    @property
    def ids(self) -> list[int]:
        """The matches' passage ids, best first."""
        return self._ranking.ids

    @property
    def source_ids(self) -> list[int]:
        """Each match's source, in the same order."""
        return self._ranking.source_ids

    @property
    def approximate(self) -> bool:
        """More than RANK_CUTOFF match: only the first RANK_CUTOFF found were ranked."""
        return self._ranking.more

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> SearchHit: ...

    @overload
    def __getitem__(self, index: slice) -> list[SearchHit]: ...

    def __getitem__(self, index: int | slice) -> SearchHit | list[SearchHit]:
        ranks = self._ranking.ranks
        if isinstance(index, slice):
            return self._search_hits(self.ids[index], ranks[index])
        return self._search_hits([self.ids[index]], [ranks[index]])[0]

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self[:])

    @property
    def tree(self) -> QueryTree:
        """What marking the matches needs (search.highlight)."""
        return self._ranking.tree

    def _search_hits(self, ids: Sequence[int], ranks: Sequence[float]) -> list[SearchHit]:
        """The passages of ``ids`` as SearchHits with their ``ranks``, snippets, themes
        and glossary entries: one query (none for no ids). A passage deleted since it was
        ranked is left out."""
        if not ids:
            return []
        matched = MatchedPositions(self.tree)
        with connection.cursor() as cursor:
            cursor.execute(
                RANKED_PAGE_SQL.replace("{matched}", matched.sql),
                [*matched.params, _array_literal(ids)],
            )
            rows = {row.passage.pk: row for row in map(_PageRow.of, cursor.fetchall())}
        hits_with_snippets = []
        for pk, rank in zip(ids, ranks, strict=True):
            row = rows.get(pk)
            if row is None:
                continue
            found = Occurrences.from_stored(
                row.matched, heading_words=row.heading_words, word_spans=row.word_spans
            )
            snippet, words = _snippet(row.passage, row.word_spans, self.tree, found)
            hits_with_snippets.append(
                SearchHit.of(
                    row.passage,
                    themes=row.themes,
                    glossary=row.glossary,
                    rank=rank,
                    snippet=snippet,
                    marked_words=words,
                )
            )
        return hits_with_snippets


class _PageRow(NamedTuple):
    """A row of RANKED_PAGE_SQL."""

    passage: Passage
    themes: list
    glossary: list
    word_spans: list[int] | None
    heading_words: int
    matched: dict[str, list[int]] | None

    @classmethod
    def of(cls, row: tuple) -> _PageRow:
        values, database = iter(row), connection.alias
        source, section, passage = (
            model.from_db(
                database,
                [field.attname for field in fields],
                [next(values) for _ in fields],
            )
            for model, fields in _PAGE_MODELS
        )
        passage.source, passage.section = source, section
        themes, glossary, word_spans, heading_words, matched = values
        return cls(
            passage=passage,
            themes=json.loads(themes),
            glossary=json.loads(glossary),
            word_spans=word_spans,
            heading_words=heading_words,
            matched=json.loads(matched) if matched else None,
        )


def clean_text(text: str) -> str:
    """User input with whitespace collapsed and every "other" character dropped.

    Unicode category C covers NUL (Postgres rejects it in text), other control and
    format characters, lone surrogates (which cannot be encoded to send) and private
    use, which no search means.
    """
    kept = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)
    return " ".join(kept.split())


def compiled(query: str | CompiledQuery) -> CompiledQuery:
    """``query`` parsed (search.query), unless it already is."""
    return query if isinstance(query, CompiledQuery) else query_parse(query)


def query_terms(*, query: str | CompiledQuery) -> str:
    """The searchable part of a query, as tsquery text.

    ``""`` when nothing is searchable (only stop words such as "the", or punctuation);
    ``"T"`` when the query only excludes words.
    """
    query = compiled(query)
    if not query:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(*_query_tree_sql(query))
        return cursor.fetchone()[0]


def _query_tree_sql(query: CompiledQuery) -> tuple[str, list]:
    """``SELECT querytree(...)`` of the query (not empty): its searchable part."""
    sql, params = TsQuery(query).as_sql(None, connection)
    return f"SELECT querytree({sql})", list(params)


def passage_search(
    *, query: str | CompiledQuery, filters: SearchFilters
) -> QuerySet[Passage] | RankedMatches:
    """Passages that match ``query`` (web-search syntax) and ``filters``.

    Without a query: a queryset of every passage that passes the filters, in reading
    order (search_hits makes a page of them SearchHits).

    With one: RankedMatches, best first by ``rank``, ``ts_rank_cd`` (cover density:
    words close together count more) over the stored ``search_vector``, weighted by
    RANK_WEIGHTS. Normalisation 1 divides by 1 + log(length): passages run from 40 to
    250 words, and dividing by the length itself (2) would hand the top places to short
    notes that mention a word once over paragraphs that discuss it; the logarithm only
    keeps long passages from winning by size alone. 32 then maps the rank into [0, 1)
    for API clients without changing the order. Ties fall back to reading order. Only
    the first RANK_CUTOFF matches are ranked (and counted); ``approximate`` says when
    there were more. Its items are SearchHits, with their ``rank`` and ``snippet``.

    ``query`` must be clean (forms.SearchForm, or clean_text): its text (search.query's
    language) or a CompiledQuery (one the glossary widened: glossary_expand).
    """
    query = compiled(query)
    if query:
        return RankedMatches(query=query, filters=filters)
    return passage_hit_list(passages=_matching(query=query, filters=filters)).order_by(
        *READING_ORDER
    )


def passage_hit_list(*, passages: QuerySet[Passage] | None = None) -> QuerySet[Passage]:
    """``passages`` (by default all) with what SearchHit.of needs: their source and
    chapter, themes and glossary entries."""
    if passages is None:
        passages = Passage.objects.all()
    return (
        passages.select_related("source", "section")
        .only(
            *HIT_FIELDS[Passage],
            *(f"source__{name}" for name in HIT_FIELDS[Source]),
            *(f"section__{name}" for name in HIT_FIELDS[Section]),
        )
        .annotate(hit_themes=HIT_THEMES, hit_glossary=HIT_GLOSSARY)
    )


def search_facets(
    *,
    query: str | CompiledQuery,
    filters: SearchFilters,
    results: QuerySet[Passage] | RankedMatches | None = None,
) -> SearchFacets:
    """How many passages the search finds per theme and per source (one query).

    Each facet ignores its own filter (the source facet also ignores the section,
    which lies within one source), so a count is what choosing that value would give.
    With ``tagged_by``, theme counts are of that user's tags.

    ``results``, what passage_search gave for this same search, spares searching
    again: a facet whose own filter is not set counts those very matches, so the
    theme facet joins their ids and the source facet counts them in Python.
    """
    query = compiled(query)
    ranked = _same_search(results, query=query, filters=filters)
    counted_by_source = ranked is not None and filters.source is None and filters.section is None
    statements = [_theme_counts_sql(query=query, filters=filters, ranked=ranked), (SOURCES_SQL, [])]
    if not counted_by_source:
        source_matches = _matching(query=query, filters=replace(filters, source=None, section=None))
        per_source = source_matches.order_by().values_list("source").annotate(n=Count("pk"))
        statements.append(per_source.query.sql_with_params())
    with connection.cursor() as cursor:
        # One round trip (client-side binding allows several statements).
        cursor.execute(
            ";\n".join(sql for sql, _ in statements),
            [param for _, params in statements for param in params],
        )
        theme_counts = cursor.fetchall()
        cursor.nextset()
        sources = list(map(SourceLabel._make, cursor.fetchall()))
        if counted_by_source:
            source_counts = Counter(ranked.source_ids)
        else:
            cursor.nextset()
            source_counts = dict(cursor.fetchall())
    selected = filters.theme.slugs if filters.theme else ()
    return SearchFacets(
        themes=[
            FacetCount(item=ThemeChip(*theme), count=count, selected=theme[1] in selected)
            for *theme, count in theme_counts
        ],
        sources=[
            FacetCount(
                item=source,
                count=source_counts.get(source.pk, 0),
                selected=filters.source is not None and source.pk == filters.source.pk,
            )
            for source in sources
        ],
    )


def _theme_counts_sql(
    *, query: CompiledQuery, filters: SearchFilters, ranked: RankedMatches | None
) -> tuple[str, list]:
    """SQL and parameters for every theme (ThemeChip's fields) with how many matches,
    the theme filter aside, carry it.

    Only the matches' tags are counted, then joined to the themes: the search's own
    ranked ids when no theme filter is set, else a subquery (at most RANK_CUTOFF with a
    query). A FILTER on the count would join and sort every tag in the table first
    (45 ms at 30,000 tags).
    """
    if ranked is not None and filters.theme is None:
        matched, params = "= ANY(%s::bigint[])", [_array_literal(ranked.ids)]
    else:
        found = _matching(query=query, filters=replace(filters, theme=None), cutoff=False)
        found = found.order_by().values("pk")
        sql, params = (found[:RANK_CUTOFF] if query else found).query.sql_with_params()
        matched = f"IN ({sql})"
    user = filters.tagged_by.pk if filters.tagged_by else None
    return THEME_COUNTS_SQL.replace("{matched}", matched), [*params, user, user]


# Every theme with how many of the matched passages carry it (by one user, if given),
# in codebook order.
THEME_COUNTS_SQL = f"""
SELECT theme.id, theme.slug, theme.name, coalesce(counted.passages, 0)
FROM {Theme._meta.db_table} AS theme
LEFT JOIN (
  SELECT tag.theme_id, count(DISTINCT tag.passage_id) AS passages
  FROM {Tag._meta.db_table} AS tag
  WHERE tag.passage_id {{matched}} AND (%s::integer IS NULL OR tag.user_id = %s::integer)
  GROUP BY tag.theme_id
) AS counted ON counted.theme_id = theme.id
ORDER BY {_ordering_sql(Theme, "theme")}
"""

SOURCES_SQL = (
    f"SELECT source.id, source.slug, source.authors, source.year "
    f"FROM {Source._meta.db_table} AS source ORDER BY {_ordering_sql(Source, 'source')}"
)


def _same_search(
    results: QuerySet[Passage] | RankedMatches | None,
    *,
    query: CompiledQuery,
    filters: SearchFilters,
) -> RankedMatches | None:
    """``results`` if they are the ranked matches of this very search, else None."""
    if isinstance(results, RankedMatches) and (results.query, results.filters) == (query, filters):
        return results
    return None


def search_hits(*, items: Sequence[Passage | SearchHit]) -> list[SearchHit]:
    """The passages or hits of one page as SearchHits (no query).

    A passage listed without a query (passage_search, passage_hit_list) becomes a hit
    without rank or snippet.
    """
    return [
        item
        if isinstance(item, SearchHit)
        else SearchHit.of(item, themes=item.hit_themes, glossary=item.hit_glossary)
        for item in items
    ]


def kwic_lines(
    *,
    query: str | CompiledQuery,
    filters: SearchFilters,
    sort: str = "",
    results: QuerySet[Passage] | RankedMatches | None = None,
) -> list[KwicLine]:
    """One line per occurrence of the query's words in the best-ranked matches.

    Lines come from at most KWIC_MAX_PASSAGES passages, in rank then text order, or
    sorted by the neighbouring words (``sort`` "left" or "right"). Excluded words are
    never keywords; a query that only excludes gives no lines. Four queries; three if
    ``results``, what passage_search gave for this same search, are already ranked.

    Marking every occurrence in hundreds of passages is the dearest thing a search
    does (a common word reads 500 passages), and a reader pages through the same lines
    and re-sorts them, so the lines are cached, in rank order, until the corpus changes
    (corpus_revision; one query). Not with a theme or tagger filter: tags change all
    the time.
    """
    query = compiled(query)
    if not query:
        return []
    if filters.theme or filters.tagged_by:
        lines = _kwic_lines(query=query, filters=filters, results=results)
    else:
        key = _kwic_cache_key(query=query, filters=filters)
        lines = KWIC_CACHE.get(key)
        if lines is None:
            lines = _kwic_lines(query=query, filters=filters, results=results)
            KWIC_CACHE.set(key, lines)
    return sort_lines(lines, by=sort)


def _kwic_cache_key(*, query: CompiledQuery, filters: SearchFilters) -> str:
    source, section = filters.source, filters.section
    what = (
        corpus_revision(),
        query.groups,
        source.pk if source else None,
        section.pk if section else None,
        filters.author,
        filters.kind,
    )
    return "kwic:" + hashlib.sha256(repr(what).encode()).hexdigest()


def _kwic_lines(
    *,
    query: CompiledQuery,
    filters: SearchFilters,
    results: QuerySet[Passage] | RankedMatches | None,
) -> list[KwicLine]:
    """The lines in rank then text order."""
    ranked = _same_search(results, query=query, filters=filters)
    if ranked is not None:
        ids, tree = ranked.ids, ranked.tree
    else:
        ids, _, _, tree, _ = ranked_hits(query=query, filters=filters)
    # Hundreds of passages from a few sources and chapters: each source and chapter is
    # read once (prefetched), not once per passage (selected with it).
    passages = _passages_in_order(
        ids[:KWIC_MAX_PASSAGES],
        passages=Passage.objects.only("ordinal", "source", "section", "text")
        .prefetch_related("source", "section")
        .annotate(
            word_spans=WORD_SPANS, heading_words=HEADING_WORDS, matched=MatchedPositions(tree)
        ),
    )
    lines = []
    for passage in passages:
        found = Occurrences.from_stored(
            passage.matched, heading_words=passage.heading_words, word_spans=passage.word_spans
        )
        spans = char_spans(found.spans, matches(tree, found.positions))
        lines += [
            KwicLine(passage=passage, left=left, keyword=keyword, right=right)
            for left, keyword, right in occurrences(passage.text, spans)
        ]
        # The lines are cached: their passages go without what they were cut from (the
        # text deferred again), a fifth of the time a first look takes.
        del passage.text, passage.word_spans, passage.heading_words, passage.matched
    return lines


class Ranking(NamedTuple):
    """Matches best first, as columns (their passages' ids, ranks and sources: a tuple
    per match took longer to make than ranking them), the query's tree (what marking
    them needs), and whether more matches were left out (known to RankedMatches, which
    asks for one more)."""

    ids: list[int]
    ranks: list[float]
    source_ids: list[int]
    tree: QueryTree
    more: bool = False


def ranked_hits(
    *, query: str | CompiledQuery, filters: SearchFilters, limit: int = RANK_CUTOFF
) -> Ranking:
    """The matches of ``query`` (not empty), best first (see passage_search), and the
    query's tree, what marking them needs (search.highlight): one round trip.

    The first ``limit`` matches are ranked in a subquery that stops scanning there;
    only then are they joined to their source and sorted. The queryset form of the
    cutoff, ``pk IN (SELECT ... LIMIT n)``, reads every match twice and joins them
    back to the whole table: twice as slow for a common word at 200,000 passages.
    """
    query = compiled(query)
    first_matches = (
        _matching(query=query, filters=filters, cutoff=False)
        .annotate(rank=_rank(query))
        .order_by()
        .values_list("pk", "rank", "source_id", "ordinal")[:limit]
    )
    sql, params = first_matches.query.sql_with_params()
    tree_sql, tree_params = _query_tree_sql(query)
    with connection.cursor() as cursor:
        # Two statements, one round trip (client-side binding allows it). Best first,
        # then READING_ORDER.
        cursor.execute(
            f"""
            {tree_sql};
            SELECT hit.id, hit.rank, hit.source_id
            FROM ({sql}) AS hit (id, rank, source_id, ordinal)
            JOIN {Source._meta.db_table} source ON source.id = hit.source_id
            ORDER BY hit.rank DESC, source.ordinal, source.slug, hit.ordinal
            """,
            (*tree_params, *params),
        )
        tree = query_tree(cursor.fetchone()[0])
        cursor.nextset()
        rows = cursor.fetchall()
    columns = zip(*rows, strict=True) if rows else ((), (), ())
    ids, ranks, source_ids = map(list, columns)
    return Ranking(ids=ids, ranks=ranks, source_ids=source_ids, tree=tree)


def _passages_in_order(ids: Sequence[int], *, passages: QuerySet[Passage]) -> list[Passage]:
    """The passages of ``ids`` from ``passages``, in that order.

    One query (none for no ids), or more if ``passages`` prefetches. A passage deleted
    since it was ranked is left out.
    """
    if not ids:
        return []
    by_pk = {passage.pk: passage for passage in passages.filter(AnyOf(F("pk"), ids)).order_by()}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _rank(query: str | CompiledQuery) -> SearchRank:
    return SearchRank(
        F("search_vector"),
        TsQuery(compiled(query)),
        weights=RANK_WEIGHTS,
        normalization=RANK_NORMALIZATION,
        cover_density=True,
    )


def _matching(
    *, query: str | CompiledQuery, filters: SearchFilters, cutoff: bool = True
) -> QuerySet[Passage]:
    """The passages that match; with a query and ``cutoff``, only the first RANK_CUTOFF."""
    query = compiled(query)
    passages = Passage.objects.all()
    if query:
        passages = passages.filter(search_vector=TsQuery(query))
    if filters.source:
        passages = passages.filter(source=filters.source)
    if filters.section:
        passages = passages.filter(section=filters.section)
    if filters.kind:
        passages = passages.filter(kind=filters.kind)
    if filters.author:
        passages = passages.filter(
            Q(section__authors__icontains=filters.author)
            | Q(section__authors="", source__authors__icontains=filters.author)
        )
    if filters.theme or filters.tagged_by:
        tags = Tag.objects.filter(user=filters.tagged_by) if filters.tagged_by else None
        passages = passages.filter(
            theme_query_passages_q(query=filters.theme or ThemeQuery(), tags=tags)
        )
    if query and cutoff:
        passages = Passage.objects.filter(pk__in=passages.order_by().values("pk")[:RANK_CUTOFF])
    return passages


def _snippet(
    passage: Passage, word_spans: list[int] | None, tree: QueryTree, occurrences: Occurrences
) -> tuple[SafeString, tuple[str, ...]]:
    """The passage's text around the ``tree``'s matches, as HTML with ``<mark>``s, and
    the words marked in it, as printed; ``word_spans`` its PassageWords.spans."""
    found = matches(tree, occurrences.positions)
    word_spans = word_spans or []  # none only if its triggers were bypassed
    windows = fragments(
        len(word_spans) // 2,
        found,
        max_words=SNIPPET_WORDS,
        max_fragments=SNIPPET_FRAGMENTS,
        lead=SNIPPET_LEAD,
    )
    text = passage.text
    cuts = [
        with_punctuation(text, word_spans[2 * first - 2], word_spans[2 * last - 1])
        for first, last in windows
    ] or [(0, len(text))]
    html, words = marked_html(
        text, char_spans(occurrences.spans, found), cuts, delimiter=FRAGMENT_DELIMITER
    )
    return mark_safe(html), tuple(words)  # noqa: S308 (marked_html escapes the text)


# --- The glossary ------------------------------------------------------------------

# A glossary form matches what was typed when both give the same tsquery: inflections,
# spellings and apostrophes aside, the same words. The forms' tsqueries are stored
# (GlossaryTerm.form_queries).
GLOSSARY_MATCH_SQL = f"""
WITH candidate AS MATERIALIZED (
  SELECT ord, phraseto_tsquery(%(config)s::regconfig, text) AS query
  FROM unnest(%(candidates)s::text[]) WITH ORDINALITY AS typed (text, ord)
)
SELECT DISTINCT ON (candidate.ord, glossary.term) glossary.*, candidate.ord AS candidate
FROM candidate
JOIN {GlossaryTerm._meta.db_table} AS glossary ON candidate.query = ANY(glossary.form_queries)
WHERE querytree(candidate.query) <> ''
ORDER BY candidate.ord, glossary.term
"""

# The longest run of consecutive words looked up in the glossary ("engineering
# technical personnel").
GLOSSARY_MAX_WORDS = 3


class _Candidate(NamedTuple):
    """Typed words that a glossary form may match: groups ``first``..``last``, or one
    term (``term`` its index) of group ``first``."""

    first: int
    last: int
    term: int | None
    text: str


def glossary_expand(*, query: CompiledQuery) -> CompiledQuery:
    """``query`` with each word or phrase that is a glossary form also searching the
    entry's other forms (one query).

    Runs of up to GLOSSARY_MAX_WORDS typed words count as one form (``shock worker``);
    the longest match wins. Excluded words and prefixes are never widened.
    """
    candidates = _glossary_candidates(query.groups)
    if not candidates:
        return query
    entries = GlossaryTerm.objects.raw(
        GLOSSARY_MATCH_SQL,
        {
            "candidates": [words_for_parser(candidate.text) for candidate in candidates],
            "config": SEARCH_CONFIG,
        },
    )
    matched = {entry.candidate - 1: entry for entry in entries}
    groups = [list(group) for group in query.groups]
    taken: set[int] = set()
    expansions = []
    for index in sorted(matched, key=lambda i: candidates[i].term is not None):
        candidate, entry = candidates[index], matched[index]
        span = set(range(candidate.first, candidate.last + 1))
        if candidate.term is None and span & taken:
            continue
        typed = candidate.text.casefold()
        also = tuple(form for form in entry.forms if form.casefold() != typed)
        if candidate.term is None:
            taken |= span
            groups[candidate.first] = [Term(text=candidate.text, alternatives=also)]
            for later in range(candidate.first + 1, candidate.last + 1):
                groups[later] = []
        elif candidate.first not in taken:
            group = groups[candidate.first]
            group[candidate.term] = replace(group[candidate.term], alternatives=also)
        else:
            continue
        expansions.append(
            Expansion(typed=candidate.text, term=entry.term, slug=entry.slug, also=also)
        )
    return replace(
        query,
        groups=tuple(tuple(group) for group in groups if group),
        expansions=tuple(expansions),
    )


def _glossary_candidates(groups: tuple[tuple[Term, ...], ...]) -> list[_Candidate]:
    candidates = [
        _Candidate(first=index, last=index, term=position, text=term.text)
        for index, group in enumerate(groups)
        for position, term in enumerate(group)
        if not (term.negated or term.prefix)
    ]
    single_words = [
        len(group) == 1 and group[0].plain and " " not in group[0].text for group in groups
    ]
    for first in range(len(groups)):
        for last in range(first + 1, min(first + GLOSSARY_MAX_WORDS, len(groups))):
            if all(single_words[first : last + 1]):
                text = " ".join(group[0].text for group in groups[first : last + 1])
                candidates.append(_Candidate(first=first, last=last, term=None, text=text))
    return candidates


def glossary_list() -> QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.order_by("term")


# --- Did you mean ------------------------------------------------------------------

# A typed word found in fewer passages than this gets suggestions.
FEW_PASSAGES = 3
SUGGESTIONS_PER_WORD = 3
# The vocabulary's ``letters``: a word without its apostrophes, primes and signs.
NO_SIGNS = str.maketrans("", "", PRINTED + IN_WORD + SOFT_AND_HARD_SIGNS)

# One part per typed word, joined by UNION ALL, so that the planner sees each word's
# letters: given a word from a join instead, it cannot size the trigram index's share
# and, on a freshly analysed vocabulary, compares every word (15 ms instead of 0.3).
SUGGESTIONS_SQL_PART = f"""
(SELECT %(word{{n}})s AS typed, typed.passages, near.word, near.lexeme, near.passages,
        %(ord{{n}})s AS ord, near.closeness
 FROM (
   SELECT (tsvector_to_array(to_tsvector(%(config)s::regconfig,
           translate(%(word{{n}})s, %(printed)s, %(in_word)s))))[1] AS lexeme
 ) AS typed_word
 CROSS JOIN LATERAL (
   SELECT COALESCE(max(known.passages), 0) AS passages
   FROM {VocabularyWord._meta.db_table} AS known
   WHERE known.lexeme = typed_word.lexeme
 ) AS typed
 CROSS JOIN LATERAL (
   SELECT word, lexeme, passages, similarity(letters, %(letters{{n}})s) AS closeness
   FROM {VocabularyWord._meta.db_table}
   WHERE letters %% %(letters{{n}})s AND passages > typed.passages
   ORDER BY closeness DESC, passages DESC
   LIMIT %(limit)s
 ) AS near
 -- A stop word has no lexeme: it is searched for nowhere, so it is not misspelt.
 WHERE typed_word.lexeme IS NOT NULL AND typed.passages < %(few)s)
"""


@dataclass(frozen=True)
class WordCount:
    word: str
    passages: int


@dataclass(frozen=True)
class Suggestion:
    """Corpus words close to a typed word that few or no passages contain."""

    typed: str
    passages: int
    alternatives: tuple[WordCount, ...]


def spelling_suggestions(*, query: str | CompiledQuery, matches: int = 0) -> list[Suggestion]:
    """For each plain word of ``query`` found in fewer than FEW_PASSAGES passages, the
    corpus words closest to it by trigram similarity (pg_trgm) that more passages
    contain, best first (one query; none without plain words to look up). Nothing for
    stop words, nor while the vocabulary (services.vocabulary_refresh) is empty.

    ``matches``: how many passages the query matched, if known. A word that the query
    requires on its own is in every one of them, so with FEW_PASSAGES matches it is not
    looked up: a common word's search then sends no query here.
    """
    query = compiled(query)
    required = {group[0].text for group in query.groups if len(group) == 1}
    words = [
        word
        for word in query.plain_words
        if matches < FEW_PASSAGES or word not in required
    ]
    words = list(dict.fromkeys(word.casefold() for word in words))
    if not words:
        return []
    params = {
        "config": SEARCH_CONFIG,
        "printed": PRINTED,
        "in_word": IN_WORD,
        # Several printed forms share a lexeme ("worker", "workers"): one of each.
        "limit": SUGGESTIONS_PER_WORD * 3,
        "few": FEW_PASSAGES,
    }
    parts = []
    for n, word in enumerate(words):
        params |= {f"ord{n}": n, f"word{n}": word, f"letters{n}": word.translate(NO_SIGNS)}
        parts.append(SUGGESTIONS_SQL_PART.replace("{n}", str(n)))
    with connection.cursor() as cursor:
        sql = " UNION ALL ".join(parts) + " ORDER BY ord, closeness DESC, 5 DESC"
        cursor.execute(sql, params)
        rows = [row[:5] for row in cursor.fetchall()]
    found: dict[str, tuple[int, dict[str, WordCount]]] = {}
    for typed, passages, word, lexeme, count in rows:
        _, near = found.setdefault(typed, (passages, {}))
        if len(near) < SUGGESTIONS_PER_WORD:
            near.setdefault(lexeme, WordCount(word=word, passages=count))
    return [
        Suggestion(typed=typed, passages=passages, alternatives=tuple(near.values()))
        for typed, (passages, near) in found.items()
    ]


def query_corrected(*, query: CompiledQuery, suggestions: Sequence[Suggestion]) -> CompiledQuery:
    """``query`` with each suggested word replaced by its closest corpus word: what a
    search that finds nothing as typed searches instead."""
    text = query.text
    for suggestion in suggestions:
        text = word_replaced(text, typed=suggestion.typed, by=suggestion.alternatives[0].word)
    return query_parse(text)
