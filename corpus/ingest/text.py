"""Lines of the raw file and text that remembers where each character came from."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

_CLOSERS = "\"'”’)\\]*"
_TERMINAL = re.compile(
    rf"""(?:
        (?<!\d)[.!?…:][{_CLOSERS}]*\d{{1,3}}       # a sentence end and a note number ("tion.3")
        | (?:[.!?…:]|\.\s?\.\s?\.)[{_CLOSERS}]*[⁰¹²³⁴⁵⁶⁷⁸⁹]*   # or just the end ("1991.")
    )$""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line: ``raw[start:end] == text`` (surrounding spaces trimmed)."""

    index: int
    start: int
    end: int
    text: str
    indent: int = 0
    # Blank or dropped lines between this line and the previous kept one.
    gap_before: int = 0

    def trimmed(self, *, lead: int = 0, tail: int = 0) -> Line:
        text = self.text[lead : len(self.text) - tail].strip()
        if not text:
            return replace(self, start=self.start, end=self.start, text="")
        start = self.start + self.text.index(text, lead)
        return replace(self, start=start, end=start + len(text), text=text)


def lines_split(*, raw: str) -> list[Line]:
    """The non-blank lines of ``raw``, each knowing how many blank lines precede it."""
    lines: list[Line] = []
    offset = 0
    gap = 0
    for index, chunk in enumerate(raw.split("\n")):
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            start = offset + lead
            lines.append(
                Line(
                    index=index,
                    start=start,
                    end=start + len(stripped),
                    text=stripped,
                    indent=lead,
                    gap_before=gap,
                )
            )
            gap = 0
        else:
            gap += 1
        offset += len(chunk) + 1
    return lines


def lines_without(*, lines: list[Line], dropped: set[int]) -> list[Line]:
    """``lines`` minus the positions in ``dropped``, whose gaps pass to the next kept line."""
    if not dropped:
        return lines
    kept: list[Line] = []
    carried = 0
    for position, line in enumerate(lines):
        if position in dropped:
            carried += line.gap_before + 1
            continue
        kept.append(replace(line, gap_before=line.gap_before + carried) if carried else line)
        carried = 0
    return kept


def ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip()))


def letters_only(text: str) -> str:
    """Lower-case letters and digits only: for comparing OCR'd strings."""
    return "".join(char for char in text.lower() if char.isalnum())


@dataclass(frozen=True, slots=True)
class RawMarker:
    """A note marker taken out of the text: where it stood in the raw file, and its label."""

    raw_offset: int
    label: str


@dataclass(slots=True)
class MappedText:
    """Text whose every character knows its offset in the raw file."""

    text: str
    offsets: list[int]

    @classmethod
    def empty(cls) -> MappedText:
        return cls(text="", offsets=[])

    def append_raw(self, *, text: str, start: int) -> None:
        self.text += text
        self.offsets.extend(range(start, start + len(text)))

    def append_inserted(self, *, text: str, at: int) -> None:
        self.text += text
        self.offsets.extend([at] * len(text))

    def drop_last(self) -> None:
        self.text = self.text[:-1]
        self.offsets.pop()

    def raw_span(self, *, start: int, end: int) -> tuple[int, int]:
        """The raw ``[start, end)`` range that characters ``[start, end)`` came from."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def index_before(self, raw_offset: int) -> int:
        """Where a character taken out at ``raw_offset`` stood: the index of the first
        character that came from at or after it (offsets only ever grow)."""
        return bisect.bisect_left(self.offsets, raw_offset)

    def slice(self, *, start: int, end: int) -> MappedText:
        return MappedText(text=self.text[start:end], offsets=self.offsets[start:end])

    def sub(
        self, pattern: re.Pattern[str], replacement: str | Callable[[re.Match[str]], str]
    ) -> MappedText:
        """Like ``pattern.sub``; replaced characters map to the raw span they replace."""
        matches = list(pattern.finditer(self.text))
        if not matches:
            return self
        pieces: list[str] = []
        offsets: list[int] = []
        previous = 0
        for match in matches:
            start, end = match.span()
            pieces.append(self.text[previous:start])
            offsets.extend(self.offsets[previous:start])
            new = replacement(match) if callable(replacement) else match.expand(replacement)
            pieces.append(new)
            offsets.extend(
                _replacement_offsets(self.offsets, text=self.text, start=start, end=end, new=new)
            )
            previous = end
        pieces.append(self.text[previous:])
        offsets.extend(self.offsets[previous:])
        return MappedText(text="".join(pieces), offsets=offsets)

    def stripped(self) -> MappedText:
        text = self.text.strip()
        if not text:
            return MappedText.empty()
        start = self.text.index(text)
        return self.slice(start=start, end=start + len(text))


def _replacement_offsets(
    offsets: list[int], *, text: str, start: int, end: int, new: str
) -> list[int]:
    """Offsets for ``new`` replacing ``text[start:end]``: its own characters where it is
    a piece of what it replaces ("*ibid.*" -> "ibid."), else the match's first offset."""
    if len(new) == end - start:
        return offsets[start:end]
    inside = text.find(new, start, end) if new else -1
    if inside >= 0:
        return offsets[inside : inside + len(new)]
    anchor = offsets[start] if start < end else offsets[start - 1] if start else 0
    return [anchor] * len(new)
