"""Inter-coder agreement on binary codes: pure NumPy, no database.

Every unit (a passage, or a character) gets, per theme, one value from each coder: 1
if the coder applied the theme there, else 0. With two values and no missing data,
everything the three measures need is, per theme, how many units exactly k of the m
coders marked (k = 0..m) and how many units each coder marked. Characters are never
visited one by one: their counts come from interval lengths (see ``character_counts``).

Krippendorff's alpha follows Krippendorff (2011), "Computing Krippendorff's
Alpha-Reliability": from the coincidence matrix, for nominal data,
alpha = 1 - (n - 1) * o_01 / (n_0 * n_1), where o_01 = sum over units of
n_u0 * n_u1 / (m - 1), and n_0, n_1 count the pairable values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class BinaryCounts:
    """One theme's (or a pool of themes') codes, summarised.

    ``marked_by[k]``: units that exactly k coders marked; ``marks[c]``: units coder c marked.
    """

    marked_by: NDArray[np.int64]
    marks: NDArray[np.int64]

    @property
    def coders(self) -> int:
        return len(self.marks)

    @property
    def units(self) -> int:
        return int(self.marked_by.sum())

    def __add__(self, other: BinaryCounts) -> BinaryCounts:
        return BinaryCounts(marked_by=self.marked_by + other.marked_by,
                            marks=self.marks + other.marks)


def krippendorff_alpha(counts: BinaryCounts) -> float | None:
    """Alpha for nominal binary data; None when undefined (a single value throughout)."""
    m = counts.coders
    k = np.arange(m + 1)
    pairable = counts.units * m
    ones = int((k * counts.marked_by).sum())
    zeros = pairable - ones
    if m < 2 or ones == 0 or zeros == 0:
        return None
    observed_01 = float((counts.marked_by * k * (m - k)).sum()) / (m - 1)
    return 1.0 - (pairable - 1) * observed_01 / (zeros * ones)


def cohen_kappa(counts: BinaryCounts) -> float | None:
    """Cohen's kappa for exactly two coders; None for more, or when undefined."""
    if counts.coders != 2 or counts.units == 0:
        return None
    units = counts.units
    observed = (counts.marked_by[0] + counts.marked_by[2]) / units
    first, second = counts.marks / units
    expected = first * second + (1 - first) * (1 - second)
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def percent_agreement(counts: BinaryCounts) -> float | None:
    """The share of units on which every coder gives the same value."""
    if counts.units == 0:
        return None
    return float((counts.marked_by[0] + counts.marked_by[-1]) / counts.units)


def unit_counts(*, marked: NDArray[np.bool_]) -> BinaryCounts:
    """From a ``coders x units`` table of codes (the usual layout of a reliability table)."""
    coders = marked.shape[0]
    return BinaryCounts(
        marked_by=np.bincount(marked.sum(axis=0), minlength=coders + 1).astype(np.int64),
        marks=marked.sum(axis=1).astype(np.int64),
    )


def passage_counts(*, coder_index: NDArray[np.int64], passage_index: NDArray[np.int64],
                   coders: int, passages: int) -> BinaryCounts:
    """One theme at passage level, from the (coder, passage) pairs of its tags
    (repeats allowed: a coder marks a passage once however many tags they put there)."""
    marked = np.zeros((coders, passages), dtype=bool)
    marked[coder_index, passage_index] = True
    return unit_counts(marked=marked)


def intervals_merge(*, starts: NDArray[np.int64], ends: NDArray[np.int64],
                    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The union of half-open intervals ``[start, end)``, as disjoint sorted intervals."""
    if len(starts) == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    # An interval opens a new run where it starts beyond everything before it.
    opens = np.r_[True, starts[1:] > reach[:-1]]
    run = np.cumsum(opens) - 1
    merged_ends = np.zeros(run[-1] + 1, dtype=ends.dtype)
    np.maximum.at(merged_ends, run, ends)
    return starts[opens], merged_ends


def intervals_difference(*, starts: NDArray[np.int64], ends: NDArray[np.int64],
                         minus_starts: NDArray[np.int64], minus_ends: NDArray[np.int64],
                         ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The parts of the first intervals that the second do not cover (both as
    ``intervals_merge`` returns them: disjoint and sorted)."""
    cuts = np.unique(np.concatenate([starts, ends, minus_starts, minus_ends]))
    left, right = cuts[:-1], cuts[1:]

    def covered(run_starts: NDArray[np.int64], run_ends: NDArray[np.int64]) -> NDArray:
        run = np.searchsorted(run_starts, left, side="right") - 1
        return (run >= 0) & (left < run_ends[np.maximum(run, 0)]) if len(run_starts) else (
            np.zeros(len(left), dtype=bool))

    keep = covered(starts, ends) & ~covered(minus_starts, minus_ends)
    return intervals_merge(starts=left[keep], ends=right[keep])


def character_counts(*, coder_index: NDArray[np.int64], starts: NDArray[np.int64],
                     ends: NDArray[np.int64], coders: int, characters: int) -> BinaryCounts:
    """One theme at character level, from its tags as intervals of one text of
    ``characters`` characters (the passages in scope laid end to end).

    Each coder's intervals are merged (overlapping tags cover a character once); then a
    sweep over all the interval boundaries gives, between consecutive boundaries, how
    many coders cover those characters, and their lengths are summed per count.
    """
    marks = np.zeros(coders, dtype=np.int64)
    all_starts, all_ends = [], []
    for coder in range(coders):
        mine = coder_index == coder
        merged_starts, merged_ends = intervals_merge(starts=starts[mine], ends=ends[mine])
        marks[coder] = int((merged_ends - merged_starts).sum())
        all_starts.append(merged_starts)
        all_ends.append(merged_ends)
    boundaries = np.concatenate(all_starts + all_ends)
    steps = np.concatenate([np.ones(sum(map(len, all_starts)), dtype=np.int64),
                            -np.ones(sum(map(len, all_ends)), dtype=np.int64)])
    order = np.argsort(boundaries, kind="stable")
    boundaries, covering = boundaries[order], np.cumsum(steps[order])
    lengths = np.diff(boundaries)
    marked_by = np.bincount(covering[:-1], weights=lengths, minlength=coders + 1)
    marked_by = marked_by.astype(np.int64) if len(lengths) else np.zeros(coders + 1, np.int64)
    marked_by[0] = characters - marked_by[1:].sum()
    return BinaryCounts(marked_by=marked_by, marks=marks)


@dataclass(frozen=True)
class PassageFigures:
    alpha: float | None
    kappa: float | None
    percent: float | None


@dataclass(frozen=True)
class CharacterFigures:
    alpha: float | None
    percent: float | None


def passage_figures(counts: BinaryCounts) -> PassageFigures:
    return PassageFigures(alpha=krippendorff_alpha(counts), kappa=cohen_kappa(counts),
                          percent=percent_agreement(counts))


def character_figures(counts: BinaryCounts) -> CharacterFigures:
    return CharacterFigures(alpha=krippendorff_alpha(counts), percent=percent_agreement(counts))


@dataclass(frozen=True)
class CodedUnits:
    """The tags of the compared coders in scope, as parallel arrays (one row per tag).

    ``passage`` indexes ``lengths`` (the passages in scope, laid end to end in that
    order); ``start``/``end`` are offsets into the passage, a whole-passage tag
    spanning all of it; ``coder`` and ``theme`` are indices.
    """

    lengths: NDArray[np.int64]
    coder: NDArray[np.int64]
    theme: NDArray[np.int64]
    passage: NDArray[np.int64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]


def theme_counts(*, units: CodedUnits, coders: int, themes: int,
                 ) -> list[tuple[BinaryCounts, BinaryCounts]]:
    """(passage-level, character-level) counts for each theme index in turn."""
    offsets = np.r_[0, np.cumsum(units.lengths)[:-1]].astype(np.int64)
    characters = int(units.lengths.sum())
    starts = offsets[units.passage] + units.start
    ends = offsets[units.passage] + units.end
    counts = []
    for theme in range(themes):
        mine = units.theme == theme
        counts.append((
            passage_counts(coder_index=units.coder[mine], passage_index=units.passage[mine],
                           coders=coders, passages=len(units.lengths)),
            character_counts(coder_index=units.coder[mine], starts=starts[mine],
                             ends=ends[mine], coders=coders, characters=characters),
        ))
    return counts
