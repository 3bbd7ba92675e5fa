"""The team-coding invariants the database keeps."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from annotations.models import DisagreementMemo, SectionCoding
from annotations.team_services import disagreement_memo_create

pytestmark = pytest.mark.django_db


def test_one_done_mark_per_coder_and_section(team):
    section = team.passages[0].section
    SectionCoding.objects.create(section=section, user=team.rosa)
    with pytest.raises(IntegrityError), transaction.atomic():
        SectionCoding.objects.create(section=section, user=team.rosa)


def test_memo_pairs_are_stored_in_order(team, themes):
    with pytest.raises(IntegrityError), transaction.atomic():
        DisagreementMemo.objects.create(
            source_id=team.passages[0].source_id, passage=team.passages[0],
            theme=themes["paternalism"], coder_a=team.karl, coder_b=team.rosa,
            author=team.rosa, text="Wrong way round.",
        )


def test_a_memo_outlives_its_passage(team, themes):
    memo = disagreement_memo_create(author=team.karl, passage=team.passages[2],
                                    theme=themes["paternalism"], coders=(team.karl, team.rosa),
                                    text="Kept, whatever happens to the passage.")
    team.passages[2].tags.all().delete()
    team.passages[2].delete()
    memo.refresh_from_db()
    assert memo.passage is None
    assert memo.text == "Kept, whatever happens to the passage."
    assert memo.source_id == team.passages[0].source_id
