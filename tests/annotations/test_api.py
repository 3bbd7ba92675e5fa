"""The annotations API: tokens, themes, tags one by one and in bulk; who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from annotations.models import Tag
from annotations.services import tag_create
from annotations.theme_services import theme_update
from tests.api_roles import (
    EVERYONE,
    LOGGED_IN,
    NOBODY,
    TAGGERS,
    RoleClients,
    assert_role_matrix,
    owner_or_staff,
    token_client,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TEXT = "The strike committee met at night; the director promised flats to loyal workers."


@pytest.fixture
def clients(user_for_role) -> RoleClients:
    return RoleClients(user_for_role)


@pytest.fixture
def passage(make_passage):
    return make_passage(TEXT, source_slug="crowley-test")


@pytest.fixture
def make_tag(clients, passage, themes):
    """A tag by the role matrix's researcher, on a span no other call uses."""
    offsets = iter(range(len(TEXT) - 1))

    def make(**kwargs) -> Tag:
        start = next(offsets)
        arguments = {"passage": passage, "theme": themes["collective-action"],
                     "start": start, "end": start + 1, **kwargs}
        return tag_create(user=clients.user("researcher"), **arguments).tag

    return make


# --- Who may do what, endpoint by endpoint ----------------------------------------------


# Codebook editors may PATCH a theme (tests/annotations/test_codebook_api.py), never
# create or delete one through the API.
CODEBOOK_EDITORS_NOT_ALLOWED = {**NOBODY, "researcher": 405, "other_researcher": 405,
                                "staff": 405}


@pytest.mark.parametrize(
    ("url", "writes"),
    [("/api/themes/", NOBODY), ("/api/themes/paternalism/", CODEBOOK_EDITORS_NOT_ALLOWED)],
)
def test_themes_are_not_created_or_deleted(clients, url, writes):
    assert_role_matrix(clients, "get", url, EVERYONE)
    assert_role_matrix(clients, "post", url, writes, payload={"name": "x"})
    assert_role_matrix(clients, "delete", url, writes)
    with override_settings(PUBLIC_READ=False):
        assert_role_matrix(clients, "get", url, LOGGED_IN)


def test_tag_list_roles(clients, make_tag, passage):
    make_tag()
    assert_role_matrix(clients, "get", "/api/tags/", EVERYONE)
    payload = {"passage": passage.pk, "theme": "paternalism"}
    assert_role_matrix(clients, "post", "/api/tags/", TAGGERS, payload=payload)
    with override_settings(PUBLIC_READ=False):
        assert_role_matrix(clients, "get", "/api/tags/", LOGGED_IN)


def test_tag_detail_roles(clients, make_tag):
    url = f"/api/tags/{make_tag().pk}/"
    assert_role_matrix(clients, "get", url, EVERYONE)
    assert_role_matrix(clients, "patch", url, owner_or_staff(200), payload={"memo": "why"})
    assert_role_matrix(clients, "put", url,
                       {**TAGGERS, "researcher": 405, "other_researcher": 405, "staff": 405},
                       payload={"memo": "why"})
    assert_role_matrix(clients, "delete", lambda role: f"/api/tags/{make_tag().pk}/",
                       owner_or_staff(204))
    with override_settings(PUBLIC_READ=False):
        assert_role_matrix(clients, "get", url, LOGGED_IN)


def test_tag_bulk_roles(clients, make_tag, passage):
    create = {"create": [{"passage": passage.pk, "theme": "workerism"}]}
    assert_role_matrix(clients, "post", "/api/tags/bulk/", TAGGERS, payload=create)
    assert_role_matrix(clients, "post", "/api/tags/bulk/", owner_or_staff(200),
                       payload=lambda role: {"delete": [make_tag().pk]})
    assert_role_matrix(clients, "get", "/api/tags/bulk/",
                       {**TAGGERS, "researcher": 405, "other_researcher": 405, "staff": 405})


@pytest.mark.parametrize("url", ["/api/excerpts/", "/api/excerpts/?format=csv",
                                 "/api/annotations/", "annotation-detail"])
def test_exports_are_read_only(clients, make_tag, url):
    if url == "annotation-detail":
        url = f"/api/annotations/{make_tag().pk}/"
    make_tag()
    assert_role_matrix(clients, "get", url, EVERYONE)
    assert_role_matrix(clients, "post", url, NOBODY, payload={})
    with override_settings(PUBLIC_READ=False):
        assert_role_matrix(clients, "get", url, LOGGED_IN)


# --- Tokens and sessions ----------------------------------------------------------------


def test_token_for_username_and_password(researcher):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "rosa", "password": PASSWORD},
                           format="json")
    assert response.status_code == 201
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/tags/").status_code == 200


def test_wrong_password_is_a_clear_400(researcher):
    response = APIClient().post("/api/auth/token/", {"username": "rosa", "password": "nope"},
                                format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Unable to log in with provided credentials."


def test_invalid_token_is_refused(passage):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.get("/api/tags/")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Invalid token."}


def test_session_writes_need_the_csrf_token(researcher, passage):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(researcher)
    payload = {"passage": passage.pk, "theme": "paternalism"}
    refused = client.post("/api/tags/", payload, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get("/accounts/login/")  # sets the csrftoken cookie
    accepted = client.post("/api/tags/", payload, format="json",
                           HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert accepted.status_code == 201


def test_requests_are_throttled(monkeypatch, researcher):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "3/min"})
    anonymous, logged_in = APIClient(), token_client(researcher)
    assert [anonymous.get("/api/themes/").status_code for _ in range(3)] == [200, 200, 429]
    assert [logged_in.get("/api/themes/").status_code for _ in range(4)] == [200] * 3 + [429]
    response = anonymous.get("/api/themes/")
    assert response["Retry-After"]
    assert response.json()["detail"].startswith("Request was throttled.")
    cache.clear()


# --- Themes -------------------------------------------------------------------------------


def test_themes_with_counts(clients, make_tag, make_passage, themes, client,
                            django_assert_num_queries):
    make_tag()
    make_tag(memo="second span")
    other = make_passage("Another source's passage.", source_slug="kotkin-test")
    tag_create(user=clients.user("staff"), passage=other, theme=themes["collective-action"])
    with django_assert_num_queries(2):  # count, page
        response = client.get("/api/themes/")
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert list(rows) == list(themes)
    assert rows["collective-action"]["counts"] == {
        "tags": 3, "passages": 2, "sources": 2, "taggers": 2,
    }
    assert rows["workerism"]["counts"]["tags"] == 0
    with django_assert_num_queries(2):  # the theme, its counts by source
        detail = client.get("/api/themes/collective-action/").json()
    assert detail["by_source"] == [
        {"source": "crowley-test", "tags": 2, "passages": 1},
        {"source": "kotkin-test", "tags": 1, "passages": 1},
    ]
    assert client.get("/api/themes/nope/").status_code == 404


# --- Tags ---------------------------------------------------------------------------------


def test_create_is_idempotent(clients, passage):
    client = clients("researcher")
    payload = {"passage": passage.pk, "theme": "collective-action", "start": 4, "end": 20,
               "memo": "the committee"}
    first = client.post("/api/tags/", payload, format="json")
    assert first.status_code == 201
    again = client.post("/api/tags/", payload, format="json")
    assert again.status_code == 200
    assert again.json() == first.json()
    body = first.json()
    assert body["quote"] == TEXT[4:20]
    assert body["user"] == "researcher-user"
    assert body["theme"] == "collective-action"
    assert body["source"] == "crowley-test"
    assert body["url"] == f"http://testserver/api/tags/{body['id']}/"
    assert set(body) == {"id", "url", "passage", "source", "theme", "user", "start", "end",
                         "quote", "memo", "created", "updated", "is_example"}


def test_whole_passage_tag_quotes_the_passage(clients, passage):
    response = clients("researcher").post(
        "/api/tags/", {"passage": passage.pk, "theme": "paternalism"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["start"], response.json()["end"]) == (None, None)
    assert response.json()["quote"] == TEXT


def test_a_former_slug_still_names_its_theme(clients, passage, themes, researcher):
    theme_update(user=researcher, theme=themes["paternalism"], slug="paternalist-ties")
    response = clients("researcher").post(
        "/api/tags/", {"passage": passage.pk, "theme": "paternalism"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["theme"] == "paternalist-ties"
    refused = clients("researcher").post(
        "/api/tags/", {"passage": passage.pk, "theme": "paternalist"}, format="json"
    )
    assert refused.json()["errors"] == {"theme": ["No theme with slug “paternalist”."]}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"theme": "no-such-theme"}, "theme"),
        ({"theme": "bad slug\x00"}, "theme"),
        ({"passage": 10**20}, "passage"),
        ({"passage": "abc"}, "passage"),
        ({"start": 5}, "end"),
        ({"start": 5, "end": 10_000}, "end"),
        ({"start": -1, "end": 3}, "start"),
        ({"memo": "x" * 10_001}, "memo"),
    ],
)
def test_invalid_tags_are_a_400_naming_the_field(clients, passage, payload, field):
    body = {"passage": passage.pk, "theme": "paternalism", **payload}
    response = clients("researcher").post("/api/tags/", body, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == [field]
    assert response.json()["detail"].startswith(f"{field}: ")
    assert not Tag.objects.exists()


def test_patch_changes_memo_and_theme(clients, make_tag):
    tag = make_tag()
    client = clients("researcher")
    response = client.patch(f"/api/tags/{tag.pk}/", {"memo": "a strike", "theme": "workerism"},
                            format="json")
    assert response.status_code == 200
    assert (response.json()["memo"], response.json()["theme"]) == ("a strike", "workerism")
    tag.refresh_from_db()
    assert (tag.memo, tag.theme.slug) == ("a strike", "workerism")
    unknown = client.patch(f"/api/tags/{tag.pk}/", {"theme": "nope"}, format="json")
    assert unknown.status_code == 400 and "theme" in unknown.json()["errors"]


def test_patch_into_a_duplicate_is_a_400(clients, make_tag, themes):
    tag = make_tag()
    make_tag(start=tag.start, end=tag.end, theme=themes["paternalism"])
    response = clients("researcher").patch(f"/api/tags/{tag.pk}/", {"theme": "paternalism"},
                                           format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"theme": ["You already tagged this with that theme."]}


def test_delete(clients, make_tag):
    tag = make_tag()
    assert clients("researcher").delete(f"/api/tags/{tag.pk}/").status_code == 204
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert clients("researcher").get(f"/api/tags/{tag.pk}/").json() == {
        "detail": "No Tag matches the given query."
    }


def test_filters(clients, make_tag, make_passage, themes, client):
    old = make_tag()
    Tag.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=30))
    span = make_tag(theme=themes["paternalism"])
    other_passage = make_passage("Elsewhere.", source_slug="other-test")
    by_staff = tag_create(user=clients.user("staff"), passage=other_passage,
                          theme=themes["paternalism"]).tag

    def ids(**params) -> list[int]:
        response = client.get("/api/tags/", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(theme="paternalism") == [span.pk, by_staff.pk]
    assert ids(source="other-test") == [by_staff.pk]
    assert ids(passage=span.passage_id) == [old.pk, span.pk]
    assert ids(section=other_passage.section_id) == [by_staff.pk]
    assert ids(user="researcher-user", theme="paternalism") == [span.pk]
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    assert ids(created_after=week_ago) == [span.pk, by_staff.pk]


@pytest.mark.parametrize(
    ("parameter", "value", "message"),
    [
        ("theme", "nope", "No theme with slug “nope”."),
        ("source", "nope", "No source with slug “nope”."),
        ("user", "nobody", "No user with username “nobody”."),
        ("passage", "999999", "No passage with id “999999”."),
        ("section", "x", "No section with id “x”."),
        ("created_after", "yesterday", "Enter a valid date/time."),
    ],
)
def test_unknown_filter_values_are_a_400_naming_the_parameter(client, parameter, value,
                                                               message):
    for url in ("/api/tags/", "/api/excerpts/", "/api/annotations/"):
        response = client.get(url, {parameter: value})
        assert response.status_code == 400
        assert response.json() == {"detail": f"{parameter}: {message}",
                                   "errors": {parameter: [message]}}


def test_tag_list_queries_do_not_grow_with_tags(clients, make_tag, client,
                                                django_assert_num_queries):
    for _ in range(20):
        make_tag()
    with django_assert_num_queries(3):  # the theme filter, count, page
        response = client.get("/api/tags/", {"theme": "collective-action", "page_size": 500})
    assert response.json()["count"] == 20


def test_page_size_and_page_are_bounded(clients, make_tag, client):
    make_tag()
    assert client.get("/api/tags/", {"page_size": 10_000}).status_code == 400
    assert client.get("/api/tags/", {"page": 99}).status_code == 404


# --- Bulk -----------------------------------------------------------------------------------


def test_bulk_creates_and_deletes_together(clients, make_tag, passage):
    doomed = make_tag()
    existing = make_tag()
    client = clients("researcher")
    response = client.post("/api/tags/bulk/", {
        "create": [
            {"passage": passage.pk, "theme": "workerism"},
            {"passage": passage.pk, "theme": existing.theme.slug, "start": existing.start,
             "end": existing.end},
        ],
        "delete": [doomed.pk],
    }, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 1
    assert [tag["theme"] for tag in body["tags"]] == ["workerism", "collective-action"]
    assert body["tags"][1]["id"] == existing.pk
    assert body["deleted"] == [doomed.pk]
    assert not Tag.objects.filter(pk=doomed.pk).exists()


def test_bulk_is_all_or_nothing_with_errors_per_item(clients, make_tag, passage):
    doomed = make_tag()
    response = clients("researcher").post("/api/tags/bulk/", {
        "create": [
            {"passage": passage.pk, "theme": "workerism"},
            {"passage": passage.pk, "theme": "workerism", "start": 3, "end": 10_000},
        ],
        "delete": [doomed.pk, 10**9],
    }, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Nothing was changed: 2 item(s) refused.",
        "errors": [
            {"operation": "create", "index": 1, "errors": {
                "end": [f"A span needs 0 <= start < end <= {len(TEXT)} (the passage length)."]
            }},
            {"operation": "delete", "index": 1, "errors": {"id": [f"There is no tag {10**9}."]}},
        ],
    }
    assert list(Tag.objects.values_list("pk", flat=True)) == [doomed.pk]


def test_bulk_validation_errors_name_the_items(clients, passage):
    response = clients("researcher").post("/api/tags/bulk/", {
        "create": [{"passage": passage.pk, "theme": "workerism"}, {"theme": "nope"}],
        "delete": [1, "x"],
    }, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(item["operation"], item["index"]) for item in errors] == [
        ("create", 1), ("delete", 1),
    ]
    assert set(errors[0]["errors"]) == {"passage", "theme"}
    malformed = clients("researcher").post("/api/tags/bulk/", {"create": "x"}, format="json")
    assert malformed.status_code == 400 and "create" in malformed.json()["errors"]
    assert not Tag.objects.exists()


def test_bulk_refuses_deleting_others_tags(clients, make_tag, passage):
    theirs = make_tag()
    response = clients("other_researcher").post("/api/tags/bulk/", {
        "create": [{"passage": passage.pk, "theme": "workerism"}],
        "delete": [theirs.pk],
    }, format="json")
    assert response.status_code == 403
    assert response.json()["errors"] == [
        {"operation": "delete", "index": 0,
         "errors": {"non_field_errors": ["You may only delete your own tags."]}},
    ]
    assert list(Tag.objects.values_list("pk", flat=True)) == [theirs.pk]
