"""Separating notes from body text, one strategy per way the sources print them.

Each strategy turns a run of lines into body lines and ``Note``s (a label and the
note's lines, label stripped). Note numbers run in sequence, which is what tells a
real label ("14 Rutland (fn. 10)") from a number that happens to start a line
("43 January 1991)") and lets a note whose label the OCR lost get it back.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from corpus.ingest.manifest import FormatHints
from corpus.ingest.text import Line, RawMarker, ends_sentence

_FOOT_LABEL = re.compile(
    r"^(?:(?P<star>\*)|(?P<digits>\d{1,3})|(?P<lookalike>[Il]))(?:\s+|(?<=\d)(?=[A-Z]))"
)
_ENDNOTE_LABEL = re.compile(r"^(?:(?P<star>\*)|(?P<digits>\d{1,3})\.?)\s+")
_SUPERSCRIPT_LABEL = re.compile(r"^(?:(?P<star>\*)\s+|(?P<digits>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*)")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# How far ahead of the expected number a label may be (notes the OCR lost entirely).
_LABEL_LOOKAHEAD = 2
# Endnote paragraphs are set smaller: their lines run this much longer than the body's.
_NOTE_WIDTH_RATIO = 1.1
# ... and a note line glued under the body's last line runs longer than any body line.
_NOTE_TAIL_RATIO = 1.2


@dataclass(slots=True)
class Note:
    label: str
    lines: list[Line] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return bool(self.lines) and not ends_sentence(self.lines[-1].text)


@dataclass(slots=True)
class Separation:
    body: list[Line]
    notes: list[Note]


@dataclass(slots=True)
class _Unit:
    """A run of note lines that starts a new note, or continues one, as labels decide."""

    label: str | None
    lines: list[Line]


def notes_separate(
    *,
    lines: list[Line],
    hints: FormatHints,
    width: int,
    author_names: Iterable[str],
    is_heading: Callable[[Line], bool],
) -> Separation:
    if hints.notes == "page_foot":
        separation = notes_page_foot(lines=lines, min_chars=hints.note_line_min_chars)
    elif hints.notes == "endnotes":
        separation = notes_endnotes(lines=lines, heading=hints.notes_heading, width=width)
    elif hints.notes == "interleaved":
        separation = notes_interleaved(lines=lines, is_heading=is_heading)
    else:
        separation = Separation(body=lines, notes=[])
    if hints.trailing_author_note:
        separation = author_note_split(separation=separation, author_names=author_names)
    return separation


def notes_page_foot(*, lines: list[Line], min_chars: int) -> Separation:
    """Footnotes at the foot of each page; a page starts with an indented line."""
    body: list[Line] = []
    units: list[_Unit] = []
    expected = 1
    for page in _pages(lines):
        zone = _foot_zone_start(page=page, min_chars=min_chars, expected=expected)
        body.extend(page[:zone])
        previous_closed = not units or ends_sentence(units[-1].lines[-1].text)
        for offset, line in enumerate(page[zone:]):
            starts_note = offset == 0 or line.gap_before > 0
            after_sentence = starts_note or ends_sentence(page[zone + offset - 1].text)
            label = _foot_label(
                line, expected=expected, after_sentence=after_sentence, min_chars=min_chars
            )
            if label is not None:
                match = _FOOT_LABEL.match(line.text)
                units.append(_Unit(label=label, lines=[line.trimmed(lead=match.end())]))
                expected = int(label) + 1 if label.isdigit() else expected
            elif units and not (offset == 0 and previous_closed):
                # The page's first note line finishes the previous page's last note.
                units[-1].lines.append(line)
            else:
                units.append(_Unit(label=None, lines=[line]))
    return Separation(body=body, notes=_notes_from_units(units))


def _pages(lines: list[Line]) -> list[list[Line]]:
    pages: list[list[Line]] = []
    for line in lines:
        if not pages or line.indent > 0:
            pages.append([])
        pages[-1].append(line)
    return pages


def _foot_zone_start(*, page: list[Line], min_chars: int, expected: int) -> int:
    """Where a page's footnotes begin: at its first note-width line (with any short note
    lines just above it), or at a paragraph opening with the next note number."""
    starts = [len(page)]
    long_line = next(
        (index for index, line in enumerate(page) if index > 0 and len(line.text) >= min_chars),
        None,
    )
    if long_line is not None:
        start = long_line
        while (
            start > 1
            and page[start].gap_before == 0
            and _note_tail_or_label(page[start - 1], min_chars=min_chars, expected=expected)
        ):
            start -= 1
        starts.append(start)
    for index, line in enumerate(page):
        label = _foot_label(line, expected=expected, after_sentence=True, min_chars=min_chars)
        if index > 0 and line.gap_before > 0 and label is not None and label.isdigit():
            starts.append(index)
            break
    return min(starts)


def _note_tail_or_label(line: Line, *, min_chars: int, expected: int) -> bool:
    """A short last line of a note, or a line opening with the next note number."""
    label = _foot_label(line, expected=expected, after_sentence=True, min_chars=min_chars)
    return label is not None or (len(line.text) < min_chars // 2 and ends_sentence(line.text))


def _foot_label(line: Line, *, expected: int, after_sentence: bool, min_chars: int) -> str | None:
    match = _FOOT_LABEL.match(line.text)
    if not match or not after_sentence:
        return None
    if match.group("star"):
        return "*"
    if match.group("lookalike"):
        # "I" for a lost digit: only where the note's typography says it is a note.
        return str(expected) if len(line.text) >= min_chars else None
    number = int(match.group("digits"))
    return str(number) if expected <= number <= expected + _LABEL_LOOKAHEAD else None


def notes_endnotes(*, lines: list[Line], heading: str, width: int) -> Separation:
    """Notes gathered at the end: after a heading line, or as a trailing labelled block."""
    heading_at = next(
        (
            index
            for index, line in enumerate(lines)
            if heading and line.text.casefold() == heading.casefold()
        ),
        None,
    )
    if heading_at is not None:
        body, zone = lines[:heading_at], lines[heading_at + 1 :]
    else:
        start = _trailing_notes_start(lines=lines, width=width)
        body, zone = lines[:start], lines[start:]
    units: list[_Unit] = []
    expected = 1
    for line in zone:
        match = _ENDNOTE_LABEL.match(line.text)
        label = _sequence_label(match, expected=expected) if match else None
        if label is not None:
            units.append(_Unit(label=label, lines=[line.trimmed(lead=match.end())]))
            expected = int(label) + 1 if label.isdigit() else expected
        elif not units or line.gap_before > 0:
            units.append(_Unit(label=None, lines=[line]))
        else:
            units[-1].lines.append(line)
    return Separation(body=body, notes=_notes_from_units(units))


def _trailing_notes_start(*, lines: list[Line], width: int) -> int:
    """Where a run of note-like paragraphs closing ``lines`` begins (``len(lines)`` if none).

    A note can follow the body's last line with no blank between: the run then starts
    where the note's longer lines do."""
    block_starts = [index for index, line in enumerate(lines) if index == 0 or line.gap_before > 0]
    start = len(lines)
    labelled = False
    for number in range(len(block_starts) - 1, -1, -1):
        block = lines[block_starts[number] : start]
        label = _ENDNOTE_LABEL.match(block[0].text)
        labelled = labelled or bool(label)
        # A numbered list can close a chapter too; only a note's smaller type is proof.
        if not (label and label.group("star")) and not _note_like(block=block, width=width):
            start -= _long_tail_length(block=block, min_chars=_NOTE_TAIL_RATIO * width)
            break
        start = block_starts[number]
    return start if labelled else len(lines)


def _note_like(*, block: list[Line], width: int) -> bool:
    """Set in note type: lines (but the last, often short) longer than the body's."""
    if len(block) == 1:
        return len(block[0].text) > _NOTE_TAIL_RATIO * width
    return statistics.median(len(line.text) for line in block[:-1]) > _NOTE_WIDTH_RATIO * width


def _long_tail_length(*, block: list[Line], min_chars: float) -> int:
    """How many closing lines of ``block`` are a note glued under the body: a run of
    long lines and the note's short last line (0 if there is no such run)."""
    length = 0
    while length + 1 < len(block) and len(block[-length - 2].text) > min_chars:
        length += 1
    return length + 1 if length else 0


def _sequence_label(match: re.Match[str], *, expected: int) -> str | None:
    if match.group("star"):
        return "*"
    number = int(match.group("digits"))
    return str(number) if expected <= number <= expected + _LABEL_LOOKAHEAD else None


def _notes_from_units(units: list[_Unit]) -> list[Note]:
    """Units become notes; an unlabelled run either fills a gap in the numbering or continues."""
    notes: list[Note] = []
    position = 0
    while position < len(units):
        unit = units[position]
        if unit.label is not None:
            notes.append(Note(label=unit.label, lines=list(unit.lines)))
            position += 1
            continue
        run_end = position
        while run_end < len(units) and units[run_end].label is None:
            run_end += 1
        previous_number = _last_number(notes)
        next_label = units[run_end].label if run_end < len(units) else None
        missing = (
            int(next_label) - previous_number - 1 if next_label and next_label.isdigit() else -1
        )
        for offset, orphan in enumerate(units[position:run_end]):
            if missing == run_end - position:
                notes.append(
                    Note(label=str(previous_number + 1 + offset), lines=list(orphan.lines))
                )
            elif notes:
                notes[-1].lines.extend(orphan.lines)
            else:
                notes.append(Note(label="", lines=list(orphan.lines)))
        position = run_end
    return notes


def _last_number(notes: list[Note]) -> int:
    for note in reversed(notes):
        if note.label.isdigit():
            return int(note.label)
    return 0


def notes_interleaved(*, lines: list[Line], is_heading: Callable[[Line], bool]) -> Separation:
    """Note paragraphs placed among the body paragraphs, each opening with its number.

    A page break can leave part of a body paragraph or of a note on its own line; it
    is given to whichever of the two is still open and fits where it stands.
    """
    body: list[Line] = []
    notes: list[Note] = []
    labels = [_SUPERSCRIPT_LABEL.match(line.text) for line in lines]
    for index, line in enumerate(lines):
        if labels[index]:
            label = _interleaved_label(labels[index])
            notes.append(Note(label=label, lines=[line.trimmed(lead=labels[index].end())]))
            continue
        last_note = notes[-1] if notes else None
        if is_heading(line) or last_note is None or not last_note.is_open:
            body.append(line)
            continue
        body_open = bool(body) and not ends_sentence(body[-1].text)
        following = lines[index + 1] if index + 1 < len(lines) else None
        if _continues_note(
            line=line,
            body_open=body_open,
            following=following,
            following_is_note=following is not None and bool(labels[index + 1]),
            is_heading=is_heading,
        ):
            last_note.lines.append(line)
        else:
            body.append(line)
    return Separation(body=body, notes=notes)


def _interleaved_label(match: re.Match[str]) -> str:
    if match.group("star"):
        return "*"
    return str(int(match.group("digits").translate(_SUPERSCRIPT_DIGITS)))


def _continues_note(
    *,
    line: Line,
    body_open: bool,
    following: Line | None,
    following_is_note: bool,
    is_heading: Callable[[Line], bool],
) -> bool:
    if following_is_note:
        # Just above a page's notes: the previous page's unfinished note resumes here.
        return True
    if not body_open:
        # A capital after a finished paragraph starts a new one; anything else continues the note.
        return not line.text[:1].isupper()
    # Both are open: it belongs to the note if the body resumes on the next line.
    return following is not None and not following.text[:1].isupper() and not is_heading(following)


def author_note_split(*, separation: Separation, author_names: Iterable[str]) -> Separation:
    """A closing note about the author ("Stephen Kotkin is Assistant Professor ...")."""
    body = separation.body
    names = tuple(author_names)
    for index in range(len(body) - 1, max(len(body) - 15, 0), -1):
        if body[index].text.startswith(names) and ends_sentence(body[index - 1].text):
            return Separation(
                body=body[:index], notes=[*separation.notes, Note(label="", lines=body[index:])]
            )
    return separation


def markers_in_sequence(markers: list[RawMarker]) -> list[RawMarker]:
    """Markers with numbers the OCR garbled put back in sequence.

    A marker that falls back ("prize."4" for 44, "committee.t5" for 64) between two
    that leave exactly one number free takes that number."""
    repaired = list(markers)
    for index in range(1, len(markers) - 1):
        before, marker, after = (markers[index + step].label for step in (-1, 0, 1))
        if not (before.isdigit() and marker.isdigit() and after.isdigit()):
            continue
        if int(marker) <= int(before) and int(after) == int(before) + 2:
            repaired[index] = replace(markers[index], label=str(int(before) + 1))
    return repaired
