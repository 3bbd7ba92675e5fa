"""Passages: paragraphs cut at spaCy's sentence boundaries into readable lengths."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.ingest.text import MappedText, RawMarker

if TYPE_CHECKING:
    from spacy.language import Language

# Components that give sentence boundaries; everything else can stay off.
SENTENCE_COMPONENTS = frozenset({"tok2vec", "parser", "senter", "sentencizer"})
_BATCH_SIZE = 64


@dataclass(frozen=True, slots=True)
class Paragraph:
    kind: str  # "body" or "note"
    section_ordinal: int
    note_label: str
    text: MappedText
    # Note markers taken out of ``text``.
    markers: tuple[RawMarker, ...] = ()


@dataclass(frozen=True, slots=True)
class NoteMarker:
    """Where a footnote marker stood in a passage's text, and the note's label."""

    offset: int
    label: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A passage before numbering: a paragraph or a run of its sentences."""

    kind: str
    section_ordinal: int
    note_label: str
    text: str
    char_start: int
    char_end: int
    word_count: int
    note_markers: tuple[NoteMarker, ...] = ()


def word_count(text: str) -> int:
    return len(text.split())


def sentence_spans(*, texts: Sequence[str], nlp: Language) -> Iterator[list[tuple[int, int]]]:
    """For each text, its sentences as character spans."""
    disabled = [name for name in nlp.pipe_names if name not in SENTENCE_COMPONENTS]
    for doc in nlp.pipe(texts, batch_size=_BATCH_SIZE, disable=disabled):
        yield [(sentence.start_char, sentence.end_char) for sentence in doc.sents]


def passages_segment(
    *, paragraphs: Sequence[Paragraph], nlp: Language, min_words: int, max_words: int
) -> list[Piece]:
    pieces: list[Piece] = []
    spans = sentence_spans(texts=[paragraph.text.text for paragraph in paragraphs], nlp=nlp)
    for paragraph, sentences in zip(paragraphs, spans, strict=True):
        parts = [
            paragraph.text.slice(start=start, end=end).stripped()
            for start, end in sentence_groups(
                text=paragraph.text.text,
                sentences=sentences,
                min_words=min_words,
                max_words=max_words,
            )
        ]
        markers = _markers_by_part(parts=parts, markers=paragraph.markers)
        pieces.extend(
            _piece(paragraph=paragraph, part=part, markers=part_markers)
            for part, part_markers in zip(parts, markers, strict=True)
        )
    return pieces


def _markers_by_part(
    *, parts: list[MappedText], markers: Sequence[RawMarker]
) -> list[tuple[NoteMarker, ...]]:
    """Each marker goes to the part holding the text just before it (a marker after a
    sentence's full stop stays with that sentence), at its index in that part."""
    by_part: list[list[NoteMarker]] = [[] for _ in parts]
    for marker in markers:
        home = 0
        for position, part in enumerate(parts):
            if part.offsets and part.offsets[0] < marker.raw_offset:
                home = position
        by_part[home].append(
            NoteMarker(offset=parts[home].index_before(marker.raw_offset), label=marker.label)
        )
    return [tuple(part_markers) for part_markers in by_part]


def sentence_groups(
    *, text: str, sentences: Sequence[tuple[int, int]], min_words: int, max_words: int
) -> list[tuple[int, int]]:
    """Character spans of runs of whole sentences, as even as can be and at most
    ``max_words`` long (a longer single sentence stays whole)."""
    counts = [word_count(text[start:end]) for start, end in sentences]
    total = sum(counts)
    if total <= max_words or len(sentences) < 2:
        return [(0, len(text))]
    target = total / math.ceil(total / max_words)
    # best[i]: (cost, start of the last group) for the first i sentences.
    best: list[tuple[float, int]] = [(0.0, 0)]
    prefix = [0]
    for count in counts:
        prefix.append(prefix[-1] + count)
    for end in range(1, len(counts) + 1):
        options = []
        for start in range(end - 1, -1, -1):
            words = prefix[end] - prefix[start]
            if words > max_words and end - start > 1:
                break
            cost = (words - target) ** 2 + (target**2 if words < min_words else 0.0)
            options.append((best[start][0] + cost, start))
        best.append(min(options))
    groups: list[tuple[int, int]] = []
    end = len(counts)
    while end > 0:
        start = best[end][1]
        groups.append((start, end))
        end = start
    groups.reverse()
    edges = [0] + [sentences[start][0] for start, _ in groups[1:]] + [len(text)]
    return list(zip(edges, edges[1:], strict=False))


def _piece(*, paragraph: Paragraph, part: MappedText, markers: tuple[NoteMarker, ...]) -> Piece:
    char_start, char_end = part.raw_span(start=0, end=len(part.text))
    return Piece(
        kind=paragraph.kind,
        section_ordinal=paragraph.section_ordinal,
        note_label=paragraph.note_label,
        text=part.text,
        char_start=char_start,
        char_end=char_end,
        word_count=word_count(part.text),
        note_markers=markers,
    )
