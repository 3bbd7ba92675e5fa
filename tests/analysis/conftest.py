"""A hand-coded corpus small enough to count every matrix cell by hand.

    source-a, "A1":  p1  rosa: P (whole), C (span) · karl: P (whole)
                     p2  rosa: P (two spans)       · karl: W
    source-a, "A2":  p3  karl: P, C
    source-b, "B1":  p4  rosa: C, W
                     p5  ana: I
    (and an orphaned P by rosa in source-a, which no figure counts)

P paternalism, C collective-action, W workerism, I informal-relations;
enterprise-dependence is used nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from annotations.models import Tag
from annotations.services import tag_create
from corpus.models import Passage

TEXT = (
    "The strike committee met at night; the director promised flats to loyal workers, "
    "and the brigade leaders argued about norms until the morning shift began."
)


@dataclass
class Coded:
    passages: dict[str, Passage]
    coders: dict[str, User]


@pytest.fixture
def coded(make_passage, make_user, themes) -> Coded:
    passages = {
        "p1": make_passage(TEXT, source_slug="source-a", section_title="A1"),
        "p2": make_passage(TEXT, source_slug="source-a", section_title="A1"),
        "p3": make_passage(TEXT, source_slug="source-a", section_title="A2"),
        "p4": make_passage(TEXT, source_slug="source-b", section_title="B1"),
        "p5": make_passage(TEXT, source_slug="source-b", section_title="B1"),
    }
    coders = {name: make_user(name, role="researcher") for name in ("rosa", "karl", "ana")}
    codes = {"P": "paternalism", "C": "collective-action", "W": "workerism",
             "I": "informal-relations"}

    def tag(coder: str, passage: str, code: str, span: tuple[int, int] | None = None) -> Tag:
        start, end = span or (None, None)
        return tag_create(user=coders[coder], passage=passages[passage],
                          theme=themes[codes[code]], start=start, end=end).tag

    tag("rosa", "p1", "P")
    tag("rosa", "p1", "C", (4, 10))
    tag("karl", "p1", "P")
    tag("rosa", "p2", "P", (0, 3))
    tag("rosa", "p2", "P", (4, 10))
    tag("karl", "p2", "W")
    tag("karl", "p3", "P")
    tag("karl", "p3", "C")
    tag("rosa", "p4", "C")
    tag("rosa", "p4", "W")
    tag("ana", "p5", "I")
    orphan = tag("rosa", "p5", "P", (11, 20))
    Tag.objects.filter(pk=orphan.pk).update(passage=None, source=passages["p1"].source)
    return Coded(passages=passages, coders=coders)


@pytest.fixture
def theme_order(themes) -> list[str]:
    """The codebook's slugs in its order: the matrices' rows and columns."""
    return [theme.slug for theme in sorted(themes.values(), key=lambda t: (t.order, t.name))]
