"""Marking a search's matches in passage text, from positions instead of parsing.

Postgres decides what matches: the query's lexemes come from ``querytree`` (the query
without its exclusions, which are never marked), and where each lexeme occurs in a
passage from the passage's own stored vector. Its ``PassageWords`` (corpus migration
0006) say where in the text each position lies. So nothing here parses text or stems
a word: it evaluates the query tree over positions and cuts the text.

``ts_headline`` does the same by parsing and stemming every word of every passage it
shows, which was most of a search's time (8 ms of a common word's page of 20 hits).

What is marked: each occurrence of a query word; for a phrase (``"trade union"``, or a
glossary form such as "shock worker"), only its words in that order, marked as one,
the stop words between included ("Ministry of Labour").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

# One position of the text's vector to another, inclusive: a word, or a phrase's words.
Match = tuple[int, int]

# querytree's output: 'lexeme' (quotes doubled inside) with :* for a prefix and weight
# letters, the operators & | ! <-> <N>, and parentheses.
TOKEN = re.compile(r"'((?:[^']|'')*)'(:[*A-D]+)?|<(\d+|-)>|[&|!()]")


@dataclass(frozen=True)
class Operand:
    lexeme: str
    prefix: bool = False


@dataclass(frozen=True)
class Operation:
    """``&``, ``|``, ``!`` (only ``right``), or ``<N>`` (a phrase: ``distance`` N)."""

    operator: str
    left: Node | None
    right: Node
    distance: int = 0


Node = Operand | Operation


@dataclass(frozen=True)
class QueryTree:
    """What a query marks: its tree, and the lexemes the positions are looked up for."""

    root: Node | None

    @property
    def operands(self) -> list[Operand]:
        found: list[Operand] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, Operand):
                found.append(node)
            elif node is not None and node.operator != "!":
                stack += [node.left, node.right]
        return found

    @property
    def lexemes(self) -> list[str]:
        return sorted({operand.lexeme for operand in self.operands if not operand.prefix})

    @property
    def prefixes(self) -> list[str]:
        return sorted({operand.lexeme for operand in self.operands if operand.prefix})


def query_tree(text: str) -> QueryTree:
    """The tree of ``querytree`` output (``""`` or ``"T"``: nothing to mark)."""
    tokens = list(TOKEN.finditer(text))
    if not tokens:
        return QueryTree(root=None)
    parser = _Parser(tokens)
    return QueryTree(root=parser.disjunction())


class _Parser:
    """Precedence as in tsquery: ``!``, then ``<N>``, then ``&``, then ``|``."""

    def __init__(self, tokens: list[re.Match]) -> None:
        self.tokens = tokens
        self.next = 0

    def peek(self) -> re.Match | None:
        return self.tokens[self.next] if self.next < len(self.tokens) else None

    def take(self) -> re.Match:
        token = self.tokens[self.next]
        self.next += 1
        return token

    def disjunction(self) -> Node:
        return self._chain("|", self.conjunction)

    def conjunction(self) -> Node:
        return self._chain("&", self.phrase)

    def _chain(self, operator: str, operand: Callable[[], Node]) -> Node:
        node = operand()
        while (token := self.peek()) and token.group() == operator:
            self.take()
            node = Operation(operator, node, operand())
        return node

    def phrase(self) -> Node:
        node = self.unary()
        while (token := self.peek()) and token.group(3):
            self.take()
            distance = 1 if token.group(3) == "-" else int(token.group(3))
            node = Operation("<>", node, self.unary(), distance)
        return node

    def unary(self) -> Node:
        token = self.take()
        if token.group() == "!":
            return Operation("!", None, self.unary())
        if token.group() == "(":
            node = self.disjunction()
            self.take()  # ")"
            return node
        return Operand(
            lexeme=token.group(1).replace("''", "'"), prefix="*" in (token.group(2) or "")
        )


@dataclass(frozen=True)
class Occurrences:
    """Where a passage has the query's lexemes: ``positions`` by lexeme (text positions,
    1 for its first word) and ``spans``, the characters at each of those positions."""

    positions: dict[str, list[int]]
    spans: dict[int, tuple[int, int]]

    @classmethod
    def from_stored(
        cls,
        stored: Mapping[str, Sequence[int]] | None,
        *,
        heading_words: int,
        word_spans: Sequence[int] | None,
    ) -> Occurrences:
        """From ``{lexeme: [position, ...]}`` as the passage's stored vector has them
        (selectors.MatchedPositions): the heading's ``heading_words`` first, then the
        text's; ``word_spans`` the text's words' (PassageWords.spans: none if the
        passage's triggers were bypassed, and then nothing is found)."""
        word_spans = word_spans or ()
        words = len(word_spans) // 2
        positions: dict[str, list[int]] = {}
        for lexeme, found in (stored or {}).items():
            in_text = [at - heading_words for at in found if 0 < at - heading_words <= words]
            if in_text:
                positions[lexeme] = in_text
        return cls(
            positions=positions,
            spans={
                at: (word_spans[2 * at - 2], word_spans[2 * at - 1])
                for found in positions.values()
                for at in found
            },
        )


def matches(tree: QueryTree, positions: Mapping[str, Sequence[int]]) -> list[Match]:
    """Where the query matches, given the positions of its lexemes (and of the words
    its prefixes start), in text order, each once."""
    if tree.root is None:
        return []
    return sorted(_matches(tree.root, positions))


def _matches(node: Node, positions: Mapping[str, Sequence[int]]) -> set[Match]:
    if isinstance(node, Operand):
        if node.prefix:
            return {
                (at, at)
                for lexeme, found in positions.items()
                if lexeme.startswith(node.lexeme)
                for at in found
            }
        return {(at, at) for at in positions.get(node.lexeme, ())}
    if node.operator == "!":
        return set()
    left, right = _matches(node.left, positions), _matches(node.right, positions)
    if node.operator != "<>":
        return left | right
    starts: dict[int, list[int]] = {}
    for start, end in right:
        starts.setdefault(start, []).append(end)
    return {
        (start, end) for start, left_end in left for end in starts.get(left_end + node.distance, ())
    }


def char_spans(
    spans_at: Mapping[int, tuple[int, int]], found: Sequence[Match]
) -> list[tuple[int, int]]:
    """The characters each match covers (``spans_at``: each matched position's),
    overlapping ones merged (a hyphenated word is a position of its own, and so is each
    of its parts)."""
    spans: list[list[int]] = []
    for start, end in sorted((spans_at[first][0], spans_at[last][1]) for first, last in found):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [(start, end) for start, end in spans]


def marked_html(
    text: str, spans: Sequence[tuple[int, int]], cuts: Sequence[tuple[int, int]], *, delimiter: str
) -> tuple[str, list[str]]:
    """The ``cuts`` of ``text`` (each a start and end) escaped as HTML and joined by
    ``delimiter``, with each of the ``spans`` in them in a ``<mark>``; and the marked
    words, as printed, each once (in its first spelling).

    Every character of the text is escaped, so a passage holding markup shows it as
    text: the only tags are the marks put here.
    """
    pieces, words = [], {}
    for start, end in cuts:
        parts, cursor = [], start
        for span_start, span_end in spans:
            if span_start >= cursor and span_end <= end:
                word = text[span_start:span_end]
                parts += [escape(text[cursor:span_start]), "<mark>", escape(word), "</mark>"]
                words.setdefault(word.casefold(), word)
                cursor = span_end
        parts.append(escape(text[cursor:end]))
        pieces.append("".join(parts))
    return escape(delimiter).join(pieces), list(words.values())


def with_punctuation(text: str, start: int, end: int) -> tuple[int, int]:
    """``start`` and ``end`` moved out over the punctuation next to the words (an
    opening quote, a closing full stop), so that a fragment reads as printed."""
    while start > 0 and not (text[start - 1].isspace() or text[start - 1].isalnum()):
        start -= 1
    while end < len(text) and not (text[end].isspace() or text[end].isalnum()):
        end += 1
    return start, end


def fragments(
    word_count: int, found: Sequence[Match], *, max_words: int, max_fragments: int, lead: int
) -> list[Match]:
    """At most ``max_fragments`` windows of at most ``max_words`` positions, in text
    order, that hold the most matches: each starts ``lead`` words before a match.
    Without matches (the words are only in the heading), the text's first words.

    ``found`` is in text order (as ``matches`` gives it).
    """
    if not found:
        return [(1, min(word_count, max_words))] if word_count else []
    starts = [start for start, _ in found]
    latest_first = max(1, word_count - max_words + 1)
    windows = []
    for first in sorted({max(1, min(start - lead, latest_first)) for start in starts}):
        last = min(word_count, first + max_words - 1)
        windows.append((bisect_right(starts, last) - bisect_left(starts, first), first, last))
    chosen: list[Match] = []
    # The most matches first; of as many, the earliest.
    for _, first, last in sorted(windows, key=lambda window: (-window[0], window[1])):
        if all(last < taken_first or first > taken_last for taken_first, taken_last in chosen):
            chosen.append((first, last))
            if len(chosen) == max_fragments:
                break
    return sorted(chosen)
