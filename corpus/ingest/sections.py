"""Sections: chapters from the manifest's table, or the source's own heading lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from corpus.ingest.manifest import ChapterHint, HeadingKind
from corpus.ingest.text import Line, ends_sentence, letters_only, lines_without

_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)
_ENUMERATOR = re.compile(r"^(?:\d{1,2}[.)]|[‘'“\"(])\s*")
_NO_HEADING_END = (".", ",", ";", ":", "!", "?", "-")
_OPENING_QUOTES = ("“", '"', "‘")
_CAPS_MIN_LETTERS = 3
_CAPS_MIN_RATIO = 0.9
_SHORT_LINE_MAX_CHARS = 100
_SHORT_LINE_MAX_WORDS = 14
_LOWERCASE_HEADING_MAX_CHARS = 45
_TITLE_LINE_MAX_CHARS = 70
_TITLE_LINE_MIN_RATIO = 0.7


class IngestError(ValueError):
    """The file does not match what its manifest entry says about it."""


@dataclass(frozen=True, slots=True)
class Heading:
    start: int  # position of its first line
    end: int  # position after its last line
    title: str
    level: int


@dataclass(slots=True)
class SectionDraft:
    title: str
    number: str = ""
    authors: str = ""
    lines: list[Line] = field(default_factory=list)
    # The raw line where the section begins (its heading), for placing notes.
    start_index: int = 0


def chapters_split(
    *, lines: list[Line], chapters: Iterable[ChapterHint], preface_title: str
) -> list[SectionDraft]:
    """Cut an edited volume at its chapter headings: "3. On a Particular Kind of Love ..."
    over several lines, then the authors' line. Numbered lists inside chapters do not
    match the manifest's titles, so they stay in the text."""
    sections: list[SectionDraft] = []
    position = 0
    if preface_title:
        found = _line_position(lines=lines, text=preface_title, start=0)
        if found is None:
            raise IngestError(f"No {preface_title!r} heading")
        sections.append(SectionDraft(title=preface_title, start_index=lines[found].index))
        position = found + 1
    for chapter in chapters:
        heading = _chapter_heading(lines=lines, chapter=chapter, start=position)
        if heading is None:
            raise IngestError(f"Chapter {chapter.number} ({chapter.title!r}) not found")
        heading_start, body_start = heading
        if sections:
            sections[-1].lines = lines[position:heading_start]
        sections.append(
            SectionDraft(
                title=chapter.title,
                number=chapter.number,
                authors=chapter.authors,
                start_index=lines[heading_start].index,
            )
        )
        position = body_start
    if sections:
        sections[-1].lines = lines[position:]
    return sections


def _line_position(*, lines: list[Line], text: str, start: int) -> int | None:
    key = letters_only(text)
    return next(
        (index for index in range(start, len(lines)) if letters_only(lines[index].text) == key),
        None,
    )


def _chapter_heading(
    *, lines: list[Line], chapter: ChapterHint, start: int
) -> tuple[int, int] | None:
    title_key = letters_only(chapter.title)
    author_key = letters_only(chapter.authors)
    prefix = re.compile(rf"^{re.escape(chapter.number)}\.\s+")
    for index in range(start, len(lines)):
        match = prefix.match(lines[index].text)
        if not match:
            continue
        key = letters_only(lines[index].text[match.end() :])
        end = index + 1
        while key != title_key and end < len(lines) and title_key.startswith(key):
            key += letters_only(lines[end].text)
            end += 1
        if (
            key == title_key
            and end < len(lines)
            and letters_only(lines[end].text).startswith(author_key)
        ):
            return index, end + 1
    return None


def headings_find(
    *, lines: list[Line], kinds: Iterable[HeadingKind], gaps_meaningful: bool = True
) -> list[Heading]:
    """Heading lines among body lines, each standing apart from the prose around it.

    ``gaps_meaningful`` is off where the OCR scatters blank lines inside paragraphs."""
    kinds = tuple(kinds)
    headings: list[Heading] = []
    position = 0
    while position < len(lines):
        heading = _heading_at(
            lines=lines,
            position=position,
            kinds=kinds,
            headings=headings,
            gaps_meaningful=gaps_meaningful,
        )
        if heading is None:
            position += 1
        else:
            headings.append(heading)
            position = heading.end
    return headings


def _heading_at(
    *,
    lines: list[Line],
    position: int,
    kinds: tuple[HeadingKind, ...],
    headings: list[Heading],
    gaps_meaningful: bool,
) -> Heading | None:
    line = lines[position]
    previous = lines[position - 1] if position else None
    after_prose_end = (
        previous is None
        or ends_sentence(previous.text)
        or (gaps_meaningful and line.gap_before > 0)
        or bool(headings and headings[-1].end == position)
    )
    if not after_prose_end:
        return None
    if "caps" in kinds and is_caps(line.text):
        end = position + 1
        while end < len(lines) and lines[end].gap_before == 0 and is_caps(lines[end].text):
            end += 1
        title = title_case(" ".join(item.text for item in lines[position:end]))
        return Heading(start=position, end=end, title=title, level=1)
    following = lines[position + 1] if position + 1 < len(lines) else None
    if "lowercase_line" in kinds and _is_lowercase_heading(line.text):
        end = position + 1
        while end < len(lines) and _is_lowercase_heading(lines[end].text):
            end += 1
        if end < len(lines) and _opens_paragraph(lines[end].text):
            title = " ".join(item.text for item in lines[position:end])
            return Heading(start=position, end=end, title=title, level=1)
        return None
    if (
        "short_line" in kinds
        and _is_short_line(line.text)
        and following is not None
        and _opens_paragraph(following.text)
    ):
        # Under capital headings a short line is a subheading (Graziosi's "1924–1927").
        level = 2 if "caps" in kinds else 1
        return Heading(start=position, end=position + 1, title=line.text, level=level)
    stands_alone = following is None or _opens_paragraph(following.text)
    if "title_line" in kinds and _is_title_line(line.text) and stands_alone:
        return Heading(
            start=position, end=position + 1, title=_ENUMERATOR.sub("", line.text), level=2
        )
    return None


def _opens_paragraph(text: str) -> bool:
    return text[:1].isupper() or text.startswith(_OPENING_QUOTES)


def is_caps(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    if len(letters) < _CAPS_MIN_LETTERS:
        return False
    return sum(1 for char in letters if char.isupper()) >= _CAPS_MIN_RATIO * len(letters)


def heading_like(line: Line, *, kinds: Iterable[HeadingKind]) -> bool:
    """Without context: could ``line`` be a heading? (Used while lines are still unsorted.)"""
    kinds = tuple(kinds)
    return ("caps" in kinds and is_caps(line.text)) or (
        "short_line" in kinds and _is_short_line(line.text) and len(line.text.split()) <= 6
    )


def _is_short_line(text: str) -> bool:
    return (
        len(text) <= _SHORT_LINE_MAX_CHARS
        and len(text.split()) <= _SHORT_LINE_MAX_WORDS
        and (text[:1].isupper() or text[:1].isdigit())
        and not text.endswith(_NO_HEADING_END)
        and not ends_sentence(text)
    )


def _is_lowercase_heading(text: str) -> bool:
    return (
        text[:1].islower()
        and len(text) <= _LOWERCASE_HEADING_MAX_CHARS
        and not ends_sentence(text)
        and not text.endswith("-")
    )


def _is_title_line(text: str) -> bool:
    if len(text) > _TITLE_LINE_MAX_CHARS or text.endswith(_NO_HEADING_END) or ends_sentence(text):
        return False
    words = [word.strip("‘’'“”\"()") for word in _ENUMERATOR.sub("", text).split()]
    if len(words) < 2 or not words[0][:1].isupper():
        return False
    significant = [word for word in words if sum(char.isalpha() for char in word) >= 4]
    if not significant:
        return False
    capitalised = sum(1 for word in significant if word[:1].isupper())
    return capitalised >= _TITLE_LINE_MIN_RATIO * len(significant)


def title_case(text: str) -> str:
    """ "THE EVOLUTION OF LABOR CONDITIONS" -> "The Evolution of Labor Conditions"."""
    words = text.split()
    result = []
    for index, word in enumerate(words):
        lower = word.lower()
        if index and lower in _SMALL_WORDS:
            result.append(lower)
        else:
            result.append("-".join(part[:1].upper() + part[1:] for part in lower.split("-")))
    return " ".join(result)


def sections_from_headings(
    *, lines: list[Line], headings: list[Heading], lead_title: str
) -> list[SectionDraft]:
    """One section before the first heading and one per heading. A level-2 heading's
    title carries its level-1 parent's."""
    drafts = [SectionDraft(title=lead_title, start_index=lines[0].index if lines else 0)]
    parent = ""
    previous_end = 0
    for heading in headings:
        drafts[-1].lines = lines[previous_end : heading.start]
        if heading.level == 1:
            parent = heading.title
            title = heading.title
        else:
            title = f"{parent}: {heading.title}" if parent else heading.title
        drafts.append(SectionDraft(title=title, start_index=lines[heading.start].index))
        previous_end = heading.end
    drafts[-1].lines = lines[previous_end:]
    return drafts


def headings_drop(*, lines: list[Line], headings: list[Heading]) -> list[Line]:
    dropped = {position for heading in headings for position in range(heading.start, heading.end)}
    return lines_without(lines=lines, dropped=dropped)
