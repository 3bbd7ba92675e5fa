"""Hand-made data for the codebook tests: a small tree and passages carrying its themes.

    paternalism            p1 (rosa)
      housing
        rent               p2 (karl)
    collective-action      p2 (rosa), p3 (rosa)
    workerism              p4 (karl)
                           p5: untagged
plus an orphan tag of paternalism (rosa).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from annotations.models import Tag, Theme
from corpus.models import Passage


@dataclass
class CodebookData:
    themes: dict[str, Theme]
    passages: dict[str, Passage]
    tags: dict[str, Tag]
    rosa: User
    karl: User


def whole_passage_tag(*, passage: Passage, theme: Theme, user: User, memo: str = "") -> Tag:
    return Tag.objects.create(source_id=passage.source_id, passage=passage, theme=theme,
                              user=user, quote=passage.text, memo=memo)


def sub_theme(*, slug: str, parent: Theme, colour: str = "#336699") -> Theme:
    return Theme.objects.create(slug=slug, name=slug.capitalize(), definition=f"About {slug}.",
                                colour=colour, parent=parent)


def codebook_data_create(*, make_passage, themes: dict[str, Theme], rosa: User,
                         karl: User) -> CodebookData:
    """The data above (``make_passage`` and ``themes`` are the conftest fixtures)."""
    housing = sub_theme(slug="housing", parent=themes["paternalism"])
    rent = sub_theme(slug="rent", parent=housing)
    tree = {**themes, "housing": housing, "rent": rent}
    passages = {
        f"p{n}": make_passage(f"Passage {n} about workers and flats.", source_slug="qsource")
        for n in range(1, 6)
    }
    tags = {
        "p1-paternalism": whole_passage_tag(passage=passages["p1"], theme=themes["paternalism"],
                                            user=rosa),
        "p2-rent": whole_passage_tag(passage=passages["p2"], theme=rent, user=karl),
        "p2-collective": whole_passage_tag(passage=passages["p2"],
                                           theme=themes["collective-action"], user=rosa),
        "p3-collective": whole_passage_tag(passage=passages["p3"],
                                           theme=themes["collective-action"], user=rosa),
        "p4-workerism": whole_passage_tag(passage=passages["p4"], theme=themes["workerism"],
                                          user=karl),
    }
    tags["orphan-paternalism"] = Tag.objects.create(
        source_id=passages["p1"].source_id, passage=None, theme=themes["paternalism"],
        user=rosa, quote="lost words",
    )
    return CodebookData(themes=tree, passages=passages, tags=tags, rosa=rosa, karl=karl)
