"""Finding a quoted span again in a text: the W3C TextQuoteSelector, applied.

A tag keeps its ``exact`` quote with up to ``CONTEXT_CHARS`` of ``prefix`` and
``suffix``. To re-anchor it we look for the quote verbatim first (choosing, among
several occurrences, the one whose surrounding text best matches the stored
context); failing that, for a fuzzy match: the stretch of a passage most similar to
the quote, accepted only when its similarity ratio is at least ``FUZZY_THRESHOLD``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

CONTEXT_CHARS = 32
# difflib ratio (2*matches / total length). 0.85 tolerates a changed word or two in
# a sentence-long quote, and rejects a quote whose wording was edited away.
FUZZY_THRESHOLD = 0.85
_WORD = re.compile(r"\w{4,}")


class PassageLike(Protocol):
    pk: int
    text: str


@dataclass(frozen=True)
class QuoteSelector:
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Placement:
    passage_id: int
    start: int | None
    end: int | None
    exact: str


def quote_context(*, text: str, start: int, end: int) -> QuoteSelector:
    return QuoteSelector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


def quote_locate(
    *,
    selector: QuoteSelector,
    passages: Collection[PassageLike],
    whole_passage: bool,
    hint: PassageLike | None = None,
) -> Placement | None:
    """Where the quoted text stands now, or None if it cannot be placed.

    A whole-passage tag stays whole on a passage with the same (or nearly the same)
    text; if its text now lies inside a longer passage it becomes a span over it.
    ``hint``, the passage the quote was last seen in, is searched first: on the same
    corpus it is almost always right, and one passage is searched far faster than all.
    """
    if hint is not None:
        placement = _placement_in(selector=selector, passages=[hint], whole_passage=whole_passage)
        if placement is not None:
            return placement
    return _placement_in(selector=selector, passages=passages, whole_passage=whole_passage)


def _placement_in(
    *, selector: QuoteSelector, passages: Collection[PassageLike], whole_passage: bool
) -> Placement | None:
    if whole_passage:
        return _passage_locate(exact=selector.exact, passages=passages) or _span_locate_exact(
            selector=selector, passages=passages
        )
    return _span_locate_exact(selector=selector, passages=passages) or _span_locate_fuzzy(
        selector=selector, passages=passages
    )


def _context_score(*, text: str, start: int, end: int, selector: QuoteSelector) -> float:
    before = text[max(0, start - len(selector.prefix)) : start]
    after = text[end : end + len(selector.suffix)]
    return _similarity(before, selector.prefix) + _similarity(after, selector.suffix)


def _similarity(left: str, right: str) -> float:
    if not left and not right:
        return 1.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def _span_locate_exact(
    *, selector: QuoteSelector, passages: Collection[PassageLike]
) -> Placement | None:
    best: tuple[float, Placement] | None = None
    for passage in passages:
        start = passage.text.find(selector.exact)
        while start != -1:
            end = start + len(selector.exact)
            score = _context_score(text=passage.text, start=start, end=end, selector=selector)
            if best is None or score > best[0]:
                best = (score, Placement(passage.pk, start, end, selector.exact))
            start = passage.text.find(selector.exact, start + 1)
    return best[1] if best else None


def _candidates_sharing_words(
    *, quote: str, passages: Collection[PassageLike]
) -> list[PassageLike]:
    words = set(_WORD.findall(quote.lower()))
    if not words:
        return list(passages)
    needed = max(1, len(words) // 2)
    return [
        passage
        for passage in passages
        if sum(word in passage.text.lower() for word in words) >= needed
    ]


def _span_locate_fuzzy(
    *, selector: QuoteSelector, passages: Collection[PassageLike]
) -> Placement | None:
    best: tuple[float, Placement] | None = None
    for passage in _candidates_sharing_words(quote=selector.exact, passages=passages):
        matcher = SequenceMatcher(None, passage.text, selector.exact, autojunk=False)
        blocks = [block for block in matcher.get_matching_blocks() if block.size]
        if not blocks:
            continue
        start = blocks[0].a - blocks[0].b
        start = max(0, start)
        end = min(len(passage.text), blocks[-1].a + blocks[-1].size
                  + (len(selector.exact) - blocks[-1].b - blocks[-1].size))
        if end <= start:
            continue
        ratio = _similarity(passage.text[start:end], selector.exact)
        if ratio >= FUZZY_THRESHOLD and (best is None or ratio > best[0]):
            best = (ratio, Placement(passage.pk, start, end, passage.text[start:end]))
    return best[1] if best else None


def _passage_locate(*, exact: str, passages: Collection[PassageLike]) -> Placement | None:
    best: tuple[float, PassageLike] | None = None
    for passage in _candidates_sharing_words(quote=exact, passages=passages):
        if passage.text == exact:
            return Placement(passage.pk, None, None, passage.text)
        matcher = SequenceMatcher(None, passage.text, exact, autojunk=False)
        if matcher.quick_ratio() < FUZZY_THRESHOLD:
            continue
        ratio = matcher.ratio()
        if ratio >= FUZZY_THRESHOLD and (best is None or ratio > best[0]):
            best = (ratio, passage)
    if best is None:
        return None
    return Placement(best[1].pk, None, None, best[1].text)
