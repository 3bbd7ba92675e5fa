"""The team-coding API: coding status, agreement, adopting a tag, disagreement memos."""

from __future__ import annotations

import pytest

from annotations.models import DisagreementMemo, SectionCoding, Tag
from annotations.services import tag_create
from annotations.team_services import section_coding_mark
from tests.annotations.agreement_check import brute_force_figures
from tests.api_roles import (
    ANONYMOUS_REFUSED,
    EVERYONE,
    NOBODY,
    TAGGERS,
    RoleClients,
    assert_role_matrix,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(user_for_role) -> RoleClients:
    return RoleClients(user_for_role)


def _mark_done(team, *users):
    for user in users:
        section_coding_mark(user=user, section=team.passages[0].section)


# --- Coding status ------------------------------------------------------------------


def test_coding_status_roles(clients, make_passage):
    section = make_passage("Some words to code.").section
    url = f"/api/sections/{section.pk}/coding/"
    assert_role_matrix(clients, "get", url, EVERYONE)
    assert_role_matrix(clients, "put", url, TAGGERS)
    assert_role_matrix(clients, "put", url, {**TAGGERS, **dict.fromkeys(
        ("researcher", "other_researcher", "staff"), 200)})  # marking twice changes nothing
    assert_role_matrix(clients, "delete", url, {**NOBODY, "researcher": 204,
                                                "other_researcher": 204, "staff": 204})
    assert not SectionCoding.objects.exists()
    assert_role_matrix(clients, "get", "/api/coding-status/", EVERYONE)


def test_coding_status_answers_who_finished(team, clients, client):
    section = team.passages[0].section
    _mark_done(team, team.karl, team.rosa)
    body = client.get(f"/api/sections/{section.pk}/coding/").json()
    assert body["section"] == section.pk
    assert [mark["coder"] for mark in body["done"]] == ["karl", "rosa"]
    listed = client.get("/api/coding-status/", {"coder": "rosa"}).json()
    assert [(row["section"], row["source"], row["coder"]) for row in listed["results"]] == [
        (section.pk, "team-source", "rosa")]
    assert client.get("/api/coding-status/", {"coder": "nobody"}).status_code == 400
    assert client.get("/api/sections/999999/coding/").status_code == 404


# --- Agreement --------------------------------------------------------------------


def test_agreement_answer_shape_and_figures_match_brute_force(team, client, themes):
    _mark_done(team, team.rosa, team.karl)
    body = client.get("/api/agreement/", {"coders": "rosa,karl"}).json()
    assert body["coders"] == ["rosa", "karl"]
    section = team.passages[0].section
    assert body["scope"] == {"source": None, "section": None, "finished_only": True,
                             "sections": [section.pk]}
    assert [row["theme"] for row in body["themes"]] == list(themes)
    for row in body["themes"]:
        expected = brute_force_figures(passages=team.passages, coders=[team.rosa, team.karl],
                                       theme=themes[row["theme"]])
        assert body["units"] == expected["units"]
        for level in ("passages", "characters"):
            alpha = row[level]["alpha"]
            assert (None if alpha is None else round(alpha, 3)) == expected[level]["alpha"]
            assert row[level]["percent"] == pytest.approx(expected[level]["percent"])
    paternalism = next(row for row in body["themes"] if row["theme"] == "paternalism")
    # rosa tagged one passage of three, karl two: kappa from the 2x2 table by hand.
    # both: 1, karl only: 1, neither: 1 -> p_o = 2/3, p_e = 1/3*2/3 + 2/3*1/3 = 4/9
    assert paternalism["passages"]["kappa"] == pytest.approx((2 / 3 - 4 / 9) / (1 - 4 / 9))
    untouched = next(row for row in body["themes"] if row["theme"] == "workerism")
    assert untouched["passages"] == {"alpha": None, "kappa": None, "percent": 1.0}
    assert set(body["overall"]) == {"passages", "characters"}


def test_overall_pools_every_theme_and_unit(team, client, themes):
    _mark_done(team, team.rosa, team.karl)
    body = client.get("/api/agreement/", {"coders": "rosa,karl"}).json()
    # 5 themes x 3 passages = 15 units; they differ on one (paternalism in the note).
    assert body["overall"]["passages"]["percent"] == pytest.approx(14 / 15)


def test_by_default_only_sections_every_coder_finished(team, client):
    body = client.get("/api/agreement/", {"coders": "rosa,karl"}).json()
    assert body["units"] == {"passages": 0, "characters": 0}
    _mark_done(team, team.rosa)
    assert client.get("/api/agreement/", {"coders": "rosa,karl"}).json()["units"][
        "passages"] == 0
    _mark_done(team, team.karl)
    assert client.get("/api/agreement/", {"coders": "rosa,karl"}).json()["units"][
        "passages"] == 3


def test_source_and_section_override_the_done_marks(team, client):
    section = team.passages[0].section
    by_source = client.get("/api/agreement/", {"coders": "rosa,karl", "source": "team-source"})
    assert by_source.json()["units"]["passages"] == 4
    assert by_source.json()["scope"]["finished_only"] is False
    by_section = client.get("/api/agreement/", {"coders": "karl,rosa", "section": section.pk})
    assert by_section.json()["units"]["passages"] == 3
    assert by_section.json()["coders"] == ["karl", "rosa"]


def test_coders_may_be_repeated_as_the_agreement_page_sends_them(team, client):
    # The page's checkboxes give coders=karl&coders=rosa, and it links here with its query.
    repeated = client.get("/api/agreement/", {"coders": ["karl", "rosa"]})
    assert repeated.status_code == 200
    assert repeated.json() == client.get("/api/agreement/", {"coders": "karl,rosa"}).json()


@pytest.mark.parametrize(("params", "message"), [
    ({"coders": "rosa"}, "Name at least 2 coders."),
    ({"coders": "rosa,rosa"}, "“rosa” is named twice."),
    ({"coders": "rosa,nobody"}, "No coder named “nobody”"),
    ({}, "Name the coders to compare"),
    ({"coders": "rosa,karl", "source": "nowhere"}, "No source with slug “nowhere”."),
    ({"coders": "rosa,karl", "section": "x"}, "No section with id “x”."),
    ({"coders": "rosa,ka\x00rl"}, "NUL"),
])
def test_bad_queries_are_a_400_with_the_error_shape(team, client, params, message):
    response = client.get("/api/agreement/", params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert message in body["detail"]


def test_section_outside_the_source_is_refused(team, client, make_passage):
    elsewhere = make_passage("Words elsewhere.", source_slug="another-source")
    response = client.get("/api/agreement/", {"coders": "rosa,karl", "source": "team-source",
                                              "section": elsewhere.section_id})
    assert response.status_code == 400
    assert response.json()["errors"] == {"section": ["That section is not in that source."]}


def test_agreement_queries_are_constant(team, client, themes, django_assert_num_queries):
    params = {"coders": "rosa,karl", "source": "team-source"}
    # The coders, the source, the themes, the passages, the tags.
    with django_assert_num_queries(5):
        client.get("/api/agreement/", params)
    for passage in team.passages:
        for theme in themes.values():
            tag_create(user=team.rosa, passage=passage, theme=theme, start=0, end=3)
    with django_assert_num_queries(5):
        assert client.get("/api/agreement/", params).status_code == 200


def test_agreement_readable_by_every_role(team, clients):
    assert_role_matrix(clients, "get", "/api/agreement/?coders=rosa,karl", EVERYONE)


# --- Adopting and memos -------------------------------------------------------------


def test_adopt_roles_and_idempotence(clients, make_passage, themes):
    passage = make_passage("The union handed out holiday vouchers to loyal workers.")
    tag = tag_create(user=clients.user("researcher"), passage=passage,
                     theme=themes["paternalism"], start=4, end=9).tag
    url = f"/api/tags/{tag.pk}/adopt/"
    assert_role_matrix(clients, "post", url, {**TAGGERS, "researcher": 400})
    assert_role_matrix(clients, "post", url, {**TAGGERS, "researcher": 400,
                                              "other_researcher": 200, "staff": 200})
    copies = Tag.objects.exclude(pk=tag.pk)
    assert sorted(copies.values_list("user__username", flat=True)) == [
        "other_researcher-user", "staff-user"]
    assert {(copy.start, copy.end, copy.theme_id) for copy in copies} == {(4, 9, tag.theme_id)}
    response = clients("other_researcher").post(url)
    assert response.json()["user"] == "other_researcher-user"


def test_memo_on_a_disagreement(team, clients, client):
    clients.users["researcher"] = team.rosa  # the researcher role acts as rosa
    payload = {"passage": team.passages[0].pk, "theme": "paternalism",
               "coders": ["rosa", "karl"], "text": "Flats are the director's, not the union's."}
    response = clients("researcher").post("/api/disagreement-memos/", payload, format="json")
    assert response.status_code == 201, response.json()
    memo = DisagreementMemo.objects.get()
    # Stored in a fixed order, whichever way round they were named.
    assert (memo.coder_a, memo.coder_b) == (team.rosa, team.karl)
    assert response.json()["coders"] == ["rosa", "karl"]
    listed = client.get("/api/disagreement-memos/",
                        {"section": team.passages[0].section_id}).json()
    assert [row["text"] for row in listed["results"]] == [payload["text"]]
    same = clients("researcher").post("/api/disagreement-memos/",
                                      {**payload, "coders": ["rosa", "rosa"]}, format="json")
    assert same.status_code == 400
    assert clients("student").post("/api/disagreement-memos/", payload,
                                   format="json").status_code == 403
    assert clients("anonymous").post("/api/disagreement-memos/", payload,
                                     format="json").status_code == ANONYMOUS_REFUSED


def test_list_queries_are_constant(team, client, themes, make_user, django_assert_num_queries):
    section = team.passages[0].section

    def grow(n: int) -> None:
        for index in range(n):
            coder = make_user(f"coder-{n}-{index}", role="researcher")
            section_coding_mark(user=coder, section=section)
            DisagreementMemo.objects.create(
                source_id=section.source_id, passage=team.passages[0],
                theme=themes["paternalism"], coder_a=team.rosa, coder_b=team.karl,
                author=coder, text=f"Memo {index}.",
            )

    for n in (1, 4):
        grow(n)
        with django_assert_num_queries(2):  # count, page
            assert client.get("/api/coding-status/").status_code == 200
        with django_assert_num_queries(3):  # the section filter's check, count, page
            response = client.get("/api/disagreement-memos/", {"section": section.pk})
        assert response.status_code == 200
        with django_assert_num_queries(2):  # the section, its marks
            client.get(f"/api/sections/{section.pk}/coding/")
