"""Issue 11: a merge of theme A into B, with tags by several coders, keeps every tag (as
B), every memo, and leaves agreement and the analysis consistent with the data as if A's
and B's tags had been B's from the start.

Two sources hold the same passages: "split" coded with A and B, "union" with the same
tags all as B (exact duplicates once). After the merge, "split" must read like "union".
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from analysis.selectors import (
    AnalysisScope,
    CooccurrenceMatrix,
    cooccurrence_matrix,
    passages_with_themes,
    theme_matrix,
)
from annotations.models import Tag, Theme, ThemeMemo
from annotations.services import tag_create
from annotations.team_selectors import agreement_compute
from annotations.theme_services import MEMO_SEPARATOR, theme_memo_create, theme_merge
from corpus.models import Source

pytestmark = pytest.mark.django_db

A, B, X = "paternalism", "collective-action", "workerism"
TEXT = "The director promised flats to loyal workers; the brigade argued about norms all night."

# (coder, passage, theme, span, memo); the first two pairs are exact duplicates across A/B.
CODING = [
    ("rosa", "p1", A, None, "rosa on A"),
    ("rosa", "p1", B, None, "rosa on B"),
    ("karl", "p1", A, (0, 12), "karl on A"),
    ("karl", "p1", B, (0, 12), "karl on B"),
    ("ana", "p1", B, None, ""),
    ("rosa", "p2", A, None, ""),
    ("karl", "p2", B, None, ""),
    ("ana", "p2", X, None, ""),
    ("karl", "p3", A, (5, 20), ""),
    ("ana", "p3", A, None, ""),
    ("rosa", "p3", X, None, ""),
    ("ana", "p4", B, (3, 9), ""),
    ("rosa", "p4", A, (10, 15), ""),
    ("karl", "p4", X, None, ""),
    ("rosa", "p5", X, None, ""),
]
DUPLICATES = 2


@dataclass
class MergeCase:
    themes: dict[str, Theme]
    coders: list
    split: Source
    union: Source


@pytest.fixture
def case(make_passage, make_user, themes) -> MergeCase:
    coders = {name: make_user(name, role="researcher") for name in ("rosa", "karl", "ana")}
    for slug in (A, B):
        theme_memo_create(user=coders["rosa"], theme=themes[slug], text=f"Memo on {slug}.")
    for source, relabel in (("split", {}), ("union", {A: B})):
        passages = {name: make_passage(TEXT, source_slug=source,
                                       section_title=f"{source} {'I' if name < 'p4' else 'II'}")
                    for name in ("p1", "p2", "p3", "p4", "p5")}
        for coder, passage, slug, span, memo in CODING:
            start, end = span or (None, None)
            tag_create(user=coders[coder], passage=passages[passage],
                       theme=themes[relabel.get(slug, slug)], start=start, end=end, memo=memo)
    return MergeCase(themes=themes, coders=list(coders.values()),
                     split=Source.objects.get(slug="split"),
                     union=Source.objects.get(slug="union"))


def _agreement_of(*, theme: Theme, coders: list, source: Source) -> tuple:
    figures = agreement_compute(coders=coders, source=source)
    [row] = [row for row in figures.themes if row.theme.pk == theme.pk]
    return row.passages, row.characters


def _drilled(*, scope: AnalysisScope, themes: list[Theme]) -> set[int]:
    return set(passages_with_themes(scope=scope, themes=themes).values_list("pk", flat=True))


def _cell(matrix: CooccurrenceMatrix, theme: Theme, partner: Theme) -> int:
    slugs = [item.slug for item in matrix.themes]
    return matrix.counts[slugs.index(theme.slug)][slugs.index(partner.slug)]


def _identities(tags) -> dict[tuple, str]:
    return {(tag.user_id, tag.passage.ordinal, tag.start, tag.end): tag.memo for tag in tags}


def test_a_merge_keeps_every_tag_and_memo_and_the_figures_consistent(case, make_user):
    a, b, x = case.themes[A], case.themes[B], case.themes[X]
    split = AnalysisScope(source=case.split)
    others = [theme for theme in case.themes.values() if theme.pk not in (a.pk, b.pk)]
    tags_before = Tag.objects.filter(source=case.split, theme__in=[a, b]).select_related("passage")
    before_identities = _identities(tags_before)
    tags_of_a_and_b = tags_before.count()
    # Before: what the merged row must show, from A's and B's drill-downs combined.
    with_a_or_b = {
        other.slug: _drilled(scope=split, themes=[a, other]) | _drilled(scope=split,
                                                                       themes=[b, other])
        for other in others
    }
    carrying_a_or_b = _drilled(scope=split, themes=[a]) | _drilled(scope=split, themes=[b])
    before = cooccurrence_matrix(scope=split)
    agreement_before = _agreement_of(theme=b, coders=case.coders, source=case.split)

    result = theme_merge(user=make_user("lead", role="staff"), theme=a, into=b)

    # Every tag survives as B; the exact duplicates collapse with both memos.
    assert not Theme.objects.filter(pk=a.pk).exists()
    assert result.tags_collapsed == DUPLICATES
    tags_after = Tag.objects.filter(source=case.split, theme=b).select_related("passage")
    assert tags_after.count() == tags_of_a_and_b - DUPLICATES
    after_identities = _identities(tags_after)
    assert after_identities.keys() == before_identities.keys()
    memos = [memo for memo in after_identities.values() if MEMO_SEPARATOR in memo]
    assert sorted(sorted(memo.split(MEMO_SEPARATOR)) for memo in memos) == [
        ["karl on A", "karl on B"], ["rosa on A", "rosa on B"],
    ]
    assert set(ThemeMemo.objects.filter(theme=b).values_list("text", flat=True)) == {
        "Memo on paternalism.", "Memo on collective-action.",
    }

    # Agreement on B equals agreement computed on the union data; A is no longer listed.
    agreement_after = _agreement_of(theme=b, coders=case.coders, source=case.split)
    assert agreement_after == _agreement_of(theme=b, coders=case.coders, source=case.union)
    assert agreement_after != agreement_before  # the merge did change B's figures
    listed = agreement_compute(coders=case.coders, source=case.split).themes
    assert a.pk not in {row.theme.pk for row in listed}

    # Co-occurrence: B's row is A's and B's combined; the other cells are unchanged.
    after = cooccurrence_matrix(scope=split)
    assert after.counts == cooccurrence_matrix(scope=AnalysisScope(source=case.union)).counts
    assert _cell(after, b, b) == len(carrying_a_or_b)
    for other in others:
        assert _cell(after, b, other) == len(with_a_or_b[other.slug])
        assert all(_cell(after, other, partner) == _cell(before, other, partner)
                   for partner in others)
    assert _drilled(scope=split, themes=[b, x]) == with_a_or_b[X]

    # Themes by chapter: as the union's, and every cell equals its drill-down.
    by_chapter = theme_matrix(scope=split, axis="section")
    union_by_chapter = theme_matrix(scope=AnalysisScope(source=case.union), axis="section")
    assert by_chapter.passage_counts == union_by_chapter.passage_counts
    assert by_chapter.tag_counts == union_by_chapter.tag_counts
    for matrix_row in by_chapter.rows:
        for cell in matrix_row.cells:
            column = AnalysisScope(source=cell.column.source, section=cell.column.section)
            assert len(_drilled(scope=column, themes=[matrix_row.theme])) == cell.passages
    for theme, cells in after.rows:
        for cell in cells:
            assert len(_drilled(scope=split, themes=[theme, cell.partner])) == cell.passages
