"""Keyword-in-context lines, cut from passage text at the matches search.highlight found.

Postgres decides what matches (the query's lexemes, where the stored vector has them);
this module only turns the matched spans into aligned lines and sorts them, so it
needs no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus.models import Passage

CONTEXT_CHARS = 60
SORT_CHOICES = [("", "Rank"), ("left", "Left word"), ("right", "Right word")]

# Matched words with only these between them are one occurrence ("strike, protest"
# is two; "machine-operators", matched part by part, is one).
JOINER = re.compile(r"[\s\-‐‑]*")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class KwicLine:
    passage: Passage
    left: str
    keyword: str
    right: str


def occurrences(
    text: str, spans: Sequence[tuple[int, int]], *, width: int = CONTEXT_CHARS
) -> list[tuple[str, str, str]]:
    """``(left, keyword, right)`` for each of the marked ``spans`` of ``text`` (character
    ranges, in text order), adjacent ones as one occurrence.

    The contexts hold at most ``width`` characters, cut at a word boundary, with runs
    of whitespace collapsed.
    """
    joined: list[list[int]] = []
    for start, end in spans:
        if joined and JOINER.fullmatch(text[joined[-1][1] : start]):
            joined[-1][1] = end
        else:
            joined.append([start, end])
    return [
        (_left_context(text, start, width), text[start:end], _right_context(text, end, width))
        for start, end in joined
    ]


def _left_context(text: str, start: int, width: int) -> str:
    cut = max(0, start - width)
    context = text[cut:start]
    if cut > 0 and not text[cut - 1].isspace():
        context = re.sub(r"^\S*", "", context)
    return " ".join(context.split())


def _right_context(text: str, end: int, width: int) -> str:
    cut = min(len(text), end + width)
    context = text[end:cut]
    if cut < len(text) and not text[cut].isspace():
        context = re.sub(r"\S*$", "", context)
    return " ".join(context.split())


def sort_lines(lines: Iterable[KwicLine], *, by: str) -> list[KwicLine]:
    """Lines sorted by the words left of the keyword (nearest first) or right of it.

    Case and punctuation are ignored; ties keep their given (rank) order. ``by=""``
    keeps the given order.
    """
    if by == "left":
        return sorted(lines, key=lambda line: (_words(line.left)[::-1], line.keyword.casefold()))
    if by == "right":
        return sorted(lines, key=lambda line: (_words(line.right), line.keyword.casefold()))
    return list(lines)


def _words(text: str) -> list[str]:
    return WORD.findall(text.casefold())
