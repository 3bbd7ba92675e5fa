"""From a raw file to sections and passages: read, normalise, notes, sections, segment.

``source_parse`` touches no database; ``corpus.services`` stores what it returns.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from corpus.ingest import normalise
from corpus.ingest.manifest import FormatHints, ManifestEntry, manifest_load
from corpus.ingest.notes import Note, Separation, markers_in_sequence, notes_separate
from corpus.ingest.sections import (
    SectionDraft,
    chapters_split,
    heading_like,
    headings_drop,
    headings_find,
    sections_from_headings,
)
from corpus.ingest.segment import NoteMarker, Paragraph, Piece, passages_segment
from corpus.ingest.text import Line, MappedText, RawMarker, lines_split
from corpus.ingest.vocabulary import Vocabulary

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True, slots=True)
class ParsedSection:
    ordinal: int
    number: str
    title: str
    authors: str


@dataclass(frozen=True, slots=True)
class ParsedPassage:
    ordinal: int
    section_ordinal: int
    kind: str  # "body" or "note"
    note_label: str
    text: str
    char_start: int
    char_end: int
    word_count: int
    # Footnote markers taken out of ``text``: where each stood, and the note's label.
    note_markers: tuple[NoteMarker, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedSource:
    entry: ManifestEntry
    sha256: str
    sections: list[ParsedSection]
    passages: list[ParsedPassage]


@dataclass(frozen=True, slots=True)
class Document:
    """A source before sentence segmentation: its sections and cleaned paragraphs."""

    sections: list[ParsedSection]
    paragraphs: list[Paragraph]


@functools.cache
def nlp_load() -> Language:
    """The spaCy pipeline named by ``settings.SPACY_MODEL``, loaded once per process."""
    import spacy

    return spacy.load(settings.SPACY_MODEL)


def sha256_hex(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def file_read(entry: ManifestEntry) -> str:
    """The file exactly as stored (no newline translation), so offsets index it."""
    return entry.path.read_bytes().decode("utf-8")


def corpus_vocabulary(*, entry: ManifestEntry | None = None, raw: str = "") -> Vocabulary:
    """Word forms of every manifest file (``raw`` standing in for ``entry``'s own file)."""
    texts = {item.slug: file_read(item) for item in manifest_load() if item.path.exists()}
    if entry is not None:
        texts[entry.slug] = raw
    return Vocabulary.from_texts(texts)


def source_parse(
    *, entry: ManifestEntry, raw: str, nlp: Language, vocabulary: Vocabulary | None = None
) -> ParsedSource:
    """Sections and passages of ``raw``, the text of ``entry``'s file.

    Line-end hyphens are decided by ``vocabulary``, by default the word forms of all the
    manifest's files; pass one built once when parsing several sources."""
    vocabulary = vocabulary or corpus_vocabulary(entry=entry, raw=raw)
    document = document_build(entry=entry, raw=raw, vocabulary=vocabulary)
    pieces = passages_segment(
        paragraphs=document.paragraphs,
        nlp=nlp,
        min_words=settings.PASSAGE_MIN_WORDS,
        max_words=settings.PASSAGE_MAX_WORDS,
    )
    return ParsedSource(
        entry=entry,
        sha256=sha256_hex(raw),
        sections=document.sections,
        passages=_numbered(pieces),
    )


def _numbered(pieces: list[Piece]) -> list[ParsedPassage]:
    ordered = sorted(pieces, key=lambda piece: (piece.char_start, piece.kind != "body"))
    return [
        ParsedPassage(
            ordinal=ordinal,
            section_ordinal=piece.section_ordinal,
            kind=piece.kind,
            note_label=piece.note_label,
            text=piece.text,
            char_start=piece.char_start,
            char_end=piece.char_end,
            word_count=piece.word_count,
            note_markers=piece.note_markers,
        )
        for ordinal, piece in enumerate(ordered, start=1)
    ]


def document_build(*, entry: ManifestEntry, raw: str, vocabulary: Vocabulary) -> Document:
    """Everything before spaCy: lines cleaned, notes set apart, sections, paragraphs."""
    lines = lines_clean(entry=entry, raw=raw)
    width = normalise.line_width(lines)
    sections: list[ParsedSection] = []
    paragraphs: list[Paragraph] = []
    for group in _section_groups(entry=entry, lines=lines, width=width):
        bodies, cited_in = _group_bodies(
            group=group, entry=entry, width=width, vocabulary=vocabulary
        )
        note_homes = [_note_home(note=note, group=group, cited_in=cited_in) for note in group.notes]
        ordinals: dict[int, int] = {}
        for position, draft in enumerate(group.drafts):
            if not bodies[position] and position not in note_homes:
                continue
            ordinals[position] = len(sections) + 1
            sections.append(
                ParsedSection(
                    ordinal=ordinals[position],
                    number=draft.number,
                    title=draft.title,
                    authors=draft.authors,
                )
            )
            paragraphs.extend(
                Paragraph(
                    kind="body",
                    section_ordinal=ordinals[position],
                    note_label="",
                    text=body.text,
                    markers=body.markers,
                )
                for body in bodies[position]
            )
        for note, home in zip(group.notes, note_homes, strict=True):
            text = _note_text(note=note, entry=entry, vocabulary=vocabulary)
            if text.text:
                paragraphs.append(
                    Paragraph(
                        kind="note",
                        section_ordinal=ordinals[home],
                        note_label=note.label,
                        text=text,
                    )
                )
    return Document(sections=sections, paragraphs=paragraphs)


@dataclass(frozen=True, slots=True)
class _Body:
    """A cleaned body paragraph and the note markers taken out of it."""

    text: MappedText
    markers: tuple[RawMarker, ...]


@dataclass(slots=True)
class _Group:
    """Sections whose notes share one numbering: a chapter, or a whole article."""

    drafts: list[SectionDraft]
    notes: list[Note]


def lines_clean(*, entry: ManifestEntry, raw: str) -> list[Line]:
    """The raw file's lines without front matter, page furniture, OCR repeats or tables."""
    hints = entry.hints
    lines = lines_split(raw=raw)
    lines = normalise.front_matter_drop(
        lines=lines, title=entry.title, author_names=entry.author_names
    )
    running_titles = [
        entry.title,
        entry.title.split(":")[0],
        *(chapter.title for chapter in hints.chapters),
    ]
    lines = normalise.debris_drop(lines=lines, running_titles=running_titles)
    lines = normalise.duplicate_blocks_drop(lines=lines)
    return normalise.tables_drop(lines=lines)


def _section_groups(*, entry: ManifestEntry, lines: list[Line], width: int) -> list[_Group]:
    hints = entry.hints
    gaps_meaningful = hints.paragraphs != "loose"

    def separated(group_lines: list[Line]) -> Separation:
        return notes_separate(
            lines=group_lines,
            hints=hints,
            width=width,
            author_names=entry.author_names,
            is_heading=lambda line: heading_like(line, kinds=hints.headings),
        )

    if hints.chapters:
        groups = []
        for chapter in chapters_split(
            lines=lines, chapters=hints.chapters, preface_title=hints.preface_title
        ):
            separation = separated(chapter.lines)
            chapter.lines = separation.body
            if hints.subheadings == "drop":
                headings = headings_find(
                    lines=chapter.lines, kinds=hints.headings, gaps_meaningful=gaps_meaningful
                )
                chapter.lines = headings_drop(lines=chapter.lines, headings=headings)
            groups.append(_Group(drafts=[chapter], notes=separation.notes))
        return groups
    separation = separated(lines)
    headings = headings_find(
        lines=separation.body, kinds=hints.headings, gaps_meaningful=gaps_meaningful
    )
    if hints.subheadings == "drop":
        body = headings_drop(lines=separation.body, headings=headings)
        drafts = [SectionDraft(title=hints.lead_section_title, lines=body)]
    else:
        drafts = sections_from_headings(
            lines=separation.body, headings=headings, lead_title=hints.lead_section_title
        )
    return [_Group(drafts=drafts, notes=separation.notes)]


def _group_bodies(
    *, group: _Group, entry: ManifestEntry, width: int, vocabulary: Vocabulary
) -> tuple[list[list[_Body]], dict[str, int]]:
    """Each section's body paragraphs, and which section first cites each note."""
    hints = entry.hints
    max_label = max((int(note.label) for note in group.notes if note.label.isdigit()), default=0)
    stripped = [
        [
            _markers_stripped(text=paragraph, hints=hints, max_label=max_label)
            for paragraph in normalise.paragraphs_reflow(
                lines=draft.lines,
                style=hints.paragraphs,
                width=width,
                vocabulary=vocabulary,
                source=entry.slug,
            )
        ]
        for draft in group.drafts
    ]
    repaired = iter(
        markers_in_sequence(
            [marker for section in stripped for _, markers in section for marker in markers]
        )
    )
    bodies: list[list[_Body]] = []
    cited_in: dict[str, int] = {}
    for position, section in enumerate(stripped):
        paragraphs = []
        for text, markers in section:
            text = normalise.paragraph_clean(text=text, italics=hints.italics)
            section_markers = tuple(next(repaired) for _ in markers)
            for marker in section_markers:
                cited_in.setdefault(marker.label, position)
            if text.text:
                paragraphs.append(_Body(text=text, markers=section_markers))
        bodies.append(paragraphs)
    return bodies, cited_in


def _markers_stripped(
    *, text: MappedText, hints: FormatHints, max_label: int
) -> tuple[MappedText, list[RawMarker]]:
    if hints.note_markers == "superscript":
        return normalise.superscript_markers_strip(text)
    if hints.note_markers == "digits" and max_label:
        return normalise.digit_markers_strip(
            text, max_label=max_label, ocr_one=hints.marker_ocr_one
        )
    return text, []


def _note_home(*, note: Note, group: _Group, cited_in: dict[str, int]) -> int:
    """The section that cites the note, else the one it is printed in; a starred note
    (on the title or the byline) belongs to the first."""
    if note.label == "*":
        return 0
    if note.label in cited_in:
        return cited_in[note.label]
    first_line = note.lines[0].index
    home = 0
    for position, draft in enumerate(group.drafts):
        if draft.start_index <= first_line:
            home = position
    return home


def _note_text(*, note: Note, entry: ManifestEntry, vocabulary: Vocabulary) -> MappedText:
    text = normalise.note_reflow(lines=note.lines, vocabulary=vocabulary, source=entry.slug)
    if entry.hints.note_markers == "superscript":
        text, _ = normalise.superscript_markers_strip(text)
    return normalise.paragraph_clean(text=text, italics=entry.hints.italics)
