"""Keyword-in-context lines, cut from passage text whose matches Postgres has marked.

Postgres decides what matches (``ts_headline`` with ``HighlightAll`` marks every word
whose lexeme is in the query, by the same stemming as the index); this module only
turns the marked text into aligned lines and sorts them, so it needs no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from search.snippets import MARKED, SENTINEL, restore_text

if TYPE_CHECKING:
    from corpus.models import Passage

CONTEXT_CHARS = 60
SORT_CHOICES = [("", "Rank"), ("left", "Left word"), ("right", "Right word")]

# Marked words with only these between them are one occurrence: a phrase, or a
# hyphenated compound that Postgres marks part by part ("machine-operators").
JOINER = re.compile(r"[\s\-‐‑]*")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class KwicLine:
    passage: Passage
    left: str
    keyword: str
    right: str


def occurrences(marked_text: str, *, width: int = CONTEXT_CHARS) -> list[tuple[str, str, str]]:
    """``(left, keyword, right)`` for each marked occurrence, in text order.

    The contexts hold at most ``width`` characters, cut at a word boundary, with runs
    of whitespace collapsed.
    """
    marked_text = restore_text(marked_text)
    text_parts: list[str] = []
    spans: list[list[int]] = []
    length = 0
    cursor = 0
    for match in MARKED.finditer(marked_text):
        before = SENTINEL.sub("", marked_text[cursor : match.start()])
        word = match.group(1)
        start = length + len(before)
        if spans and JOINER.fullmatch(before):
            spans[-1][1] = start + len(word)
        else:
            spans.append([start, start + len(word)])
        text_parts += [before, word]
        length = start + len(word)
        cursor = match.end()
    text_parts.append(SENTINEL.sub("", marked_text[cursor:]))
    text = "".join(text_parts)
    return [
        (_left_context(text, start, width), text[start:end], _right_context(text, end, width))
        for start, end in spans
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
