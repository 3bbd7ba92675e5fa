"""Corrections made in the admin reach what depends on them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from corpus.models import Passage

pytestmark = pytest.mark.django_db


def test_a_section_title_edited_in_the_admin_is_searchable(client, make_passage) -> None:
    passage = make_passage("Workers depended on the enterprise for housing.")
    section = passage.section
    client.force_login(User.objects.create_superuser("boss", password="x"))
    response = client.post(
        f"/admin/corpus/section/{section.pk}/change/",
        {"number": "", "title": "Paternalism at Magnitogorsk", "authors": ""},
    )
    assert response.status_code == 302
    passage.refresh_from_db()
    assert passage.heading == "Paternalism at Magnitogorsk"
    assert list(Passage.objects.filter(search_vector="magnitogorsk")) == [passage]
