"""Writes to the corpus: storing parsed sources and loading the manifest's files.

Passages are referenced by researchers' tags (``on_delete=PROTECT``), so a reload keeps
every passage whose kind and text are unchanged under its primary key; only passages
that really changed are replaced, after their tags have been moved off them.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

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
)
_BATCH_SIZE = 500


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
def parsed_source_store(*, parsed: ParsedSource) -> StoreResult:
    """Create or update the source, its sections and passages, keeping identities."""
    source = _source_upsert(entry=parsed.entry, sha256=parsed.sha256)
    sections, sections_counts = _sections_sync(source=source, parsed_sections=parsed.sections)
    kept, created, stale = _passages_sync(
        source=source, parsed_passages=parsed.passages, sections=sections
    )
    tags_moved = tags_orphaned = 0
    if stale:
        # Imported here: annotations depends on corpus, not the other way round.
        from annotations.services import tags_reanchor

        # Locked first, so no tag can be added to them between re-anchoring and deleting.
        Passage.objects.select_for_update().filter(pk__in=[p.pk for p in stale]).exists()
        current = sorted([*kept, *created], key=lambda passage: passage.ordinal)
        reanchored = tags_reanchor(
            source=source, stale_passage_ids=[passage.pk for passage in stale], new_passages=current
        )
        tags_moved, tags_orphaned = reanchored.moved, reanchored.orphaned
        Passage.objects.filter(pk__in=[passage.pk for passage in stale]).delete()
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


def _source_upsert(*, entry: ManifestEntry, sha256: str) -> Source:
    source, _ = Source.objects.select_for_update().get_or_create(
        slug=entry.slug, defaults=_source_fields(entry=entry)
    )
    for field, value in _source_fields(entry=entry).items():
        setattr(source, field, value)
    source.sha256 = sha256
    source.ingested_at = timezone.now()
    source.save()
    return source


def _source_fields(*, entry: ManifestEntry) -> dict:
    return {
        "title": entry.title,
        "authors": entry.authors,
        "year": entry.year,
        "venue": entry.venue,
        "citation": entry.citation,
        "filename": entry.filename,
        "ordinal": entry.ordinal,
    }


def _sections_sync(
    *, source: Source, parsed_sections: list[ParsedSection]
) -> tuple[dict[int, Section], tuple[int, int]]:
    """Sections keyed by parsed ordinal; an old section is kept if its ordinal and
    title still match, else if its title alone does."""
    old = list(Section.objects.filter(source=source).order_by("ordinal"))
    by_place = {(section.ordinal, section.title): section for section in old}
    by_title: dict[str, deque[Section]] = defaultdict(deque)
    for section in old:
        by_title[section.title].append(section)
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
        values = {
            "ordinal": parsed.ordinal,
            "number": parsed.number,
            "title": parsed.title,
            "authors": parsed.authors,
        }
        if not section.pk or any(
            getattr(section, field) != value for field, value in values.items()
        ):
            for field, value in values.items():
                setattr(section, field, value)
            if section.pk:
                changed.append(section)
        (kept if section.pk else new).append(section)
        matched[parsed.ordinal] = section
    Section.objects.bulk_update(changed, ["ordinal", "number", "title", "authors"])
    Section.objects.bulk_create(new)
    return matched, (len(kept), len(new))


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
    *, force: bool = False, progress: Progress | None = None, only: Iterable[str] = ()
) -> list[IngestResult]:
    """Load every manifest source whose file changed (all of them with ``force``).

    Unchanged files cost one hash each: spaCy is loaded only if something must be parsed.
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
            _source_metadata_sync(entry=entry)
            results.append(_result(slug=entry.slug, status="unchanged", started=started))
            continue
        vocabulary = vocabulary or corpus_vocabulary()
        parsed = source_parse(
            entry=entry, raw=data.decode("utf-8"), nlp=nlp_load(), vocabulary=vocabulary
        )
        stored_result = parsed_source_store(parsed=parsed)
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


def _source_metadata_sync(*, entry: ManifestEntry) -> None:
    Source.objects.filter(slug=entry.slug).update(**_source_fields(entry=entry))


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
