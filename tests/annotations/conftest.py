"""Hand-made team coding: two researchers coding the same sections."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from annotations.services import tag_create

FIRST = "The director promised flats to loyal workers, and the union handed out vouchers."
SECOND = "The strike committee met at night, and nobody dared to stop the furnaces."
NOTE = "See the factory newspaper for the director's speech."
OTHER = "In the second chapter the workers queued for sausage at the factory store."


@dataclass
class Team:
    rosa: object
    karl: object
    passages: list  # section one: two body passages and a note
    other: object  # a passage of section two


@pytest.fixture
def team(researcher, other_researcher, make_passage, themes) -> Team:
    passages = [
        make_passage(FIRST, source_slug="team-source", section_title="One"),
        make_passage(SECOND, source_slug="team-source", section_title="One"),
        make_passage(NOTE, source_slug="team-source", section_title="One", kind="note"),
    ]
    other = make_passage(OTHER, source_slug="team-source", section_title="Two")
    paternalism, action = themes["paternalism"], themes["collective-action"]
    for user, start, end in ((researcher, 4, 40), (other_researcher, 13, 45)):
        tag_create(user=user, passage=passages[0], theme=paternalism, start=start, end=end)
    tag_create(user=researcher, passage=passages[1], theme=action)
    tag_create(user=other_researcher, passage=passages[1], theme=action, start=4, end=30)
    tag_create(user=other_researcher, passage=passages[2], theme=paternalism)
    tag_create(user=researcher, passage=other, theme=action)
    return Team(rosa=researcher, karl=other_researcher, passages=passages, other=other)
