"""Reads of the corpus: the sources with their counts, a source in reading order, a passage."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from annotations.models import Tag
from annotations.selectors import TagRow, taggers_of, tags_by_passage
from annotations.theme_selectors import ThemeQuery, theme_query_passages_q
from corpus.models import Passage, Section, Source


def _count_per_source(queryset: QuerySet) -> Coalesce:
    # A correlated subquery per count: joining passages, sections and tags in one
    # GROUP BY would multiply the rows and the counts with them.
    counts = (
        queryset.filter(source=OuterRef("pk"))
        .order_by()
        .values("source")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def source_list_with_counts() -> QuerySet[Source]:
    return Source.objects.annotate(
        body_count=_count_per_source(Passage.objects.filter(kind=Passage.Kind.BODY)),
        note_count=_count_per_source(Passage.objects.filter(kind=Passage.Kind.NOTE)),
        section_count=_count_per_source(Section.objects.all()),
        tag_count=_count_per_source(Tag.objects.filter(passage__isnull=False)),
    )


@dataclass(frozen=True, slots=True)
class PassageRow:
    """A passage as the reader lists it: plain values, a thousand of them at a time."""

    pk: int
    section_id: int
    kind: str
    note_label: str
    text: str


@dataclass(frozen=True)
class PassageEntry:
    passage: Passage | PassageRow
    tags: list[TagRow]


@dataclass(frozen=True)
class SectionEntry:
    section: Section
    body: list[PassageEntry]
    notes: list[PassageEntry]


@dataclass(frozen=True)
class Reading:
    sections: list[SectionEntry]
    taggers: list[str]
    passage_count: int
    filtered: bool


def section_list_with_counts() -> QuerySet[Section]:
    """Sections with their numbers of body passages and notes (one join, so counting
    does not multiply rows)."""
    return (
        Section.objects.select_related("source")
        .annotate(
            body_count=Count("passages", filter=Q(passages__kind=Passage.Kind.BODY)),
            note_count=Count("passages", filter=Q(passages__kind=Passage.Kind.NOTE)),
        )
        .order_by("source__ordinal", "source__slug", "ordinal")
    )


def source_reading(*, source: Source, themes: ThemeQuery | None = None,
                   tagger: str = "") -> Reading:
    """A source's passages in reading order, grouped by section, notes apart, with tags.

    ``themes`` keeps the passages that carry those themes (or sub-themes); with
    ``tagger``, only that tagger's tags count, and the passage must carry one of them.
    Three queries however long the source: sections, passages, and all its tags
    (theme and tagger joined), grouped here in Python.
    """
    tags = tags_by_passage(source=source)
    passages = Passage.objects.filter(source=source).order_by("ordinal")
    filtered = bool(themes or tagger)
    if filtered:
        passages = passages.filter(theme_query_passages_q(
            query=themes or ThemeQuery(),
            tags=Tag.objects.filter(user__username=tagger) if tagger else None,
        ))
    entries = {
        section.pk: SectionEntry(section=section, body=[], notes=[])
        for section in Section.objects.filter(source=source).order_by("ordinal")
    }
    count = 0
    for row in passages.values_list("pk", "section_id", "kind", "note_label", "text"):
        passage = PassageRow(*row)
        entry = entries[passage.section_id]
        group = entry.notes if passage.kind == Passage.Kind.NOTE else entry.body
        group.append(PassageEntry(passage=passage, tags=tags.get(passage.pk, [])))
        count += 1
    return Reading(
        sections=[entry for entry in entries.values() if entry.body or entry.notes],
        taggers=taggers_of(tags_by_passage=tags),
        passage_count=count,
        filtered=filtered,
    )


def passage_entry_get(*, pk: int) -> PassageEntry:
    """One passage with its source, section and tags; raises ``Passage.DoesNotExist``."""
    passage = Passage.objects.select_related("source", "section").defer("search_vector").get(pk=pk)
    return PassageEntry(passage=passage, tags=tags_by_passage(passage=passage).get(passage.pk, []))


@dataclass(frozen=True)
class Neighbours:
    previous: Passage | None
    next: Passage | None


def passage_neighbours(*, passage: Passage) -> Neighbours:
    """The passages before and after this one in the source's reading order."""
    siblings = Passage.objects.filter(source_id=passage.source_id).only(
        "pk", "ordinal", "kind", "note_label"
    )
    return Neighbours(
        previous=siblings.filter(ordinal__lt=passage.ordinal).order_by("-ordinal").first(),
        next=siblings.filter(ordinal__gt=passage.ordinal).order_by("ordinal").first(),
    )
