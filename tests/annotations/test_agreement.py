"""The agreement arithmetic (annotations/agreement.py): published worked examples, the
`krippendorff` package on random data, and character counts against brute force."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from annotations import agreement


def _counts(rows: list[list[int]]) -> agreement.BinaryCounts:
    return agreement.unit_counts(marked=np.array(rows, dtype=bool))


def test_krippendorff_2011_binary_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section A:
    # two observers, ten units, binary data; alpha = 0.095.
    counts = _counts([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
                      [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])
    assert round(agreement.krippendorff_alpha(counts), 3) == 0.095
    assert agreement.percent_agreement(counts) == pytest.approx(0.6)


def test_cohen_kappa_textbook_example():
    # 50 proposals read by two reviewers: both yes 20, both no 15, A yes B no 5,
    # A no B yes 10 (the worked example of Cohen's kappa on Wikipedia): kappa = 0.4.
    pairs = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    counts = _counts([[a for a, _ in pairs], [b for _, b in pairs]])
    assert agreement.cohen_kappa(counts) == pytest.approx(0.4)
    assert agreement.percent_agreement(counts) == pytest.approx(0.7)


def test_undefined_without_variation():
    nobody = _counts([[0, 0, 0], [0, 0, 0]])
    assert agreement.krippendorff_alpha(nobody) is None
    assert agreement.cohen_kappa(nobody) is None
    assert agreement.percent_agreement(nobody) == 1.0
    assert agreement.percent_agreement(_counts([[], []])) is None


def test_kappa_only_for_two_coders():
    assert agreement.cohen_kappa(_counts([[0, 1, 1], [0, 1, 0], [1, 1, 0]])) is None


def _kappa_by_hand(first: np.ndarray, second: np.ndarray) -> float:
    table = np.array([[np.sum(~first & ~second), np.sum(~first & second)],
                      [np.sum(first & ~second), np.sum(first & second)]]) / len(first)
    observed = np.trace(table)
    expected = float(table.sum(axis=1) @ table.sum(axis=0))
    return (observed - expected) / (1 - expected)


@pytest.mark.parametrize("seed", range(20))
def test_matches_the_krippendorff_package_on_random_data(seed):
    rng = np.random.default_rng(seed)
    coders, units = int(rng.integers(2, 6)), int(rng.integers(5, 200))
    rate = rng.uniform(0.1, 0.9)
    # Correlated coders: each copies a shared truth, flipping some values.
    truth = rng.random(units) < rate
    marked = np.array([truth ^ (rng.random(units) < rng.uniform(0, 0.4)) for _ in range(coders)])
    counts = agreement.unit_counts(marked=marked)
    expected = krippendorff.alpha(reliability_data=marked.astype(int),
                                  level_of_measurement="nominal")
    assert round(agreement.krippendorff_alpha(counts), 3) == round(float(expected), 3)
    if coders == 2:
        kappa = _kappa_by_hand(marked[0], marked[1])
        assert round(agreement.cohen_kappa(counts), 3) == round(kappa, 3)
    everyone_agrees = np.all(marked == marked[0], axis=0)
    assert agreement.percent_agreement(counts) == pytest.approx(everyone_agrees.mean())


def test_intervals_merge_joins_overlapping_and_touching():
    starts, ends = agreement.intervals_merge(starts=np.array([10, 0, 3, 20, 8]),
                                             ends=np.array([12, 4, 8, 25, 9]))
    assert starts.tolist() == [0, 10, 20]
    assert ends.tolist() == [9, 12, 25]


def _brute_force(lengths, tags, coders):
    """Per-character codes, one character at a time: what the sweep must reproduce."""
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]
    marked = np.zeros((coders, int(sum(lengths))), dtype=bool)
    for coder, passage, start, end in tags:
        marked[coder, offsets[passage] + start: offsets[passage] + end] = True
    return marked


@pytest.mark.parametrize("seed", range(25))
def test_character_counts_match_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    coders = int(rng.integers(2, 5))
    lengths = rng.integers(1, 60, size=int(rng.integers(1, 8)))
    tags = []
    for _ in range(int(rng.integers(0, 30))):
        passage = int(rng.integers(len(lengths)))
        start = int(rng.integers(lengths[passage]))
        end = int(rng.integers(start + 1, lengths[passage] + 1))
        tags.append((int(rng.integers(coders)), passage, start, end))
    units = agreement.CodedUnits(
        lengths=lengths,
        coder=np.array([t[0] for t in tags], dtype=np.int64),
        theme=np.zeros(len(tags), dtype=np.int64),
        passage=np.array([t[1] for t in tags], dtype=np.int64),
        start=np.array([t[2] for t in tags], dtype=np.int64),
        end=np.array([t[3] for t in tags], dtype=np.int64),
    )
    [(by_passage, by_character)] = agreement.theme_counts(units=units, coders=coders, themes=1)
    brute = agreement.unit_counts(marked=_brute_force(lengths, tags, coders))
    assert by_character.marked_by.tolist() == brute.marked_by.tolist()
    assert by_character.marks.tolist() == brute.marks.tolist()
    passage_marked = np.zeros((coders, len(lengths)), dtype=bool)
    for coder, passage, _, _ in tags:
        passage_marked[coder, passage] = True
    assert by_passage.marked_by.tolist() == agreement.unit_counts(
        marked=passage_marked).marked_by.tolist()
    alpha = agreement.krippendorff_alpha(by_character)
    if alpha is not None:
        expected = krippendorff.alpha(
            reliability_data=_brute_force(lengths, tags, coders).astype(int),
            level_of_measurement="nominal",
        )
        assert round(alpha, 3) == round(float(expected), 3)


def test_pooled_counts_add_up():
    first, second = _counts([[1, 0], [1, 1]]), _counts([[0, 0], [0, 1]])
    pooled = first + second
    assert pooled.units == 4
    assert pooled.marks.tolist() == [1, 3]


@pytest.mark.parametrize("seed", range(10))
def test_intervals_difference_matches_brute_force(seed):
    rng = np.random.default_rng(500 + seed)

    def random_runs():
        starts = rng.integers(0, 80, size=int(rng.integers(0, 6)))
        return agreement.intervals_merge(starts=starts,
                                         ends=starts + rng.integers(1, 20, size=len(starts)))

    (starts, ends), (minus_starts, minus_ends) = random_runs(), random_runs()
    left, right = agreement.intervals_difference(starts=starts, ends=ends,
                                                 minus_starts=minus_starts,
                                                 minus_ends=minus_ends)
    expected = np.zeros(100, dtype=bool)
    for start, end in zip(starts, ends, strict=True):
        expected[start:end] = True
    for start, end in zip(minus_starts, minus_ends, strict=True):
        expected[start:end] = False
    found = np.zeros(100, dtype=bool)
    for start, end in zip(left, right, strict=True):
        assert not found[start:end].any()
        found[start:end] = True
    assert found.tolist() == expected.tolist()
    assert all(b < a for a, b in zip(left[1:], right[:-1], strict=True))  # disjoint runs
