"""The corpus as its own dictionary, for rejoining words broken at line ends.

A word broken as ``in- creasing`` could be ``increasing`` or ``in-creasing``; the form
the texts use elsewhere, unbroken, decides. A source's own usage comes first (Clarke
writes ``co-operation`` where Kotkin writes ``cooperation``), then the whole corpus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

# A broken word's halves, and a half whose other half sits past a page's footnotes.
_LINE_BREAK_HYPHENATION = re.compile(r"[A-Za-z]+-[ \t]*\n\s*[a-z]+|[A-Za-z]+-[ \t]*$", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")
# Prefixes that keep their hyphen when the corpus has no opinion ("non- existent").
_HYPHEN_PREFIXES = frozenset({"non", "self", "quasi", "pseudo", "semi", "anti", "neo", "ultra"})
_COMPOUND_PART_MIN_LETTERS = 4
# A page break can strand a fragment ("eries"): a compound's parts must recur.
_COMPOUND_PART_MIN_COUNT = 2
# Words that usually close up with what follows ("over- taken", "Father- land").
_CLOSED_PREFIXES = frozenset({"father", "mother", "over", "under", "with", "where", "there"})
# Endings that are words in their own right but usually close a broken word ("skill- fully").
_SUFFIX_WORDS = frozenset(
    {
        "ability",
        "ably",
        "fully",
        "hood",
        "ing",
        "less",
        "ment",
        "ments",
        "ness",
        "ship",
        "some",
        "ties",
        "ward",
        "wards",
    }
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    by_source: Mapping[str, Counter[str]] = field(default_factory=dict)
    corpus: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_texts(cls, texts: Mapping[str, str]) -> Vocabulary:
        by_source = {slug: _word_counts(text) for slug, text in texts.items()}
        corpus: Counter[str] = Counter()
        for counts in by_source.values():
            corpus.update(counts)
        return cls(by_source=by_source, corpus=corpus)

    def hyphen_joined(self, *, left: str, right: str, source: str = "") -> str:
        """``left`` + ``right`` as the texts write them: ``increasing`` or ``machine-operators``."""
        if not right[:1].islower():
            return f"{left}-{right}"
        closed, hyphenated = f"{left}{right}".lower(), f"{left}-{right}".lower()
        for counts in (self.by_source.get(source, Counter()), self.corpus):
            closed_count, hyphenated_count = counts[closed], counts[hyphenated]
            if closed_count or hyphenated_count:
                return f"{left}-{right}" if hyphenated_count > closed_count else f"{left}{right}"
        if left.lower() in _HYPHEN_PREFIXES or self._both_words(left=left, right=right):
            return f"{left}-{right}"
        return f"{left}{right}"

    def _both_words(self, *, left: str, right: str) -> bool:
        """Two words ("long- range") make a compound; a fragment ("creasing") does not."""
        return (
            min(len(left), len(right)) >= _COMPOUND_PART_MIN_LETTERS
            and left.lower() not in _CLOSED_PREFIXES
            and right.lower() not in _SUFFIX_WORDS
            and self.corpus[left.lower()] >= _COMPOUND_PART_MIN_COUNT
            and self.corpus[right.lower()] >= _COMPOUND_PART_MIN_COUNT
        )


def _word_counts(text: str) -> Counter[str]:
    unbroken = _LINE_BREAK_HYPHENATION.sub(" ", text)
    counts: Counter[str] = Counter()
    for match in _WORD.finditer(unbroken):
        word = match.group().lower()
        counts[word] += 1
        if "-" in word:
            counts.update(word.split("-"))
    return counts
