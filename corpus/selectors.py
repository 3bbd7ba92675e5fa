"""Reads of the corpus: the sources with their counts, a source's contents, a passage.

The corpus knows nothing of tags (``annotations`` builds on it, not the other way
round); the reader, which shows passages with their tags, lives in ``annotations``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from corpus.models import CorpusRevision, Passage, Section, Source


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


def corpus_revision() -> int:
    """The corpus's revision (CorpusRevision): another number after any write to it."""
    return CorpusRevision.objects.values_list("number", flat=True).first() or 0


def source_list_with_counts() -> QuerySet[Source]:
    return Source.objects.annotate(
        body_count=_count_per_source(Passage.objects.filter(kind=Passage.Kind.BODY)),
        note_count=_count_per_source(Passage.objects.filter(kind=Passage.Kind.NOTE)),
        section_count=_count_per_source(Section.objects.all()),
        # Through the relation's name: the corpus never imports the annotations app.
        tag_count=Count("tags", filter=Q(tags__passage__isnull=False), distinct=True),
    ).order_by(*Source._meta.ordering)  # an aggregate drops the model's ordering


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


def source_contents(*, source: Source) -> QuerySet[Section]:
    """A source's sections in reading order, with their numbers of passages and notes."""
    return section_list_with_counts().filter(source=source)


def passage_get(*, pk: int) -> Passage:
    """One passage with its source and section; raises ``Passage.DoesNotExist``."""
    return Passage.objects.select_related("source", "section").defer("search_vector").get(pk=pk)


@dataclass(frozen=True)
class PassagePlace:
    """Where a passage is read: its source's slug and its section's ordinal."""

    pk: int
    source_slug: str
    section_ordinal: int


def passage_place_get(*, pk: int) -> PassagePlace:
    """Raises ``Passage.DoesNotExist``."""
    slug, ordinal = Passage.objects.values_list("source__slug", "section__ordinal").get(pk=pk)
    return PassagePlace(pk=pk, source_slug=slug, section_ordinal=ordinal)
