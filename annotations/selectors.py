"""Reads of the annotations: tags grouped for the reader, the codebook with its counts."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest, NullIf, Substr

from annotations.models import ApiToken, Tag, Theme, ThemeSlugAlias
from annotations.roles import User, user_can_change_tag
from annotations.theme_selectors import (
    ThemeQuery,
    theme_ids_with_descendants,
    theme_keymap,
    theme_query_matches,
)
from corpus.models import Passage, Section, Source


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


# The values a TagRow is made of, in its order.
TAG_ROW_FIELDS = ("pk", "passage_id", "theme_id", "theme__name", "theme__slug", "user_id",
                  "user__username", "start", "end", "quote", "memo")


def theme_list() -> list[Theme]:
    return list(Theme.objects.all())


def tag_get(*, pk: int) -> Tag:
    """Raises ``Tag.DoesNotExist``."""
    return Tag.objects.get(pk=pk)


def tags_by_passage(*, source: Source | None = None, passage: Passage | int | None = None,
                    section: Section | None = None) -> dict[int, list[TagRow]]:
    """Every placed tag of a source, a section or one passage, theme and tagger included."""
    tags = Tag.objects.filter(passage__isnull=False).order_by("created", "id")
    if source is not None:
        tags = tags.filter(source=source)
    if passage is not None:
        tags = tags.filter(passage=passage)
    if section is not None:
        tags = tags.filter(passage__section=section)
    grouped: dict[int, list[TagRow]] = defaultdict(list)
    for row in tags.values_list(*TAG_ROW_FIELDS):
        tag = TagRow(*row)
        grouped[tag.passage_id].append(tag)
    return dict(grouped)


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


# --- The reader: one section of a source, its passages composed with their tags ------

CODER_COLOURS = 8  # coder-0 .. coder-7 in reader.css


@dataclass(frozen=True, slots=True)
class Coder:
    """Someone whose tags show in the reader, told apart by initials and a colour."""

    user_id: int
    username: str
    initials: str
    colour: int  # coder-<n> in reader.css


def coder_make(*, user_id: int, username: str) -> Coder:
    parts = [part for part in re.split(r"[\W_]+", username) if part]
    letters = "".join(part[0] for part in parts[:2]) if len(parts) > 1 else username[:2]
    return Coder(user_id=user_id, username=username, initials=letters.upper(),
                 colour=user_id % CODER_COLOURS)


QUOTE_PREVIEW_CHARS = 40


@dataclass(frozen=True, slots=True)
class Chip:
    tag: TagRow
    coder: Coder
    mine: bool
    may_change: bool

    @property
    def css_class(self) -> str:
        """Its theme's and its coder's colours, and whether it is yours or a span's."""
        mine = " mine" if self.mine else ""
        span = " chip-span" if self.tag.is_span else ""
        return f"chip theme-{self.tag.theme_id} coder-{self.coder.colour}{mine}{span}"

    @property
    def quote_preview(self) -> str:
        quote = self.tag.quote
        if len(quote) <= QUOTE_PREVIEW_CHARS:
            return quote
        return quote[: QUOTE_PREVIEW_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class NoteMarker:
    """A footnote marker as printed in the text, linked to its note when there is one."""

    label: str
    note_id: int | None


@dataclass(frozen=True, slots=True)
class TextPiece:
    """A run of a passage's text under the same span tags and search-hit state."""

    text: str
    spans: tuple[TagRow, ...]  # the span tags covering it, longest outermost
    hit: bool
    markers: tuple[NoteMarker, ...]  # footnote markers that stand just before it


@dataclass(frozen=True)
class ReaderPassage:
    pk: int
    kind: str
    note_label: str
    text: str
    pieces: list[TextPiece]
    chips: list[Chip]
    # For a note: the passages whose markers point at it, to link back to the text.
    cited_by: list[int] = field(default_factory=list)

    @property
    def is_note(self) -> bool:
        return self.kind == Passage.Kind.NOTE

    @property
    def is_plain(self) -> bool:
        """Nothing marked in its text: the template can print the text as it is."""
        return len(self.pieces) == 1 and not (self.pieces[0].spans or self.pieces[0].hit
                                              or self.pieces[0].markers)


@dataclass(frozen=True)
class CodebookEntry:
    theme: Theme
    key: int | None  # the number key that applies it, for the first nine themes
    count: int  # its chips on this page


@dataclass(frozen=True)
class SectionReading:
    source: Source
    section: Section
    sections: list[Section]
    previous: Section | None
    next: Section | None
    body: list[ReaderPassage]
    notes: list[ReaderPassage]
    codebook: list[CodebookEntry]
    coders: list[Coder]
    passage_count: int
    filtered: bool


def _hit_pattern(words: Iterable[str]) -> re.Pattern | None:
    words = sorted({word.strip() for word in words if word.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b",
                      re.IGNORECASE)


def passage_pieces(*, text: str, tags: Iterable[TagRow], markers: Iterable[dict] = (),
                   note_ids: dict[str, int] | None = None,
                   hits: re.Pattern | None = None) -> list[TextPiece]:
    """The passage text cut at every span, search hit and footnote marker boundary.

    Marks and markers add no characters to the text pieces, so the text's offsets stay
    the passage's (the reader's script skips the markers when it measures a selection).
    """
    spans = sorted(
        (tag for tag in tags if tag.start is not None and tag.end <= len(text)),
        key=lambda tag: (tag.start, -tag.end, tag.pk),
    )
    hit_ranges = [match.span() for match in hits.finditer(text)] if hits else []
    placed: dict[int, list[NoteMarker]] = defaultdict(list)
    for marker in markers:
        offset = marker.get("offset")
        if isinstance(offset, int) and 0 <= offset <= len(text):
            label = str(marker.get("label", ""))
            placed[offset].append(NoteMarker(label=label, note_id=(note_ids or {}).get(label)))
    cuts = sorted({0, len(text), *placed, *(tag.start for tag in spans),
                   *(tag.end for tag in spans), *(edge for span in hit_ranges for edge in span)})
    pieces = []
    for start, end in pairwise(cuts):
        pieces.append(TextPiece(
            text=text[start:end],
            spans=tuple(tag for tag in spans if tag.start <= start and end <= tag.end),
            hit=any(first <= start and end <= last for first, last in hit_ranges),
            markers=tuple(placed.get(start, ())),
        ))
    if placed.get(len(text)):
        pieces.append(TextPiece(text="", spans=(), hit=False, markers=tuple(placed[len(text)])))
    return pieces


@lru_cache(maxsize=1024)
def _coder(user_id: int, username: str) -> Coder:
    return coder_make(user_id=user_id, username=username)


def _chips(*, tags: list[TagRow], viewer: User, may_change: Callable[[int], bool]) -> list[Chip]:
    return [
        Chip(tag=tag, coder=_coder(tag.user_id, tag.username),
             mine=tag.user_id == viewer.pk, may_change=may_change(tag.user_id))
        for tag in tags
    ]


def _reader_passage(*, row: tuple, tags: list[TagRow], viewer: User,
                    may_change: Callable[[int], bool], note_ids: dict[str, int],
                    cited_by: dict[str, list[int]], hits: re.Pattern | None) -> ReaderPassage:
    pk, kind, note_label, text, markers = row
    is_note = kind == Passage.Kind.NOTE
    return ReaderPassage(
        pk=pk, kind=kind, note_label=note_label, text=text,
        pieces=passage_pieces(text=text, tags=tags, markers=markers or (), note_ids=note_ids,
                              hits=hits),
        chips=_chips(tags=tags, viewer=viewer, may_change=may_change),
        cited_by=cited_by.get(note_label, []) if is_note else [],
    )


def _may_change_for(viewer: User) -> Callable[[int], bool]:
    answers: dict[int, bool] = {}

    def may_change(tag_user_id: int) -> bool:
        if tag_user_id not in answers:
            answers[tag_user_id] = user_can_change_tag(user=viewer, tag_user_id=tag_user_id)
        return answers[tag_user_id]

    return may_change


_PASSAGE_FIELDS = ("pk", "kind", "note_label", "text", "note_markers")


_INDEX_FIELDS = ("pk", "kind", "note_label", "note_markers")


def _notes_index(rows: list[tuple]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """The section's notes by label, and for each label the passages that cite it, from
    rows of ``_INDEX_FIELDS``."""
    note_ids = {row[2]: row[0] for row in rows if row[1] == Passage.Kind.NOTE and row[2]}
    cited_by: dict[str, list[int]] = defaultdict(list)
    for pk, kind, _label, markers in rows:
        if kind == Passage.Kind.BODY:
            for marker in markers or ():
                label = str(marker.get("label", ""))
                if pk not in cited_by[label]:
                    cited_by[label].append(pk)
    return note_ids, cited_by


def section_reading(*, source: Source, ordinal: int, viewer: User,
                    themes: ThemeQuery | None = None, tagger: str = "",
                    hl: Iterable[str] = ()) -> SectionReading:
    """One section of a source as the reader shows it: body and notes, each passage with
    its tag chips (only ``tagger``'s when given), the codebook with counts on the page.

    With ``themes``, only the passages whose shown tags meet that theme query (sub-themes
    included, see ``annotations.theme_selectors``). Raises
    ``Section.DoesNotExist``. Five queries whatever the section's size.
    """
    sections = list(Section.objects.filter(source=source).order_by("ordinal"))
    position = next((i for i, section in enumerate(sections) if section.ordinal == ordinal),
                    None)
    if position is None:
        raise Section.DoesNotExist
    section = sections[position]
    rows = list(Passage.objects.filter(section=section).order_by("ordinal")
                .values_list(*_PASSAGE_FIELDS))
    # Notes and markers are indexed before filtering: a shown passage keeps its note links.
    note_ids, cited_by = _notes_index([(pk, kind, label, markers)
                                       for pk, kind, label, _text, markers in rows])
    tags = tags_by_passage(section=section)
    if tagger:
        tags = {pk: [tag for tag in rows_ if tag.username == tagger] for pk, rows_ in tags.items()}
    if themes:
        rows = [row for row in rows if theme_query_matches(
            query=themes, theme_ids=(tag.theme_id for tag in tags.get(row[0], [])))]
    may_change, hits = _may_change_for(viewer), _hit_pattern(hl)
    passages = [
        _reader_passage(row=row, tags=tags.get(row[0], []), viewer=viewer,
                        may_change=may_change, note_ids=note_ids, cited_by=cited_by, hits=hits)
        for row in rows
    ]
    counts = Counter(chip.tag.theme_id for passage in passages for chip in passage.chips)
    codebook = theme_list()
    keys = {theme.pk: key for key, theme in theme_keymap(themes=codebook).items()}
    return SectionReading(
        source=source, section=section, sections=sections,
        previous=sections[position - 1] if position > 0 else None,
        next=sections[position + 1] if position + 1 < len(sections) else None,
        body=[passage for passage in passages if not passage.is_note],
        notes=[passage for passage in passages if passage.is_note],
        codebook=[
            CodebookEntry(theme=theme, key=keys.get(theme.pk), count=counts[theme.pk])
            for theme in codebook
        ],
        coders=source_coder_list(source=source),
        passage_count=len(passages),
        filtered=bool(themes or tagger),
    )


def source_coder_list(*, source: Source) -> list[Coder]:
    """Everyone with a placed tag in the source, for the "show tags by" switch."""
    users = (
        Tag.objects.filter(source=source, passage__isnull=False)
        .values_list("user_id", "user__username").distinct().order_by("user__username")
    )
    return [coder_make(user_id=user_id, username=username) for user_id, username in users]


def reader_passage_get(*, pk: int, viewer: User, tagger: str = "",
                       hl: Iterable[str] = ()) -> ReaderPassage:
    """One passage as the reader shows it, for the fragment htmx swaps in after a change.

    Its note links need the section's notes and citing passages: one query for the
    passage, one for the section's labels and markers, one for the tags. Raises
    ``Passage.DoesNotExist``.
    """
    row = Passage.objects.values_list(*_PASSAGE_FIELDS).get(pk=pk)
    # The section's passages without their text: only labels and markers are needed.
    note_ids, cited_by = _notes_index(list(
        Passage.objects.filter(section__passages=pk).order_by("ordinal")
        .values_list(*_INDEX_FIELDS)
    ))
    tags = tags_by_passage(passage=pk).get(pk, [])
    if tagger:
        tags = [tag for tag in tags if tag.username == tagger]
    return _reader_passage(row=row, tags=tags, viewer=viewer,
                           may_change=_may_change_for(viewer), note_ids=note_ids,
                           cited_by=cited_by, hits=_hit_pattern(hl))
