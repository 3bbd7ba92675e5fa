"""Sub-themes roll up: a passage carries a theme if it has a tag of it or of any theme
below it, in every matrix and in the drill-down alike.

    paternalism (no tags of its own)
      housing            q1 rosa · q3 rosa
        rent             q5 rosa
      bonuses            q2 karl · q3 rosa
    collective-action    q2 rosa · q4 rosa
"""

from __future__ import annotations

import pytest

from analysis.selectors import (
    AnalysisScope,
    cooccurrence_matrix,
    passages_with_themes,
    theme_matrix,
)
from annotations.models import Theme
from annotations.services import tag_create
from tests.annotations.codebook_data import sub_theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(make_passage, make_user, themes) -> dict[str, Theme]:
    paternalism = themes["paternalism"]
    housing = sub_theme(slug="housing", parent=paternalism)
    codebook = {
        "paternalism": paternalism,
        "housing": housing,
        "rent": sub_theme(slug="rent", parent=housing),
        "bonuses": sub_theme(slug="bonuses", parent=paternalism),
        "collective-action": themes["collective-action"],
    }
    coders = {name: make_user(name, role="researcher") for name in ("rosa", "karl")}
    passages = {name: make_passage(f"Passage {name} about the plant.", source_slug="src",
                                   section_title="S1" if name < "q4" else "S2")
                for name in ("q1", "q2", "q3", "q4", "q5")}
    for coder, passage, slug in [("rosa", "q1", "housing"), ("rosa", "q3", "housing"),
                                 ("rosa", "q5", "rent"), ("karl", "q2", "bonuses"),
                                 ("rosa", "q3", "bonuses"), ("rosa", "q2", "collective-action"),
                                 ("rosa", "q4", "collective-action")]:
        tag_create(user=coders[coder], passage=passages[passage], theme=codebook[slug])
    return codebook


def test_parents_count_the_passages_of_their_sub_themes(tree):
    rows = list(tree.values())
    matrix = cooccurrence_matrix(scope=AnalysisScope(), themes=rows)
    # paternalism, housing, rent, bonuses, collective-action
    assert matrix.counts == [
        [4, 3, 1, 2, 1],
        [3, 3, 1, 1, 0],
        [1, 1, 1, 0, 0],
        [2, 1, 0, 2, 1],
        [1, 0, 0, 1, 2],
    ]
    by_section = theme_matrix(scope=AnalysisScope(), axis="section", themes=rows)
    assert by_section.passage_counts == [[3, 1], [2, 1], [0, 1], [2, 0], [1, 1]]
    # Tags roll up too: q3's two tags both count for paternalism.
    assert by_section.tag_counts == [[4, 1], [2, 1], [0, 1], [2, 0], [1, 1]]


def test_every_cell_equals_its_drill_down(tree):
    rows = list(tree.values())
    scope = AnalysisScope()
    for theme, cells in cooccurrence_matrix(scope=scope, themes=rows).rows:
        for cell in cells:
            drilled = passages_with_themes(scope=scope, themes=[theme, cell.partner])
            assert drilled.count() == cell.passages, (theme.slug, cell.partner.slug)
    for axis in ("source", "section"):
        for row in theme_matrix(scope=scope, axis=axis, themes=rows).rows:
            for cell in row.cells:
                column_scope = AnalysisScope(source=cell.column.source,
                                             section=cell.column.section)
                drilled = passages_with_themes(scope=column_scope, themes=[row.theme])
                assert drilled.count() == cell.passages, (row.theme.slug, cell.column.title)


def test_the_drill_down_page_shows_the_sub_themes_tags(client, tree):
    response = client.get("/analysis/passages/?themes=paternalism,collective-action")
    assert response.status_code == 200
    assert [entry.passage.text for entry in response.context["entries"]] == [
        "Passage q2 about the plant."
    ]
    [entry] = response.context["entries"]
    assert {tag.theme.slug for tag in entry.tags} == {"bonuses", "collective-action"}
