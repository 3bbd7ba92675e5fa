"""Reads of the annotations: tags grouped for the reader, the codebook with its counts."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest, NullIf, Substr

from annotations.models import ApiToken, Tag, Theme, ThemeSlugAlias
from annotations.theme_selectors import theme_ids_with_descendants
from corpus.models import Passage, Source


@dataclass(frozen=True, slots=True)
class TagRow:
    """A placed tag as a passage shows it, in plain values.

    The reader shows a whole source with up to a thousand tags; three model instances
    per tag (tag, theme, user) were a third of its time.
    """

    pk: int
    passage_id: int
    theme_id: int
    theme_name: str
    theme_slug: str
    user_id: int
    username: str
    start: int | None
    end: int | None
    quote: str
    memo: str

    @property
    def is_span(self) -> bool:
        return self.start is not None


def theme_list() -> list[Theme]:
    return list(Theme.objects.all())


def tag_get(*, pk: int) -> Tag:
    """Raises ``Tag.DoesNotExist``."""
    return Tag.objects.get(pk=pk)


def tags_by_passage(*, source: Source | None = None,
                    passage: Passage | None = None) -> dict[int, list[TagRow]]:
    """Every placed tag of a source (or of one passage), theme and tagger included."""
    tags = Tag.objects.filter(passage__isnull=False).order_by("created", "id")
    if source is not None:
        tags = tags.filter(source=source)
    if passage is not None:
        tags = tags.filter(passage=passage)
    grouped: dict[int, list[TagRow]] = defaultdict(list)
    for row in tags.values_list(
        "pk", "passage_id", "theme_id", "theme__name", "theme__slug", "user_id",
        "user__username", "start", "end", "quote", "memo",
    ):
        tag = TagRow(*row)
        grouped[tag.passage_id].append(tag)
    return dict(grouped)


def taggers_of(*, tags_by_passage: dict[int, list[TagRow]]) -> list[str]:
    return sorted({tag.username for tags in tags_by_passage.values() for tag in tags})


@dataclass(frozen=True)
class ChartCell:
    source: Source
    count: int
    # Bar length in percent of the theme's largest count, for the chart.
    share: int


@dataclass(frozen=True)
class ThemeRow:
    theme: Theme
    total: int
    passages: int
    cells: list[ChartCell]


@dataclass(frozen=True)
class ThemeChart:
    sources: list[Source]
    rows: list[ThemeRow]


def theme_chart(*, themes: list[Theme] | None = None,
                subtrees: dict[int, frozenset[int]] | None = None) -> ThemeChart:
    """Tags per theme per source (placed tags only), for the codebook table and chart.

    ``subtrees``: by theme id, the ids whose tags its row counts (itself and its
    sub-themes, for one theme's page); by default each row counts its own tags.
    """
    themes = theme_list() if themes is None else themes
    sources = list(Source.objects.only("slug", "title", "authors", "year", "ordinal"))
    if subtrees:
        row_of = Case(*(When(theme__in=ids, then=Value(pk)) for pk, ids in subtrees.items()))
        tags = Tag.objects.filter(theme__in=set().union(*subtrees.values()))
    else:
        row_of, tags = F("theme_id"), Tag.objects.filter(theme__in=themes)
    tags = tags.filter(passage__isnull=False)
    counts = {
        (row["row_theme"], row["source_id"]): row
        for row in tags.values("source_id", row_theme=row_of)
        .annotate(tags=Count("id"), passages=Count("passage_id", distinct=True))
        .order_by()
    }
    rows = []
    for theme in themes:
        per_source = [counts.get((theme.pk, source.pk), {}) for source in sources]
        tag_counts = [row.get("tags", 0) for row in per_source]
        largest = max(tag_counts, default=0) or 1
        rows.append(
            ThemeRow(
                theme=theme,
                total=sum(tag_counts),
                passages=sum(row.get("passages", 0) for row in per_source),
                cells=[
                    ChartCell(source=source, count=count, share=round(100 * count / largest))
                    for source, count in zip(sources, tag_counts, strict=True)
                ],
            )
        )
    return ThemeChart(sources=sources, rows=rows)


def theme_excerpt_list(*, theme: Theme, source_slug: str = "",
                       subtree_ids: Iterable[int] | None = None) -> QuerySet[Tag]:
    """Every placed tag of a theme or its sub-themes, in reading order of the sources.

    ``subtree_ids``: the theme's and its sub-themes' ids, if already known.
    """
    if subtree_ids is None:
        subtree_ids = theme_ids_with_descendants(themes=[theme])
    tags = (
        Tag.objects.filter(theme__in=subtree_ids, passage__isnull=False)
        .select_related("passage__section", "source", "user", "theme")
        .defer("passage__search_vector")
        .order_by("source__ordinal", "source__slug", "passage__ordinal", "start", "id")
    )
    if source_slug:
        tags = tags.filter(source__slug=source_slug)
    return tags


def orphan_tag_list() -> QuerySet[Tag]:
    """Tags whose words were lost when their source was re-ingested."""
    return (
        Tag.objects.filter(passage__isnull=True)
        .select_related("source", "theme", "user")
        .order_by("source__ordinal", "source__slug", "created", "id")
    )


def tagger_list() -> QuerySet:
    """Everyone who has tagged something: the users a "tagged by" filter may name.

    Not every account: a filter that accepted any username would tell anonymous
    visitors which accounts exist.
    """
    return (
        get_user_model().objects.filter(tags__isnull=False)
        .distinct()
        .only("id", "username")
        .order_by("username")
    )


def tag_orphan_count() -> int:
    return Tag.objects.filter(passage__isnull=True).count()


# --- The REST API's reads ------------------------------------------------------


def _excerpt_text() -> Case:
    # A whole-passage tag stands for the passage as it reads now; a span's quote is
    # kept in step with its passage by re-anchoring.
    return Case(
        When(start__isnull=True, passage__isnull=False, then=F("passage__text")),
        default=F("quote"),
    )


def tag_list() -> QuerySet[Tag]:
    """Every tag (orphans too) with its theme, tagger and source, and ``excerpt_text``."""
    return Tag.objects.select_related("theme", "user", "source").annotate(
        excerpt_text=_excerpt_text()
    )


def annotation_list() -> QuerySet[Tag]:
    """Tags with their passages' text: a W3C annotation's selectors are computed from it."""
    return Tag.objects.select_related("theme", "user", "source", "passage").defer(
        "passage__search_vector"
    )


# Characters of the passage shown before and after a span in an excerpt.
EXCERPT_CONTEXT_CHARS = 120


def _excerpt_context_before() -> Case:
    # text[max(0, start - N):start], in SQL's 1-based substr.
    context_start = Greatest(F("start") - EXCERPT_CONTEXT_CHARS, Value(0))
    return Case(
        When(start__isnull=True, then=Value("")),
        # An orphan has lost its passage: the context stored with its quote stands.
        When(passage__isnull=True, then=F("prefix")),
        default=Substr("passage__text", context_start + 1, F("start") - context_start),
    )


def _excerpt_context_after() -> Case:
    return Case(
        When(start__isnull=True, then=Value("")),
        When(passage__isnull=True, then=F("suffix")),
        default=Substr("passage__text", F("end") + 1, EXCERPT_CONTEXT_CHARS),
    )


EXCERPT_FIELDS = {
    "tag": F("pk"),
    "context_before": _excerpt_context_before(),
    "text": _excerpt_text(),
    "context_after": _excerpt_context_after(),
    "theme": F("theme__name"),
    "theme_slug": F("theme__slug"),
    "source": F("source__slug"),
    "citation": F("source__citation"),
    "chapter": F("passage__section__title"),
    # An edited volume names each chapter's authors; elsewhere the source's stand.
    "authors": Coalesce(NullIf(F("passage__section__authors"), Value("")), F("source__authors")),
    "passage": F("passage_id"),
    "tagger": F("user__username"),
    "memo": F("memo"),
    "created": F("created"),
}


def excerpt_list() -> QuerySet[Tag]:
    """Tags in reading order (source, passage, position), to filter before ``excerpt_rows``."""
    return Tag.objects.order_by(
        "source__ordinal", "source__slug", "passage__ordinal",
        F("start").asc(nulls_first=True),  # a whole-passage tag starts at its beginning
        "id",
    )


def excerpt_rows(*, tags: QuerySet[Tag]) -> QuerySet:
    """One flat tuple per tag, its values in the order of ``EXCERPT_FIELDS``, in one query."""
    # Aliased: several names (theme, source, ...) are taken by the model's own fields.
    aliases = {f"excerpt_{name}": expression for name, expression in EXCERPT_FIELDS.items()}
    return tags.annotate(**aliases).values_list(*aliases)


def theme_list_with_counts() -> QuerySet[Theme]:
    placed = Q(tags__passage__isnull=False)
    # One join (themes to tags), so the counts do not multiply each other.
    return Theme.objects.annotate(
        tag_count=Count("tags", filter=placed),
        passage_count=Count("tags__passage", distinct=True),
        source_count=Count("tags__source", filter=placed, distinct=True),
        tagger_count=Count("tags__user", filter=placed, distinct=True),
        parent_slug=F("parent__slug"),
        former_slugs=ArraySubquery(
            ThemeSlugAlias.objects.filter(theme=OuterRef("pk")).order_by("created", "id")
            .values("slug")
        ),
    ).order_by("order", "name")  # Meta.ordering does not survive aggregation


def theme_counts_by_source(*, theme: Theme) -> list[dict]:
    """``{"source", "tags", "passages"}`` for each source with placed tags of the theme."""
    return list(
        Tag.objects.filter(theme=theme, passage__isnull=False)
        .values(slug=F("source__slug"))
        .annotate(tags=Count("pk"), passages=Count("passage", distinct=True))
        .order_by("source__ordinal", "source__slug")
    )


def api_token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_for_key(*, key: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user")
        .filter(key_digest=api_token_digest(key=key))
        .first()
    )


def api_token_digest(*, key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
