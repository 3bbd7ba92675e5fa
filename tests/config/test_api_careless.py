"""Careless requests fail loudly: unknown query parameters and fields a write may not
send are 400s naming them."""

from __future__ import annotations

import pytest
import yaml

from annotations.models import Tag
from annotations.services import tag_create
from tests.api_roles import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def tag(make_passage, researcher, themes) -> Tag:
    passage = make_passage("The strike committee met at night.")
    return tag_create(user=researcher, passage=passage, theme=themes["collective-action"],
                      start=4, end=10, memo="first").tag


@pytest.fixture
def api(researcher):
    return token_client(researcher)


def test_a_misspelt_filter_is_a_400_naming_it(client, tag):
    response = client.get("/api/tags/", {"thme": "paternalism"})
    assert response.status_code == 400
    body = response.json()
    assert "thme" in body["detail"]
    assert "theme" in body["errors"]["thme"][0]


def test_every_operation_refuses_unknown_query_parameters(client, api, tag):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = [*schema["paths"], "/api/", "/api/schema/", "/api/docs/"]
    for path in paths:
        url = path.replace("{id}", str(tag.pk)).replace("{slug}", "crowley")
        for method in schema["paths"].get(path, {"get": None}):
            response = getattr(api, method)(f"{url}?bogus=1", {}, format="json")
            assert response.status_code == 400, f"{method.upper()} {path}"
            assert list(response.json()["errors"]) == ["bogus"]


@pytest.mark.parametrize("query", [
    {"theme": "collective-action", "page": 1, "page_size": 5, "created_after": "2020-01-01"},
    {"format": "json"},
])
def test_documented_parameters_are_taken(client, tag, query):
    assert client.get("/api/tags/", query).status_code == 200


def test_search_parameters_are_taken(client, tag):
    assert client.get("/api/passages/", {"q": "strike", "kind": "body"}).status_code == 200
    assert client.get("/api/kwic/", {"q": "strike", "sort": "right"}).status_code == 200
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200


def test_the_html_pages_are_not_checked(client, tag):
    assert client.get("/themes/", {"utm_source": "mail"}).status_code == 200


@pytest.mark.parametrize("change", [
    {"start": 0}, {"start": 10, "end": 4}, {"passage": 1}, {"user": "karl"},
    {"quote": "x"}, {"id": 5}, {"colour": "red"},
])
def test_a_patch_that_would_move_or_rewrite_a_tag_is_a_400(api, tag, change):
    before = Tag.objects.values("start", "end", "memo", "updated").get(pk=tag.pk)
    response = api.patch(f"/api/tags/{tag.pk}/", {**change, "memo": "second"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(change)
    assert Tag.objects.values("start", "end", "memo", "updated").get(pk=tag.pk) == before


def test_an_empty_patch_is_a_400_and_changes_nothing(api, tag):
    before = Tag.objects.get(pk=tag.pk).updated
    assert api.patch(f"/api/tags/{tag.pk}/", {}, format="json").status_code == 400
    assert Tag.objects.get(pk=tag.pk).updated == before


def test_a_patch_of_the_memo_still_works(api, tag):
    response = api.patch(f"/api/tags/{tag.pk}/", {"memo": "second"}, format="json")
    assert response.status_code == 200
    assert response.json()["memo"] == "second"


def test_unknown_fields_in_a_new_tag_are_a_400(api, tag):
    response = api.post("/api/tags/", {"passage": tag.passage_id, "theme": "paternalism",
                                       "user": "karl"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["user"]


def test_unknown_fields_in_a_bulk_item_are_a_400_naming_the_item(api, tag):
    response = api.post("/api/tags/bulk/", {"create": [
        {"passage": tag.passage_id, "theme": "paternalism", "stat": 3},
    ]}, format="json")
    assert response.status_code == 400
    (item,) = response.json()["errors"]
    assert (item["operation"], item["index"], list(item["errors"])) == ("create", 0, ["stat"])


def test_the_schema_says_writes_take_no_other_fields(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert schema["components"]["schemas"]["PatchedTagUpdateRequest"][
        "additionalProperties"] is False


def test_a_token_name_must_be_text(researcher):
    from tests.conftest import PASSWORD

    response = token_client(None).post("/api/auth/token/", {
        "username": "rosa", "password": PASSWORD, "name": 0}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]


def test_a_bad_bom_flag_is_a_400_in_json_too(client, tag):
    assert client.get("/api/excerpts/", {"bom": "null"}).status_code == 400
