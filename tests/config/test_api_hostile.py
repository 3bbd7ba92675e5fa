"""The API under hostile and careless requests: a 400 with the error shape, never a 500,
and never an HTML page."""

from __future__ import annotations

import json

import pytest
import yaml
from django.test import override_settings
from django.urls import reverse
from openapi_spec_validator import validate

from annotations.services import tag_create
from config.middleware import MAX_URL_LENGTH

pytestmark = pytest.mark.django_db

TAG_LISTS = ["/api/tags/", "/api/excerpts/", "/api/annotations/"]


@pytest.fixture
def tag(make_passage, researcher, themes):
    passage = make_passage("The strike committee met at night.")
    return tag_create(user=researcher, passage=passage, theme=themes["collective-action"],
                      start=4, end=10).tag


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


# --- Values PostgreSQL would refuse ------------------------------------------------------


@pytest.mark.parametrize("url", TAG_LISTS)
@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59"])
def test_created_after_with_an_offset_postgres_refuses_is_a_400(client, tag, url, offset):
    response = client.get(url, {"created_after": f"2020-01-01T00:00:00{offset}"})
    body = assert_error_shape(response, 400)
    assert "created_after" in body["errors"]


@pytest.mark.parametrize("url", TAG_LISTS)
def test_created_after_with_the_widest_offset_postgres_takes_still_filters(client, tag, url):
    response = client.get(url, {"created_after": "2020-01-01T00:00:00+15:59"})
    assert response.status_code == 200


# --- Deeply nested JSON -------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("url", ["/api/auth/token/", "/api/tags/", "/api/tags/bulk/"])
@pytest.mark.parametrize("depth", [100, 950, 5000])
def test_deeply_nested_json_is_a_400(researcher, url, depth):
    from tests.api_roles import token_client

    response = token_client(researcher).post(url, nested(depth), content_type="application/json")
    body = assert_error_shape(response, 400)
    assert "nested" in body["detail"]


def test_deeply_nested_json_in_a_patch_is_a_400(researcher, tag):
    from tests.api_roles import token_client

    response = token_client(researcher).patch(
        f"/api/tags/{tag.pk}/", '{"memo": ' + nested(950) + "}", content_type="application/json"
    )
    assert_error_shape(response, 400)


def test_json_nested_a_little_is_still_read(researcher, tag):
    from tests.api_roles import token_client

    response = token_client(researcher).patch(
        f"/api/tags/{tag.pk}/", json.dumps({"memo": "fine"}), content_type="application/json"
    )
    assert response.status_code == 200


# --- The published schema ----------------------------------------------------------------


def test_the_served_schema_is_valid_openapi_every_time(client):
    # The schema is generated per request: the second must be as valid as the first.
    for _ in range(2):
        response = client.get("/api/schema/")
        assert response.status_code == 200
        validate(yaml.safe_load(response.content))


def test_page_and_page_size_bounds_are_in_the_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in schema["paths"]["/api/tags/"]["get"]["parameters"]
    }
    assert parameters["page"]["minimum"] == 1
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500}


@pytest.mark.parametrize("url", [*TAG_LISTS, "/api/passages/", "/api/themes/"])
@pytest.mark.parametrize("page", ["", "x", "0"])
def test_an_empty_or_wrong_page_is_no_page(client, tag, url, page):
    assert_error_shape(client.get(url, {"page": page}), 404)


# --- Every /api/ answer is JSON ------------------------------------------------------------


@override_settings(DEBUG=True)
def test_an_unknown_api_address_is_a_json_404_even_under_debug(client):
    assert_error_shape(client.get("/api/no-such-thing/"), 404)


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_format_is_a_json_404(client, tag, settings, debug):
    settings.DEBUG = debug
    for url in ["/api/", "/api/tags/", f"/api/tags/{tag.pk}/", "/api/excerpts/", "/api/themes/",
                "/api/annotations/", "/api/passages/", "/api/schema/", "/api/docs/"]:
        assert_error_shape(client.get(url, {"format": "xml"}), 404)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_a_json_400(researcher):
    from tests.api_roles import token_client

    response = token_client(researcher).post(
        "/api/tags/bulk/", json.dumps({"delete": list(range(1, 1000))}),
        content_type="application/json",
    )
    assert_error_shape(response, 400)


def test_a_server_error_is_json(client, monkeypatch):
    client.raise_request_exception = False

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("annotations.api.theme_list_with_counts", broken)
    response = client.get("/api/themes/")
    body = assert_error_shape(response, 500)
    assert "boom" not in body["detail"]


# --- Over-long addresses ---------------------------------------------------------------


def test_an_over_long_api_address_is_a_json_414(client):
    response = client.get("/api/tags/", {"theme": "x" * 10_000})
    body = assert_error_shape(response, 414)
    assert f"{MAX_URL_LENGTH:,}" in body["detail"]


def test_an_api_address_of_the_longest_length_is_read(client, tag):
    query = "?theme="
    theme = "x" * (MAX_URL_LENGTH - len("/api/tags/") - len(query))
    response = client.get(f"/api/tags/{query}{theme}")
    body = assert_error_shape(response, 400)
    assert list(body["errors"]) == ["theme"]


def test_an_over_long_page_address_is_a_friendly_414(client):
    response = client.get("/search/", {"q": "strike " * 2000})
    assert response.status_code == 414
    assert response["Content-Type"].startswith("text/html")
    assert b"too long" in response.content


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_api_root_exists(client):
    assert client.get(reverse("api-root")).status_code == 200
