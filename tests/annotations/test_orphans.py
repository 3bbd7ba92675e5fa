import pytest

from annotations.models import Tag
from annotations.services import tag_create

pytestmark = pytest.mark.django_db

TEXT = "Managers traded housing for loyalty, and the workers knew the price of a flat."


@pytest.fixture
def orphan(make_passage, researcher, themes):
    passage = make_passage(TEXT)
    tag = tag_create(user=researcher, passage=passage, theme=themes["paternalism"],
                     start=0, end=24, memo="flats for loyalty").tag
    Tag.objects.filter(pk=tag.pk).update(passage=None)
    return Tag.objects.get(pk=tag.pk)


def test_orphans_are_listed_with_their_quote_and_memo(client, orphan, researcher):
    client.force_login(researcher)
    page = client.get("/themes/orphans/").content.decode()
    assert "Managers traded housing" in page and "flats for loyalty" in page
    assert f"/tags/{orphan.pk}/reattach/" in page


def test_a_researcher_reattaches_an_orphan_where_its_words_now_stand(
    client, orphan, researcher, make_passage
):
    moved = make_passage("In the new edition: " + TEXT)
    client.force_login(researcher)

    response = client.post(f"/tags/{orphan.pk}/reattach/", {"passage": moved.pk})

    assert response.status_code == 302
    orphan.refresh_from_db()
    assert (orphan.passage_id, moved.text[orphan.start:orphan.end]) == (moved.pk, orphan.quote)
    assert orphan.quote == "Managers traded housing "


def test_reattaching_to_a_passage_without_the_words_explains_why(
    client, orphan, researcher, make_passage
):
    elsewhere = make_passage("Nothing about the subject here at all.")
    client.force_login(researcher)

    response = client.post(f"/tags/{orphan.pk}/reattach/", {"passage": elsewhere.pk})
    assert response.status_code == 400
    assert "not in that passage" in response.content.decode()

    response = client.post(f"/tags/{orphan.pk}/reattach/",
                           {"passage": elsewhere.pk, "whole_passage": "on"})
    assert response.status_code == 302
    orphan.refresh_from_db()
    assert (orphan.passage_id, orphan.start, orphan.quote) == (elsewhere.pk, None, elsewhere.text)


@pytest.mark.parametrize("role", ["student", "other_researcher"])
def test_only_the_tagger_or_staff_may_reattach(client, orphan, make_passage, user_for_role, role):
    client.force_login(user_for_role(role))
    response = client.post(f"/tags/{orphan.pk}/reattach/",
                           {"passage": make_passage(TEXT).pk})
    assert response.status_code == 403
    orphan.refresh_from_db()
    assert orphan.passage_id is None


@pytest.mark.parametrize("data", [{}, {"passage": "x"}, {"passage": 0}, {"passage": 99999999}])
def test_bad_reattach_input_is_a_400(client, orphan, researcher, data):
    client.force_login(researcher)
    assert client.post(f"/tags/{orphan.pk}/reattach/", data).status_code == 400
