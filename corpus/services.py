"""Writes to the corpus: storing parsed sources and loading the manifest's files.

Passages are referenced by researchers' tags (``on_delete=PROTECT``), so a reload keeps
every passage whose kind and text are unchanged under its primary key; only passages
that really changed are replaced, after the caller's ``on_passages_replaced`` step has
moved whatever points at them (the corpus knows nothing of tags).

Metadata (a source's title, citation..., a section's title, number, authors) is seeded
by the manifest and the parse, then the database wins: a reload updates a field only if
nobody has edited it since it was last seeded (``seeded`` keeps those values), unless
``reset_metadata`` asks for the seeds back.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from django.db import transaction
from django.utils import timezone

from corpus.ingest.manifest import ManifestEntry, manifest_load
from corpus.ingest.pipeline import (
    ParsedPassage,
    ParsedSection,
    ParsedSource,
    corpus_vocabulary,
    nlp_load,
    source_parse,
)
from corpus.models import Passage, Section, Source

Progress = Callable[[int, int, str], None]
_PASSAGE_FIELDS = (
    "section",
    "ordinal",
    "note_label",
    "heading",
    "char_start",
    "char_end",
    "word_count",
    "note_markers",
)
_SECTION_METADATA = ("number", "title", "authors")
_BATCH_SIZE = 500


class ReplacementOutcome(Protocol):
    """What ``on_passages_replaced`` did with the things that pointed at stale passages."""

    moved: int
    orphaned: int


class PassagesReplaced(Protocol):
    """Called with every stale passage locked, just before they are deleted."""

    def __call__(
        self, *, source: Source, stale_passage_ids: Sequence[int], new_passages: Iterable[Passage]
    ) -> ReplacementOutcome: ...


@dataclass(frozen=True)
class StoreResult:
    source: Source
    passages_kept: int
    passages_created: int
    passages_deleted: int
    sections_kept: int
    sections_created: int
    sections_deleted: int
    tags_moved: int = 0
    tags_orphaned: int = 0


@dataclass(frozen=True)
class IngestResult:
    slug: str
    status: Literal["loaded", "unchanged"]
    body_passages: int
    notes: int
    sections: int
    seconds: float
    tags_moved: int = 0
    tags_orphaned: int = 0


@transaction.atomic
def parsed_source_store(
    *,
    parsed: ParsedSource,
    on_passages_replaced: PassagesReplaced | None = None,
    reset_metadata: bool = False,
) -> StoreResult:
    """Create or update the source, its sections and passages, keeping identities.

    Without ``on_passages_replaced``, a stale passage that anything still references
    makes the store fail (``PROTECT``) and roll back: nothing is lost silently."""
    source = _source_upsert(entry=parsed.entry, sha256=parsed.sha256, reset=reset_metadata)
    sections, sections_counts = _sections_sync(
        source=source, parsed_sections=parsed.sections, reset=reset_metadata
    )
    kept, created, stale = _passages_sync(
        source=source, parsed_passages=parsed.passages, sections=sections
    )
    tags_moved = tags_orphaned = 0
    if stale:
        stale_ids = sorted(passage.pk for passage in stale)
        _passages_lock(passage_ids=stale_ids)
        if on_passages_replaced is not None:
            current = sorted([*kept, *created], key=lambda passage: passage.ordinal)
            outcome = on_passages_replaced(
                source=source, stale_passage_ids=stale_ids, new_passages=current
            )
            tags_moved, tags_orphaned = outcome.moved, outcome.orphaned
        Passage.objects.filter(pk__in=stale_ids).delete()
    stale_sections = Section.objects.filter(source=source).exclude(
        pk__in=[section.pk for section in sections.values()]
    )
    sections_deleted, _ = stale_sections.delete()
    return StoreResult(
        source=source,
        passages_kept=len(kept),
        passages_created=len(created),
        passages_deleted=len(stale),
        sections_kept=sections_counts[0],
        sections_created=sections_counts[1],
        sections_deleted=sections_deleted,
        tags_moved=tags_moved,
        tags_orphaned=tags_orphaned,
    )


def _passages_lock(*, passage_ids: list[int]) -> None:
    """Lock every one of the rows, in a fixed order, so nothing can come to reference
    them before they go (``.exists()`` would lock one only: ``LIMIT 1 FOR UPDATE``)."""
    rows = Passage.objects.select_for_update().filter(pk__in=passage_ids).order_by("pk")
    list(rows.values_list("pk", flat=True))


def _source_upsert(*, entry: ManifestEntry, sha256: str, reset: bool) -> Source:
    source = Source.objects.select_for_update().filter(slug=entry.slug).first()
    source = source or Source(slug=entry.slug)
    _metadata_seed(instance=source, seeds=_source_seeds(entry=entry), reset=reset)
    source.filename = entry.filename
    source.sha256 = sha256
    source.ingested_at = timezone.now()
    source.save()
    return source


def _source_seeds(*, entry: ManifestEntry) -> dict[str, str | int]:
    return {
        "title": entry.title,
        "authors": entry.authors,
        "year": entry.year,
        "venue": entry.venue,
        "citation": entry.citation,
        "ordinal": entry.ordinal,
    }


def _metadata_seed(*, instance: Source | Section, seeds: dict[str, str | int], reset: bool) -> bool:
    """Give ``instance`` the seeded values of the fields nobody has edited since they were
    last seeded (all of them with ``reset``), and remember the seeds. True if it changed."""
    before = {field: getattr(instance, field) for field in seeds}
    edited = {
        field
        for field, seed in instance.seeded.items()
        if field in before and before[field] != seed
    }
    for field, value in seeds.items():
        if reset or field not in edited:
            setattr(instance, field, value)
    changed = instance.seeded != seeds or any(
        getattr(instance, field) != value for field, value in before.items()
    )
    instance.seeded = dict(seeds)
    return changed


def _sections_sync(
    *, source: Source, parsed_sections: list[ParsedSection], reset: bool
) -> tuple[dict[int, Section], tuple[int, int]]:
    """Sections keyed by parsed ordinal; an old section is kept if its ordinal and
    seeded title still match, else if its seeded title alone does (so a title edited
    in the admin neither loses its section nor is overwritten)."""
    old = list(Section.objects.filter(source=source).order_by("ordinal"))
    by_place = {(section.ordinal, _seeded_title(section)): section for section in old}
    by_title: dict[str, deque[Section]] = defaultdict(deque)
    for section in old:
        by_title[_seeded_title(section)].append(section)
    matched: dict[int, Section] = {}
    used: set[int] = set()
    for parsed in parsed_sections:
        section = by_place.get((parsed.ordinal, parsed.title))
        if section is not None and section.pk not in used:
            matched[parsed.ordinal] = section
            used.add(section.pk)
    for parsed in parsed_sections:
        if parsed.ordinal in matched:
            continue
        candidates = by_title.get(parsed.title, deque())
        while candidates and candidates[0].pk in used:
            candidates.popleft()
        if candidates:
            matched[parsed.ordinal] = candidates.popleft()
            used.add(matched[parsed.ordinal].pk)
    kept, new, changed = [], [], []
    for parsed in parsed_sections:
        section = matched.get(parsed.ordinal) or Section(source=source)
        seeds = {"number": parsed.number, "title": parsed.title, "authors": parsed.authors}
        moved = section.ordinal != parsed.ordinal
        section.ordinal = parsed.ordinal
        if _metadata_seed(instance=section, seeds=seeds, reset=reset) or moved:
            if section.pk:
                changed.append(section)
        (kept if section.pk else new).append(section)
        matched[parsed.ordinal] = section
    Section.objects.bulk_update(changed, ["ordinal", *_SECTION_METADATA, "seeded"])
    Section.objects.bulk_create(new)
    return matched, (len(kept), len(new))


def _seeded_title(section: Section) -> str:
    return section.seeded.get("title", section.title)


def _passages_sync(
    *, source: Source, parsed_passages: list[ParsedPassage], sections: dict[int, Section]
) -> tuple[list[Passage], list[Passage], list[Passage]]:
    """Kept (updated in place), created and stale passages."""
    pool: dict[tuple[str, str], deque[Passage]] = defaultdict(deque)
    for passage in Passage.objects.filter(source=source).defer("search_vector").order_by("ordinal"):
        pool[(passage.kind, passage.text)].append(passage)
    kept: list[Passage] = []
    created: list[Passage] = []
    changed: list[Passage] = []
    for parsed in parsed_passages:
        section = sections[parsed.section_ordinal]
        matches = pool.get((parsed.kind, parsed.text))
        if matches:
            passage = matches.popleft()
            kept.append(passage)
        else:
            passage = Passage(source=source, kind=parsed.kind, text=parsed.text)
            created.append(passage)
        values = {
            "section_id": section.pk,
            "heading": section.title,
            "ordinal": parsed.ordinal,
            "note_label": parsed.note_label,
            "char_start": parsed.char_start,
            "char_end": parsed.char_end,
            "word_count": parsed.word_count,
            "note_markers": [
                {"offset": marker.offset, "label": marker.label} for marker in parsed.note_markers
            ],
        }
        if passage.pk and all(getattr(passage, field) == value for field, value in values.items()):
            continue
        for field, value in values.items():
            setattr(passage, field, value)
        if passage.pk:
            changed.append(passage)
    # Only rows that really changed: rewriting ``heading`` recomputes the search vector.
    Passage.objects.bulk_update(changed, _PASSAGE_FIELDS, batch_size=_BATCH_SIZE)
    Passage.objects.bulk_create(created, batch_size=_BATCH_SIZE)
    stale = [passage for passages in pool.values() for passage in passages]
    return kept, created, stale


def corpus_load(
    *,
    force: bool = False,
    progress: Progress | None = None,
    only: Iterable[str] = (),
    on_passages_replaced: PassagesReplaced | None = None,
    reset_metadata: bool = False,
) -> list[IngestResult]:
    """Load every manifest source whose file changed (all of them with ``force``).

    Unchanged files cost one hash each: spaCy is loaded only if something must be parsed.
    ``on_passages_replaced`` and ``reset_metadata``: see ``parsed_source_store``.
    """
    wanted = set(only)
    entries = [entry for entry in manifest_load() if not wanted or entry.slug in wanted]
    stored = dict(
        Source.objects.filter(slug__in=[entry.slug for entry in entries]).values_list(
            "slug", "sha256"
        )
    )
    results: list[IngestResult] = []
    vocabulary = None
    for index, entry in enumerate(entries):
        started = time.perf_counter()
        data = entry.path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        if progress:
            progress(index, len(entries), entry.slug)
        if not force and stored.get(entry.slug) == sha256:
            _source_metadata_sync(entry=entry, reset=reset_metadata)
            results.append(_result(slug=entry.slug, status="unchanged", started=started))
            continue
        vocabulary = vocabulary or corpus_vocabulary()
        parsed = source_parse(
            entry=entry, raw=data.decode("utf-8"), nlp=nlp_load(), vocabulary=vocabulary
        )
        stored_result = parsed_source_store(
            parsed=parsed, on_passages_replaced=on_passages_replaced, reset_metadata=reset_metadata
        )
        results.append(
            _result(
                slug=entry.slug,
                status="loaded",
                started=started,
                tags_moved=stored_result.tags_moved,
                tags_orphaned=stored_result.tags_orphaned,
            )
        )
    if progress:
        progress(len(entries), len(entries), "done")
    return results


@transaction.atomic
def _source_metadata_sync(*, entry: ManifestEntry, reset: bool) -> None:
    """An unchanged file's manifest entry may still have changed; ``reset`` also gives
    its sections back the titles the parse gave them."""
    source = Source.objects.select_for_update().filter(slug=entry.slug).first()
    if source is None:
        return
    seeds = _source_seeds(entry=entry)
    if _metadata_seed(instance=source, seeds=seeds, reset=reset):
        source.save(update_fields=[*seeds, "seeded"])
    if reset:
        for section in Section.objects.filter(source=source).exclude(seeded={}):
            if _metadata_seed(instance=section, seeds=section.seeded, reset=True):
                section_save(section=section)


@transaction.atomic
def section_save(*, section: Section) -> int:
    """Save a section's edited metadata, and give its passages the new title as their
    heading (which the search vector indexes). Returns how many passages changed."""
    section.save()
    return (
        Passage.objects.filter(section=section)
        .exclude(heading=section.title)
        .update(heading=section.title)
    )


def _result(
    *,
    slug: str,
    status: Literal["loaded", "unchanged"],
    started: float,
    tags_moved: int = 0,
    tags_orphaned: int = 0,
) -> IngestResult:
    passages = Passage.objects.filter(source__slug=slug)
    return IngestResult(
        slug=slug,
        status=status,
        body_passages=passages.filter(kind=Passage.Kind.BODY).count(),
        notes=passages.filter(kind=Passage.Kind.NOTE).count(),
        sections=Section.objects.filter(source__slug=slug).count(),
        seconds=time.perf_counter() - started,
        tags_moved=tags_moved,
        tags_orphaned=tags_orphaned,
    )
