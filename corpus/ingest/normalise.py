"""Normalisation: OCR layout debris out, lines reflowed into paragraphs, text cleaned.

Line-level steps return fewer (or trimmed) ``Line``s; the paragraph steps build
``MappedText`` so every character still points into the raw file.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable

from corpus.ingest.manifest import ParagraphStyle
from corpus.ingest.text import (
    Line,
    MappedText,
    RawMarker,
    ends_sentence,
    letters_only,
    lines_without,
)
from corpus.ingest.vocabulary import Vocabulary

_LEADING_NUMBER = re.compile(r"^\d{1,3}\s+")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_RUNNING_HEAD = re.compile(r"^(?:\d{1,3}\s+(?P<after>.+)|(?P<before>.+?)\s+\d{1,3})$")
_PUNCTUATION_ONLY = re.compile(r"^[^\w\s]{1,3}$")
_LEADING_DEBRIS = re.compile(r"^[.|]\s?(?=[A-Za-z“\"‘])")
_TRAILING_DEBRIS = re.compile(r"\s+[|'‘]$")
_CAPTION = re.compile(r"^(?:Table|Figure|Fig\.)\s+(?:\d+|[A-Z][a-z]+)\s*[:.]")
_NUMERIC_TOKEN = re.compile(r"^[\d.,%()–-]+$")
_OPENING_QUOTE = ("“", '"', "‘")
_HYPHENATED_END = re.compile(r"(?<=[A-Za-z0-9])-$")
_NUMBER_RANGE_END = re.compile(r"\d–$")
_TRAILING_WORD = re.compile(r"[A-Za-z]+$")
_LEADING_WORD = re.compile(r"^[A-Za-z]+")

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_MARKER = re.compile(f"[{_SUPERSCRIPTS}]+")
_SUPERSCRIPT_DIGITS = str.maketrans(_SUPERSCRIPTS, "0123456789")
_ITALICS = re.compile(r"\*(?=\S)([^*]+?)(?<=\S)\*")
_STRAY_ASTERISK = re.compile(r"\*")
_LEADING_ASTERISK = re.compile(r"^\*\s+")
_DIALOGUE_MARK = re.compile(r"(?:^|(?<=\s))\ufffd+\s*")
_LOST_ELLIPSIS = re.compile(r"\ufffd+")
_INLINE_DEBRIS = re.compile(r"(?<=[a-z]) \.(?= [a-z])")
_SPACES = re.compile(r"\s{2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<=[\w’'”\")\]]) +(?=[,;:](?:\s|$))")

# The title and byline, if any, sit among the first lines.
_FRONT_MATTER_MAX_LINES = 12
# A running head names the book or chapter: at least this much of the title.
_RUNNING_HEAD_MIN_CHARS = 10
# Shortest run of lines repeated verbatim that counts as an OCR duplicate, how far
# apart the copies may be, and how long a line must be to be compared at all.
_MIN_DUPLICATE_LINES = 3
_DUPLICATE_WINDOW = 80
_DUPLICATE_MIN_CHARS = 15
# A caption's second line is a short tail ("area, 1993").
_CAPTION_CONTINUATION_MAX_CHARS = 30
# Uncaptioned tables: this many short lines of figures in a row.
_MIN_TABLE_ROWS = 3
_TABLE_ROW_MAX_CHARS = 60
# A "loose" paragraph ends on a line noticeably shorter than the column.
_SHORT_LINE_RATIO = 0.88


def front_matter_drop(*, lines: list[Line], title: str, author_names: Iterable[str]) -> list[Line]:
    """Drop the leading title and byline lines: their text is the manifest's title or an author."""
    title_key = letters_only(title)
    author_keys = [letters_only(name) for name in author_names]
    count = 0
    for line in lines[:_FRONT_MATTER_MAX_LINES]:
        key = letters_only(_LEADING_NUMBER.sub("", line.text))
        if len(key) >= 3 and (key in title_key or any(author in key for author in author_keys)):
            count += 1
        else:
            break
    return lines[count:]


def debris_drop(*, lines: list[Line], running_titles: Iterable[str]) -> list[Line]:
    """Drop page numbers, running heads and stray punctuation; trim debris at line ends."""
    title_keys = [key for key in (letters_only(title) for title in running_titles) if key]
    dropped: set[int] = set()
    for position, line in enumerate(lines):
        isolated = line.gap_before > 0 or (
            position + 1 < len(lines) and lines[position + 1].gap_before > 0
        )
        if _PUNCTUATION_ONLY.match(line.text):
            dropped.add(position)
        elif isolated and (
            _PAGE_NUMBER.match(line.text) or _is_running_head(line.text, title_keys=title_keys)
        ):
            dropped.add(position)
    kept = lines_without(lines=lines, dropped=dropped)
    return [_debris_trimmed(line) for line in kept]


def _is_running_head(text: str, *, title_keys: list[str]) -> bool:
    match = _RUNNING_HEAD.match(text)
    if not match:
        return False
    key = letters_only(match.group("after") or match.group("before"))
    return len(key) >= _RUNNING_HEAD_MIN_CHARS and any(
        title.startswith(key) for title in title_keys
    )


def _debris_trimmed(line: Line) -> Line:
    lead = _LEADING_DEBRIS.match(line.text)
    tail = _TRAILING_DEBRIS.search(line.text)
    if not lead and not tail:
        return line
    return line.trimmed(
        lead=lead.end() if lead else 0, tail=len(line.text) - tail.start() if tail else 0
    )


def duplicate_blocks_drop(*, lines: list[Line]) -> list[Line]:
    """Drop the first copy of a run of lines that the OCR repeated straight after itself."""
    keys = [letters_only(line.text) for line in lines]
    positions: dict[str, list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        if len(key) >= _DUPLICATE_MIN_CHARS:
            positions[key].append(position)
    dropped: set[int] = set()
    for occurrences in positions.values():
        for first, second in zip(occurrences, occurrences[1:], strict=False):
            span = second - first
            if first in dropped or not _MIN_DUPLICATE_LINES <= span <= _DUPLICATE_WINDOW:
                continue
            repeated = second + span <= len(keys) and all(
                keys[first + step] == keys[second + step] for step in range(span)
            )
            if repeated:
                dropped.update(range(first, second))
    return lines_without(lines=lines, dropped=dropped)


def tables_drop(*, lines: list[Line]) -> list[Line]:
    """Drop table and figure captions with the rows that follow them, and runs of
    table rows printed without a caption."""
    dropped: set[int] = set()
    position = 0
    while position < len(lines):
        if _CAPTION.match(lines[position].text):
            dropped.add(position)
            position += 1
            while position < len(lines) and _is_caption_continuation(lines[position].text):
                dropped.add(position)
                position += 1
            while position < len(lines) and _is_table_row(lines[position].text):
                dropped.add(position)
                position += 1
            continue
        run_end = position
        while (
            run_end < len(lines)
            and _is_figures_row(lines[run_end].text)
            and (run_end == position or lines[run_end].gap_before == 0)
        ):
            run_end += 1
        if run_end - position >= _MIN_TABLE_ROWS:
            dropped.update(range(position, run_end))
        position = max(run_end, position + 1)
    return lines_without(lines=lines, dropped=dropped)


def _is_figures_row(text: str) -> bool:
    numeric = sum(1 for token in text.split() if _NUMERIC_TOKEN.match(token))
    return numeric >= 2 and len(text) < _TABLE_ROW_MAX_CHARS and not ends_sentence(text)


def _is_caption_continuation(text: str) -> bool:
    return len(text) < _CAPTION_CONTINUATION_MAX_CHARS and not text[:1].isupper()


def _is_table_row(text: str) -> bool:
    tokens = text.split()
    numeric = sum(1 for token in tokens if _NUMERIC_TOKEN.match(token))
    return numeric >= 0.4 * len(tokens) or (len(tokens) <= 5 and not ends_sentence(text))


def line_width(lines: list[Line]) -> int:
    """The typical length of a full line of the column."""
    if not lines:
        return 0
    return int(statistics.median(len(line.text) for line in lines))


def paragraphs_reflow(
    *,
    lines: list[Line],
    style: ParagraphStyle,
    width: int,
    vocabulary: Vocabulary,
    source: str,
) -> list[MappedText]:
    """Join lines into paragraphs, rejoining words hyphenated at line ends."""
    paragraphs: list[MappedText] = []
    for position, line in enumerate(lines):
        previous = lines[position - 1] if position else None
        if previous is None or _breaks_paragraph(
            previous=previous, line=line, style=style, width=width
        ):
            paragraphs.append(MappedText.empty())
        else:
            _join_lines(
                paragraphs[-1], previous=previous, line=line, vocabulary=vocabulary, source=source
            )
        paragraphs[-1].append_raw(text=line.text, start=line.start)
    return paragraphs


def note_reflow(*, lines: list[Line], vocabulary: Vocabulary, source: str) -> MappedText:
    """All of a note's lines as one paragraph."""
    text = MappedText.empty()
    for position, line in enumerate(lines):
        if position:
            _join_lines(
                text, previous=lines[position - 1], line=line, vocabulary=vocabulary, source=source
            )
        text.append_raw(text=line.text, start=line.start)
    return text


def _breaks_paragraph(*, previous: Line, line: Line, style: ParagraphStyle, width: int) -> bool:
    if line.text[:1].islower() or not ends_sentence(previous.text):
        return False
    if style == "line":
        return True
    if style == "loose":
        return len(previous.text) < _SHORT_LINE_RATIO * width or line.text.startswith(
            _OPENING_QUOTE
        )
    return line.gap_before > 0 or line.indent > 0


def _join_lines(
    text: MappedText, *, previous: Line, line: Line, vocabulary: Vocabulary, source: str
) -> None:
    """Join ``line`` to the text ending with ``previous``: a space, or nothing where a word
    or a range of numbers ("15–" "20,000") was broken at the line end."""
    if _HYPHENATED_END.search(previous.text):
        right = _LEADING_WORD.match(line.text)
        if right and previous.text[-2].isalpha():
            left = _TRAILING_WORD.search(previous.text[:-1])
            left_word = left.group() if left else ""
            joined = vocabulary.hyphen_joined(left=left_word, right=right.group(), source=source)
            if not joined[len(left_word) :].startswith("-"):
                text.drop_last()
        return
    if _NUMBER_RANGE_END.search(previous.text) and line.text[:1].isdigit():
        return
    text.append_inserted(text=" ", at=previous.end)


def paragraph_clean(*, text: MappedText, italics: bool) -> MappedText:
    """Inline clean-up shared by body and notes: italics, lost glyphs, stray dots, spaces."""
    if italics:
        text = text.sub(_ITALICS, r"\1").sub(_STRAY_ASTERISK, "")
    text = text.sub(_LEADING_ASTERISK, "")
    text = text.sub(_DIALOGUE_MARK, "– ").sub(_LOST_ELLIPSIS, "…")
    text = text.sub(_INLINE_DEBRIS, "").sub(_SPACE_BEFORE_PUNCTUATION, "")
    return text.sub(_SPACES, " ").stripped()


def superscript_markers_strip(text: MappedText) -> tuple[MappedText, list[RawMarker]]:
    markers = [
        RawMarker(
            raw_offset=text.offsets[match.start()],
            label=match.group().translate(_SUPERSCRIPT_DIGITS),
        )
        for match in _SUPERSCRIPT_MARKER.finditer(text.text)
    ]
    return text.sub(_SUPERSCRIPT_MARKER, ""), markers


def digit_markers_strip(
    text: MappedText, *, max_label: int, ocr_one: str = ""
) -> tuple[MappedText, list[RawMarker]]:
    """Remove note numbers glued to words or punctuation ("groups.2", "theory4")."""
    markers: list[RawMarker] = []

    def replacement(match: re.Match[str]) -> str:
        digits = match.group("digits").replace("l", "1")
        label = ("1" if ocr_one and match.group("one") else "") + digits
        if not 1 <= int(label) <= max_label:
            return match.group()
        markers.append(RawMarker(raw_offset=text.offsets[match.end("keep")], label=label))
        return match.group("keep")

    return text.sub(_digit_marker_pattern(ocr_one), replacement), markers


@functools.cache
def _digit_marker_pattern(ocr_one: str) -> re.Pattern[str]:
    # After a word, a bracket or a sentence end (a number only if a quote follows, so
    # "2.5" stays); ``ocr_one`` may stand for a leading 1; "l" for a second digit 1.
    closing_quotes = "".join(quote for quote in "\"”’'" if quote != ocr_one)
    quotes = f"[{re.escape(closing_quotes)}]"
    one = rf"(?P<one>{re.escape(ocr_one)})?" if ocr_one else ""
    return re.compile(
        rf"(?P<keep>[A-Za-z)\]][.,;:!?]?{quotes}?|\d[.,;:!?]{quotes}){one}(?P<digits>\d[\dl]?)(?=\s|$)"
    )
