"""Reads for the analysis of a codebook's use: which themes occur together, and where.

Every figure counts *passages* (a passage carries a theme if one of the selected
coders applied it, or one of its sub-themes, anywhere in it, whole or span: sub-themes
roll up into their parents), within one scope: the selected
coders' tags (everyone's if none is selected), in one source or section or the whole
corpus. Each matrix is one aggregate query, whatever the number of tags; the
drill-down lists exactly the passages a cell counts, from the same scoped tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from annotations.models import Tag, Theme
from annotations.selectors import theme_list
from annotations.theme_selectors import (
    THEME_MATCH_ALL,
    CodebookIndex,
    ThemeQuery,
    codebook_index,
    codebook_index_of,
    theme_query_passages_q,
)
from corpus.models import Passage, Section, Source

MatrixAxis = Literal["source", "section"]
SHARE_DECIMALS = 4


@dataclass(frozen=True)
class AnalysisScope:
    """Whose tags count (nobody named: everyone's), and in which part of the corpus."""

    coders: tuple[AbstractBaseUser, ...] = ()
    source: Source | None = None
    section: Section | None = None

    def query_params(self) -> dict[str, str]:
        """The scope as the query parameters that select it (empty ones left out)."""
        params = {
            "coders": ",".join(coder.get_username() for coder in self.coders),
            "source": self.source.slug if self.source else "",
            "section": str(self.section.pk) if self.section else "",
        }
        return {name: value for name, value in params.items() if value}

    def cell_params(self, *, themes: Sequence[Theme],
                    column: MatrixColumn | None = None) -> dict[str, str]:
        """The query of the drill-down to a cell: its themes, in this scope narrowed to
        the cell's source or chapter."""
        params = self.query_params()
        if column is not None:
            params["source"] = column.source.slug
            if column.section is not None:
                params["section"] = str(column.section.pk)
        slugs = dict.fromkeys(theme.slug for theme in themes)
        return {**params, "themes": ",".join(slugs)}


def scoped_tags(*, scope: AnalysisScope) -> QuerySet[Tag]:
    """The placed tags a scope counts."""
    tags = Tag.objects.filter(passage__isnull=False)
    if scope.coders:
        tags = tags.filter(user__in=scope.coders)
    if scope.source is not None:
        tags = tags.filter(source=scope.source)
    if scope.section is not None:
        tags = tags.filter(passage__section=scope.section)
    return tags


def _in_scope(*, scope: AnalysisScope, prefix: str = "") -> Q:
    """The scope's part of the corpus as a condition on passages (``prefix`` leads to them)."""
    condition = Q()
    if scope.source is not None:
        condition &= Q(**{f"{prefix}source": scope.source})
    if scope.section is not None:
        condition &= Q(**{f"{prefix}section": scope.section})
    return condition


def scoped_passages(*, scope: AnalysisScope) -> QuerySet[Passage]:
    """The passages of the scope's part of the corpus, tagged or not."""
    return Passage.objects.filter(_in_scope(scope=scope))


def _rows_and_tree(*, themes: Sequence[Theme] | None, tree: CodebookIndex | None
                   ) -> tuple[list[Theme], CodebookIndex]:
    """The rows (by default the codebook) and the tree their sub-themes come from (read
    from the codebook when not given: one query, unless the rows are the codebook)."""
    if themes is None:
        themes = theme_list()
        return themes, tree or codebook_index_of(themes=themes)
    return list(themes), tree or codebook_index()


def _rolled_up(*, themes: Sequence[Theme], tree: CodebookIndex) -> tuple[list[int], list[int]]:
    """Two parallel arrays for SQL: each theme id under (or equal to) a row, and that row.

    Joined to the tags, a tag of a sub-theme counts for every row above it.
    """
    pairs = [(member, theme.pk) for theme in themes for member in tree.descendants(theme.pk)]
    return [member for member, _ in pairs], [row for _, row in pairs]


ROLL_UP_JOIN = """
    JOIN unnest(%s::bigint[], %s::bigint[]) AS roll_up(theme_id, row_id)
        ON roll_up.theme_id = tags.theme_id
"""


# --- Co-occurrence ---------------------------------------------------------------


@dataclass(frozen=True)
class CooccurrenceCell:
    theme: Theme
    partner: Theme
    passages: int

    @property
    def is_diagonal(self) -> bool:
        return self.theme.pk == self.partner.pk


@dataclass(frozen=True)
class CooccurrenceMatrix:
    """``counts[i][j]``: passages carrying themes i and j; ``counts[i][i]``: carrying i."""

    themes: list[Theme]
    counts: list[list[int]]

    @cached_property
    def largest_pair(self) -> int:
        """The highest count off the diagonal (the scale of the heatmap)."""
        return max(
            (count for i, row in enumerate(self.counts) for j, count in enumerate(row) if i != j),
            default=0,
        )

    @cached_property
    def rows(self) -> list[tuple[Theme, list[CooccurrenceCell]]]:
        return [
            (theme, [CooccurrenceCell(theme=theme, partner=partner, passages=count)
                     for partner, count in zip(self.themes, counts, strict=True)])
            for theme, counts in zip(self.themes, self.counts, strict=True)
        ]


# Per passage, the set of its themes (from the scope's tags, each tag counting for its
# theme's rows: itself and the rows above it); every ordered pair of a set counts that
# passage once, and each theme with itself makes the diagonal. Linear
# in the tags whatever the planner guesses (a self-join of the pairs went quadratic
# when its row estimates were stale, as for a coder newer than the last ANALYZE).
COOCCURRENCE_SQL = """
    SELECT one.theme_id, other.theme_id, COUNT(*)
    FROM (
        SELECT array_agg(DISTINCT roll_up.row_id) AS theme_ids
        FROM ({tags}) AS tags {roll_up}
        GROUP BY tags.passage_id
    ) AS passage_themes
    CROSS JOIN LATERAL unnest(passage_themes.theme_ids) AS one(theme_id)
    CROSS JOIN LATERAL unnest(passage_themes.theme_ids) AS other(theme_id)
    GROUP BY one.theme_id, other.theme_id
"""


def cooccurrence_matrix(*, scope: AnalysisScope, themes: Sequence[Theme] | None = None,
                        tree: CodebookIndex | None = None) -> CooccurrenceMatrix:
    """Theme × theme passage counts, in one query over the scope's tags.

    ``tree``: the codebook's, if already read (see ``_rows_and_tree``).
    """
    themes, tree = _rows_and_tree(themes=themes, tree=tree)
    tags = scoped_tags(scope=scope).values("passage_id", "theme_id").order_by()
    tags_sql, params = tags.query.sql_with_params()
    sql = COOCCURRENCE_SQL.format(tags=tags_sql, roll_up=ROLL_UP_JOIN)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *_rolled_up(themes=themes, tree=tree)))
        counts = {(theme_id, partner_id): count
                  for theme_id, partner_id, count in cursor.fetchall()}
    return CooccurrenceMatrix(
        themes=themes,
        counts=[[counts.get((row.pk, column.pk), 0) for column in themes] for row in themes],
    )


# --- Theme × source and theme × chapter ----------------------------------------------


@dataclass(frozen=True)
class MatrixColumn:
    """A source, or a chapter (section) of one, and how many passages of the scope it has."""

    source: Source
    section: Section | None
    passages: int

    @property
    def key(self) -> int:
        return self.section.pk if self.section is not None else self.source.pk

    @property
    def title(self) -> str:
        if self.section is not None:
            return str(self.section)
        return f"{self.source.authors} {self.source.year}"


@dataclass(frozen=True)
class ThemeCell:
    """One theme in one source or chapter."""

    theme: Theme
    column: MatrixColumn
    passages: int
    tags: int

    @property
    def share(self) -> float | None:
        """Passages carrying the theme per passage of the column; None for an empty one."""
        return self.passages / self.column.passages if self.column.passages else None

    @property
    def share_rounded(self) -> float | None:
        """The share to four decimals, enough for a percentage to two (for files)."""
        return None if self.share is None else round(self.share, SHARE_DECIMALS)

    @property
    def percent(self) -> float | None:
        return None if self.share is None else 100 * self.share


@dataclass(frozen=True)
class ThemeMatrixRow:
    theme: Theme
    cells: list[ThemeCell]


@dataclass(frozen=True)
class ThemeMatrix:
    """Themes (rows) by sources or by chapters (columns), with passage and tag counts."""

    themes: list[Theme]
    columns: list[MatrixColumn]
    rows: list[ThemeMatrixRow]

    @property
    def passage_counts(self) -> list[list[int]]:
        return [[cell.passages for cell in row.cells] for row in self.rows]

    @property
    def tag_counts(self) -> list[list[int]]:
        return [[cell.tags for cell in row.cells] for row in self.rows]

    @property
    def shares(self) -> list[list[float | None]]:
        return [[cell.share_rounded for cell in row.cells] for row in self.rows]

    @cached_property
    def largest_share(self) -> float:
        """The highest share in the matrix (the scale of its shading)."""
        return max((cell.share or 0 for row in self.rows for cell in row.cells), default=0)

    @cached_property
    def columns_with_cells(self) -> list[tuple[MatrixColumn, list[ThemeCell]]]:
        """The matrix transposed: each column with its theme's cells, for long axes."""
        return [
            (column, [row.cells[index] for row in self.rows])
            for index, column in enumerate(self.columns)
        ]


def _matrix_columns(*, scope: AnalysisScope, axis: MatrixAxis) -> list[MatrixColumn]:
    """The sources (or chapters) with passages in scope, each with its passage count."""
    in_scope = _in_scope(scope=scope, prefix="passages__") or None
    if axis == "source":
        sources = (
            Source.objects.only("slug", "title", "authors", "year", "ordinal")
            .annotate(passage_count=Count("passages", filter=in_scope))
            .filter(passage_count__gt=0)
            .order_by("ordinal", "slug")
        )
        return [MatrixColumn(source=source, section=None, passages=source.passage_count)
                for source in sources]
    sections = (
        Section.objects.select_related("source")
        .only("ordinal", "number", "title", "authors",
              "source__slug", "source__title", "source__authors", "source__year",
              "source__ordinal")
        .annotate(passage_count=Count("passages", filter=in_scope))
        .filter(passage_count__gt=0)
        .order_by("source__ordinal", "source__slug", "ordinal")
    )
    return [MatrixColumn(source=section.source, section=section, passages=section.passage_count)
            for section in sections]


# Each tag counts for its theme's rows (itself and the rows above it).
THEME_MATRIX_SQL = """
    SELECT roll_up.row_id, tags.column_id, COUNT(DISTINCT tags.passage_id), COUNT(*)
    FROM ({tags}) AS tags {roll_up}
    GROUP BY roll_up.row_id, tags.column_id
"""


def theme_matrix(*, scope: AnalysisScope, axis: MatrixAxis,
                 themes: Sequence[Theme] | None = None,
                 tree: CodebookIndex | None = None) -> ThemeMatrix:
    """Per theme and source (or chapter): passages carrying it or a sub-theme, their
    tags, passages there.

    Three queries: the themes (unless given; then the tree unless given), the columns
    with their passage counts, and the counts of every cell in one aggregate.
    """
    themes, tree = _rows_and_tree(themes=themes, tree=tree)
    columns = _matrix_columns(scope=scope, axis=axis)
    column_field = "source_id" if axis == "source" else "passage__section_id"
    tags = (scoped_tags(scope=scope)
            .values("passage_id", "theme_id", column_id=F(column_field)).order_by())
    tags_sql, params = tags.query.sql_with_params()
    sql = THEME_MATRIX_SQL.format(tags=tags_sql, roll_up=ROLL_UP_JOIN)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *_rolled_up(themes=themes, tree=tree)))
        counts = {(row_id, column_id): {"passages": passages, "tags": tag_count}
                  for row_id, column_id, passages, tag_count in cursor.fetchall()}
    no_tags = {"passages": 0, "tags": 0}
    rows = []
    for theme in themes:
        cells = []
        for column in columns:
            count = counts.get((theme.pk, column.key), no_tags)
            cells.append(ThemeCell(theme=theme, column=column, passages=count["passages"],
                                   tags=count["tags"]))
        rows.append(ThemeMatrixRow(theme=theme, cells=cells))
    return ThemeMatrix(themes=themes, columns=columns, rows=rows)


# --- The analysis page --------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisReport:
    cooccurrence: CooccurrenceMatrix
    by_source: ThemeMatrix
    by_section: ThemeMatrix


def analysis_report(*, scope: AnalysisScope) -> AnalysisReport:
    """The three matrices of the analysis page, the codebook read once for all of them."""
    themes = theme_list()
    tree = codebook_index_of(themes=themes)
    return AnalysisReport(
        cooccurrence=cooccurrence_matrix(scope=scope, themes=themes, tree=tree),
        by_source=theme_matrix(scope=scope, axis="source", themes=themes, tree=tree),
        by_section=theme_matrix(scope=scope, axis="section", themes=themes, tree=tree),
    )


# --- Drill-down ---------------------------------------------------------------------


def drill_down_query(*, themes: Sequence[Theme]) -> ThemeQuery:
    """Carrying every one of ``themes``, each with its sub-themes (reads the tree)."""
    tree = codebook_index()
    return ThemeQuery(slugs=tuple(theme.slug for theme in themes),
                      themes=tuple(tree.descendants(theme.pk) for theme in themes),
                      match=THEME_MATCH_ALL)


def passages_with_themes(*, scope: AnalysisScope, themes: Sequence[Theme] | ThemeQuery
                         ) -> QuerySet[Passage]:
    """The passages a matrix cell counts: in scope, carrying every one of ``themes``
    (or a sub-theme of it) from the scope's coders' tags. In reading order.

    ``themes``: a query from ``drill_down_query`` if already made.
    """
    query = themes if isinstance(themes, ThemeQuery) else drill_down_query(themes=themes)
    passages = scoped_passages(scope=scope).filter(
        theme_query_passages_q(query=query, tags=scoped_tags(scope=scope))
    )
    return (
        passages.select_related("source", "section")
        .defer("search_vector")
        .order_by("source__ordinal", "source__slug", "ordinal")
    )


@dataclass(frozen=True)
class CellPassage:
    """A passage a cell counts, with the tags that put it there."""

    passage: Passage
    tags: list[Tag]


def cell_passages(*, scope: AnalysisScope, query: ThemeQuery,
                  passages: Sequence[Passage]) -> list[CellPassage]:
    """Each passage with its tags of the query's themes (and their sub-themes) by the
    scope's coders, in one query."""
    tags = (
        scoped_tags(scope=scope)
        .filter(passage__in=passages, theme_id__in=query.any_ids)
        .select_related("theme", "user")
        .order_by(F("start").asc(nulls_first=True), "theme__order", "theme__name", "id")
    )
    by_passage: dict[int, list[Tag]] = {passage.pk: [] for passage in passages}
    for tag in tags:
        by_passage[tag.passage_id].append(tag)
    return [CellPassage(passage=passage, tags=by_passage[passage.pk]) for passage in passages]
