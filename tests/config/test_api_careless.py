"""Careless requests fail loudly: unknown or repeated query parameters and fields a write
may not send are 400s naming them; a body that is not JSON is a 415."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import yaml

from annotations.models import Tag, Theme
from annotations.services import tag_create
from config.api_query import query_parameters
from tests.api_roles import token_client
from tests.conftest import PASSWORD

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


def test_an_empty_format_is_the_default_one_as_the_schema_says(client, tag):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path in ["/api/excerpts/", "/api/annotations/", "/api/cooccurrence/"]:
        (parameter,) = [parameter for parameter in schema["paths"][path]["get"]["parameters"]
                        if parameter["name"] == "format"]
        assert parameter["allowEmptyValue"] is True, path
        response = client.get(path, {"format": ""})
        assert response.status_code == 200, path
        assert response["Content-Type"] == client.get(path)["Content-Type"], path


@pytest.mark.parametrize("path", ["/api/passages/", "/api/kwic/"])
def test_an_empty_search_filter_is_no_filter_as_the_schema_says(client, tag, path):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    empty = [parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]
             if parameter.get("allowEmptyValue")]
    assert {"kind", "glossary", "theme", "source", "section"} <= set(empty)
    unfiltered = client.get(path, {"q": "strike"}).json()
    response = client.get(path, {"q": "strike", **{name: "" for name in empty}})
    assert response.status_code == 200
    assert response.json() == unfiltered


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


@pytest.mark.parametrize("memo", [0, 1.5, True, ["a"], {"a": 1}])
def test_text_fields_take_only_text(api, tag, themes, memo):
    created = api.post("/api/tags/", {"passage": tag.passage_id, "theme": "paternalism",
                                      "memo": memo}, format="json")
    assert created.status_code == 400
    assert list(created.json()["errors"]) == ["memo"]
    changed = api.patch(f"/api/tags/{tag.pk}/", {"memo": memo}, format="json")
    assert changed.status_code == 400
    theme = api.patch("/api/themes/paternalism/", {"exclusion": memo}, format="json")
    assert list(theme.json()["errors"]) == ["exclusion"]
    tag.refresh_from_db()
    assert tag.memo == "first"
    assert themes["paternalism"].exclusion == Theme.objects.get(slug="paternalism").exclusion


def test_a_token_name_must_be_text(researcher):
    response = token_client(None).post("/api/auth/token/", {
        "username": "rosa", "password": PASSWORD, "name": 0}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]


def test_a_bad_bom_flag_is_a_400_in_json_too(client, tag):
    assert client.get("/api/excerpts/", {"bom": "null"}).status_code == 400


# --- Repeated query parameters -----------------------------------------------------------


@pytest.mark.parametrize(("url", "name", "values"), [
    ("/api/tags/", "page_size", ["10", "500"]),
    ("/api/tags/", "page", ["1", "2"]),
    ("/api/excerpts/", "theme_match", ["any", "all"]),
    ("/api/annotations/", "created_after", ["2020-01-01", "2030-01-01"]),
    ("/api/passages/", "q", ["strike", "night"]),
    ("/api/tags/", "format", ["json", "api"]),
])
def test_a_repeated_single_valued_parameter_is_a_400_naming_it(client, tag, url, name, values):
    response = client.get(url, {name: values, "theme": "collective-action"})
    assert response.status_code == 400
    body = response.json()
    assert name in body["detail"]
    assert list(body["errors"]) == [name]


def test_every_operation_refuses_each_of_its_parameters_repeated(client, api, tag):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path, operations in schema["paths"].items():
        url = path.replace("{id}", str(tag.pk)).replace("{slug}", "crowley")
        for method, operation in operations.items():
            single_valued = [name for name, repeats in query_parameters(operation).items()
                             if not repeats]
            for name in single_valued:
                response = getattr(api, method)(f"{url}?{name}=1&{name}=1", {}, format="json")
                assert response.status_code == 400, f"{method.upper()} {path} {name}"
                assert list(response.json()["errors"]) == [name], f"{method.upper()} {path}"


def test_an_array_parameter_may_repeat(client, tag):
    assert client.get("/api/cooccurrence/", {"coders": ["rosa", "rosa"]}).status_code == 200


def test_how_the_schema_says_a_parameter_may_repeat():
    array = {"type": "array", "items": {"type": "integer"}}
    operation = {"parameters": [
        {"in": "query", "name": "ids", "schema": array},
        {"in": "query", "name": "csv", "schema": array, "explode": False},
        {"in": "query", "name": "pipes", "schema": array, "style": "pipeDelimited"},
        {"in": "query", "name": "one", "schema": {"type": "string"}},
        {"in": "path", "name": "id", "schema": {"type": "integer"}},
    ]}
    assert query_parameters(operation) == {"ids": True, "csv": False, "pipes": False,
                                           "one": False}


# --- Bodies are JSON ---------------------------------------------------------------------


@pytest.mark.parametrize(("body", "content_type"), [
    ("theme=&memo=second", "application/x-www-form-urlencoded"),
    ("theme=workerism", "application/x-www-form-urlencoded"),
    ("theme=workerism", "text/plain"),
    (None, "multipart"),
])
def test_a_write_that_is_not_json_is_a_415_and_changes_nothing(api, tag, body, content_type):
    before = Tag.objects.values("theme", "memo", "updated").get(pk=tag.pk)
    url = f"/api/tags/{tag.pk}/"
    if body is None:
        response = api.patch(url, {"theme": "", "memo": "second"}, format="multipart")
    else:
        response = api.patch(url, body, content_type=content_type)
    assert response.status_code == 415
    assert response["Content-Type"].startswith("application/json")
    assert "application/json" in response.json()["detail"]
    assert Tag.objects.values("theme", "memo", "updated").get(pk=tag.pk) == before


def test_a_new_tag_sent_as_a_form_is_a_415(api, tag):
    response = api.post("/api/tags/", urlencode({"passage": tag.passage_id, "theme": ""}),
                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert set(response.json()) == {"detail"}


def test_the_schema_takes_json_bodies_and_a_form_only_for_a_token(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    bodies = {
        (path, method): list(operation["requestBody"]["content"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    token = ("/api/auth/token/", "post")
    assert bodies.pop(token) == ["application/json", "application/x-www-form-urlencoded"]
    assert bodies and set(map(tuple, bodies.values())) == {("application/json",)}


def ask_for_token_with_a_form(fields: list[tuple[str, str]]):
    return token_client(None).post("/api/auth/token/", urlencode(fields),
                                   content_type="application/x-www-form-urlencoded")


def test_a_token_may_be_asked_for_with_a_form_as_curl_sends_it(researcher):
    response = ask_for_token_with_a_form(
        [("username", "rosa"), ("password", PASSWORD), ("name", "curl")])
    assert response.status_code == 201
    assert response.json()["name"] == "curl"


@pytest.mark.parametrize("name", [[""], ["curl", "laptop"]])
def test_a_form_is_read_as_strictly_as_json(researcher, name):
    response = ask_for_token_with_a_form(
        [("username", "rosa"), ("password", PASSWORD), *(("name", value) for value in name)])
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]
