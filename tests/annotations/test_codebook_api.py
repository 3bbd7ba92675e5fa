"""The codebook in the API: the tree in GET /api/themes/, PATCH to rename and move, merge,
history, former slugs; who may do what."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotations.models import Tag, Theme
from annotations.theme_services import theme_update
from tests.annotations.codebook_data import (
    sub_theme,
    whole_passage_tag,
)
from tests.api_roles import ANONYMOUS_REFUSED, NOBODY, RoleClients, assert_role_matrix

pytestmark = pytest.mark.django_db

CODEBOOK_EDITORS = {**NOBODY, "researcher": 200, "other_researcher": 200, "staff": 200}



@pytest.fixture
def clients(user_for_role) -> RoleClients:
    return RoleClients(user_for_role)


def test_theme_list_gives_the_tree(theme_tree, django_assert_num_queries):
    theme_update(user=theme_tree.rosa, theme=theme_tree.themes["rent"], slug="rents",
                 inclusion="Paying for a flat.", key=2)
    with django_assert_num_queries(2):
        body = APIClient().get("/api/themes/").json()
    by_slug = {theme["slug"]: theme for theme in body["results"]}
    assert by_slug["paternalism"]["parent"] is None
    assert by_slug["housing"]["parent"] == "paternalism"
    rents = by_slug["rents"]
    assert (rents["parent"], rents["inclusion"], rents["exclusion"], rents["key"]) == (
        "housing", "Paying for a flat.", "", 2
    )
    assert rents["former_slugs"] == ["rent"]
    for n in range(5):
        sub_theme(slug=f"more-{n}", parent=theme_tree.themes["housing"])
    with django_assert_num_queries(2):
        APIClient().get("/api/themes/")


def test_patch_roles(clients, theme_tree):
    names = iter(f"Housing {n}" for n in range(10))
    assert_role_matrix(clients, "patch", "/api/themes/housing/", CODEBOOK_EDITORS,
                       payload=lambda role: {"name": next(names)})
    assert Theme.objects.get(slug="housing").changes.count() == 3


def test_patch_renames_and_moves(theme_tree):
    client = APIClient()
    client.force_authenticate(theme_tree.karl)
    response = client.patch("/api/themes/housing/",
                            {"slug": "dwellings", "parent": "collective-action"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["slug"], response.json()["parent"]) == (
        "dwellings", "collective-action"
    )
    # The old slug still answers, in the API's paths and filters and when tagging.
    assert client.get("/api/themes/housing/").json()["slug"] == "dwellings"
    tag = client.post("/api/tags/", {"passage": theme_tree.passages["p5"].pk,
                                     "theme": "housing"}, format="json")
    assert tag.status_code == 201 and tag.json()["theme"] == "dwellings"
    history = client.get("/api/themes/housing/history/").json()["results"]
    assert [change["kind"] for change in history] == ["move", "rename"]
    assert history[1]["before"] == {"slug": "housing"} and history[1]["user"] == "karl"
    unmoved = client.patch("/api/themes/collective-action/", {"parent": "rent"},
                           format="json")
    assert unmoved.status_code == 400
    assert set(unmoved.json()["errors"]) == {"parent"}
    moved_up = client.patch("/api/themes/rent/", {"parent": None}, format="json")
    assert moved_up.json()["parent"] is None


def test_patch_bad_values(theme_tree):
    client = APIClient()
    client.force_authenticate(theme_tree.rosa)
    for payload, field in [({"key": 10}, "key"), ({"colour": "red"}, "colour"),
                           ({"parent": "nope"}, "parent"), ({"slug": "not a slug"}, "slug"),
                           ({"name": "Paternalism"}, "name")]:
        response = client.patch("/api/themes/housing/", payload, format="json")
        assert response.status_code == 400, payload
        assert set(response.json()["errors"]) == {field}
    assert client.patch("/api/themes/nope/", {"name": "x"}, format="json").status_code == 404


def test_merge_roles(clients, theme_tree):
    def fresh_theme(role: str) -> str:
        theme = sub_theme(slug=f"{role.replace('_', '-')}-theme", parent=theme_tree.themes["rent"])
        whole_passage_tag(passage=theme_tree.passages["p5"], theme=theme, user=theme_tree.rosa)
        return f"/api/themes/{theme.slug}/merge/"

    assert_role_matrix(clients, "post", fresh_theme, CODEBOOK_EDITORS,
                       payload={"into": "housing"})
    merged = {"researcher-theme", "other-researcher-theme", "staff-theme"}
    assert not Theme.objects.filter(slug__in=merged).exists()
    assert set(Theme.objects.filter(slug__endswith="-theme").values_list("slug", flat=True)) == {
        "anonymous-theme", "student-theme"
    }
    # The three merged themes' tags were identical (rosa's, on p5): now one tag of housing.
    assert Tag.objects.filter(theme__slug="housing").count() == 1


def test_merge_answer(theme_tree):
    client = APIClient()
    client.force_authenticate(theme_tree.rosa)
    response = client.post("/api/themes/housing/merge/", {"into": "collective-action"},
                           format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["tags_moved"], body["tags_collapsed"], body["children_moved"]) == (0, 0, 1)
    assert body["theme"]["slug"] == "collective-action"
    assert "housing" in body["theme"]["former_slugs"]
    again = client.post("/api/themes/housing/merge/", {"into": "collective-action"},
                        format="json")
    assert again.status_code == 400
    assert "itself" in again.json()["detail"]
    bad = client.post("/api/themes/rent/merge/", {"into": "nope"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"into"}


def test_anonymous_cannot_merge(theme_tree):
    response = APIClient().post("/api/themes/rent/merge/", {"into": "housing"}, format="json")
    assert response.status_code == ANONYMOUS_REFUSED
