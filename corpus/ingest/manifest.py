"""The corpus manifest: which files to load, their bibliography and layout hints.

Everything source-specific lives in ``fixtures/manifest.json``; the ingestion steps
only read the hints below, so a new source with a familiar layout needs no code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from django.conf import settings

ParagraphStyle = Literal["wrapped", "loose", "line"]
NotesStyle = Literal["page_foot", "endnotes", "interleaved", "none"]
MarkerStyle = Literal["superscript", "digits", "none"]
HeadingKind = Literal["caps", "short_line", "lowercase_line", "title_line"]


@dataclass(frozen=True, slots=True)
class ChapterHint:
    number: str
    title: str
    authors: str


@dataclass(frozen=True, slots=True)
class FormatHints:
    # How lines make paragraphs: "wrapped" (blank line or indent after a sentence end
    # starts one), "loose" (blank lines are noise; a short last line ends one), or
    # "line" (one paragraph per line, split only by page breaks).
    paragraphs: ParagraphStyle = "wrapped"
    notes: NotesStyle = "none"
    note_markers: MarkerStyle = "none"
    # An OCR stand-in for the digit 1 in digit markers ("constant.'3" for 13).
    marker_ocr_one: str = ""
    # Footnote lines are set smaller, so they run longer than any body line.
    note_line_min_chars: int = 0
    notes_heading: str = ""
    trailing_author_note: bool = False
    headings: tuple[HeadingKind, ...] = ()
    # "sections": headings start sections; "drop": they are removed from the text
    # (the sections come from ``chapters``).
    subheadings: Literal["sections", "drop"] = "sections"
    lead_section_title: str = "Introduction"
    preface_title: str = ""
    chapters: tuple[ChapterHint, ...] = ()
    italics: bool = False


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    slug: str
    filename: str
    path: Path
    title: str
    authors: str
    author_names: tuple[str, ...]
    year: int
    venue: str
    citation: str
    ordinal: int
    hints: FormatHints = field(default_factory=FormatHints)


def manifest_load(path: Path | str | None = None) -> list[ManifestEntry]:
    manifest_path = Path(path) if path is not None else Path(settings.CORPUS_MANIFEST)
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    sources_dir = manifest_path.parent / data.get("sources_dir", "sources")
    entries = [_entry_from_json(item=item, sources_dir=sources_dir) for item in data["sources"]]
    return sorted(entries, key=lambda entry: entry.ordinal)


def _entry_from_json(*, item: dict, sources_dir: Path) -> ManifestEntry:
    fmt = dict(item.get("format", {}))
    chapters = tuple(ChapterHint(**chapter) for chapter in fmt.pop("chapters", ()))
    headings = tuple(fmt.pop("headings", ()))
    return ManifestEntry(
        slug=item["slug"],
        filename=item["filename"],
        path=sources_dir / item["filename"],
        title=item["title"],
        authors=item["authors"],
        author_names=tuple(item.get("author_names", ())),
        year=int(item["year"]),
        venue=item.get("venue", ""),
        citation=item["citation"],
        ordinal=int(item["ordinal"]),
        hints=FormatHints(chapters=chapters, headings=headings, **fmt),
    )
