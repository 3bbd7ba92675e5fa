"""The matrices on the hand-coded corpus of conftest.py, counted by hand."""

from __future__ import annotations

import pytest

from analysis.selectors import (
    AnalysisScope,
    cooccurrence_matrix,
    passages_with_themes,
    theme_matrix,
)
from annotations.theme_selectors import codebook_index_of
from corpus.models import Section, Source

pytestmark = pytest.mark.django_db

# Rows and columns in the codebook's order:
# paternalism, enterprise-dependence, informal-relations, collective-action, workerism.
EVERYONE = [
    [3, 0, 0, 2, 1],
    [0, 0, 0, 0, 0],
    [0, 0, 1, 0, 0],
    [2, 0, 0, 3, 1],
    [1, 0, 0, 1, 2],
]


def scope_of(coded, *, coders=(), source="", section="") -> AnalysisScope:
    return AnalysisScope(
        coders=tuple(coded.coders[name] for name in coders),
        source=Source.objects.get(slug=source) if source else None,
        section=Section.objects.get(title=section) if section else None,
    )


def test_cooccurrence_counts_passages_per_pair_of_themes(coded, theme_order):
    matrix = cooccurrence_matrix(scope=AnalysisScope())
    assert [theme.slug for theme in matrix.themes] == theme_order
    assert matrix.counts == EVERYONE
    assert matrix.counts == [list(column) for column in zip(*matrix.counts, strict=True)]
    assert matrix.largest_pair == 2


@pytest.mark.parametrize(("coders", "expected"), [
    # Only ana coded informal relations; the rest is the same.
    (("rosa", "karl"), [[3, 0, 0, 2, 1], [0] * 5, [0] * 5, [2, 0, 0, 3, 1], [1, 0, 0, 1, 2]]),
    (("rosa",), [[2, 0, 0, 1, 0], [0] * 5, [0] * 5, [1, 0, 0, 2, 1], [0, 0, 0, 1, 1]]),
    # p2's paternalism is rosa's, its workerism karl's: together only when both count.
    (("karl",), [[2, 0, 0, 1, 0], [0] * 5, [0] * 5, [1, 0, 0, 1, 0], [0, 0, 0, 0, 1]]),
])
def test_cooccurrence_counts_only_the_selected_coders_tags(coded, coders, expected):
    assert cooccurrence_matrix(scope=scope_of(coded, coders=coders)).counts == expected


@pytest.mark.parametrize(("place", "expected"), [
    ({"source": "source-b"},
     [[0] * 5, [0] * 5, [0, 0, 1, 0, 0], [0, 0, 0, 1, 1], [0, 0, 0, 1, 1]]),
    ({"section": "A2"},
     [[1, 0, 0, 1, 0], [0] * 5, [0] * 5, [1, 0, 0, 1, 0], [0] * 5]),
    ({"source": "source-a", "section": "A1"},
     [[2, 0, 0, 1, 1], [0] * 5, [0] * 5, [1, 0, 0, 1, 0], [1, 0, 0, 0, 1]]),
])
def test_cooccurrence_within_a_source_or_section(coded, place, expected):
    assert cooccurrence_matrix(scope=scope_of(coded, **place)).counts == expected


def cells(matrix, attribute: str) -> dict[str, list]:
    return {row.theme.slug: [getattr(cell, attribute) for cell in row.cells]
            for row in matrix.rows if any(cell.passages for cell in row.cells)}


def test_themes_by_source_count_passages_tags_and_share(coded):
    matrix = theme_matrix(scope=AnalysisScope(), axis="source")
    assert [(column.source.slug, column.section, column.passages)
            for column in matrix.columns] == [("source-a", None, 3), ("source-b", None, 2)]
    assert cells(matrix, "passages") == {
        "paternalism": [3, 0], "informal-relations": [0, 1],
        "collective-action": [2, 1], "workerism": [1, 1],
    }
    assert cells(matrix, "tags") == {
        "paternalism": [5, 0], "informal-relations": [0, 1],
        "collective-action": [2, 1], "workerism": [1, 1],
    }
    assert cells(matrix, "share_rounded") == {
        "paternalism": [1.0, 0.0], "informal-relations": [0.0, 0.5],
        "collective-action": [0.6667, 0.5], "workerism": [0.3333, 0.5],
    }
    assert len(matrix.rows) == 5  # every theme, used or not


def test_themes_by_chapter_for_some_coders(coded):
    matrix = theme_matrix(scope=scope_of(coded, coders=("rosa",)), axis="section")
    assert [(column.section.title, column.passages) for column in matrix.columns] == [
        ("A1", 2), ("A2", 1), ("B1", 2),
    ]
    assert cells(matrix, "passages") == {
        "paternalism": [2, 0, 0], "collective-action": [1, 0, 1], "workerism": [0, 0, 1],
    }
    assert cells(matrix, "tags") == {
        "paternalism": [3, 0, 0], "collective-action": [1, 0, 1], "workerism": [0, 0, 1],
    }


def test_a_scope_keeps_only_its_columns(coded):
    matrix = theme_matrix(scope=scope_of(coded, section="A2"), axis="section")
    assert [(column.section.title, column.passages) for column in matrix.columns] == [("A2", 1)]
    by_source = theme_matrix(scope=scope_of(coded, section="A2"), axis="source")
    assert [(column.source.slug, column.passages) for column in by_source.columns] == [
        ("source-a", 1),
    ]


def test_drill_down_lists_the_passages_carrying_every_theme(coded, themes):
    both = passages_with_themes(
        scope=AnalysisScope(), themes=[themes["paternalism"], themes["collective-action"]]
    )
    assert list(both) == [coded.passages["p1"], coded.passages["p3"]]
    rosas = passages_with_themes(
        scope=scope_of(coded, coders=("rosa",)), themes=[themes["paternalism"]]
    )
    assert list(rosas) == [coded.passages["p1"], coded.passages["p2"]]


def test_every_count_comes_from_one_query(coded, django_assert_num_queries, themes):
    theme_list = list(themes.values())
    scope = scope_of(coded, coders=("rosa", "karl"), source="source-a")
    tree = codebook_index_of(themes=theme_list)
    with django_assert_num_queries(1):
        cooccurrence_matrix(scope=scope, themes=theme_list, tree=tree)
    with django_assert_num_queries(2):  # the columns, then the cells
        theme_matrix(scope=scope, axis="section", themes=theme_list, tree=tree)
