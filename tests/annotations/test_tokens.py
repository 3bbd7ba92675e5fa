"""Named API tokens: several per user, stored as digests, listed and revoked by their owner."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotations.models import ApiToken
from annotations.services import API_TOKENS_PER_USER, api_token_issue
from tests.api_roles import (
    LOGGED_IN,
    RoleClients,
    assert_role_matrix,
    token_client,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def get_token(*, name: str | None = None, username: str = "rosa") -> str:
    data = {"username": username, "password": PASSWORD}
    if name is not None:
        data["name"] = name
    response = APIClient().post("/api/auth/token/", data, format="json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


def can_read_tags(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/tags/").status_code == 200


def test_a_user_holds_several_named_tokens(researcher):
    laptop, server = get_token(name="laptop"), get_token(name="server")
    assert laptop != server
    assert can_read_tags(laptop) and can_read_tags(server)
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["server", "laptop"]


def test_only_a_digest_of_the_key_is_stored(researcher):
    key = get_token()
    stored = ApiToken.objects.get(user=researcher)
    assert key not in {stored.key_digest, stored.key_prefix}
    assert key.startswith(stored.key_prefix)


def test_asking_again_for_a_name_replaces_its_token(researcher):
    first = get_token()
    second = get_token()
    assert not can_read_tags(first)
    assert can_read_tags(second)
    assert ApiToken.objects.filter(user=researcher).count() == 1


def test_tokens_per_user_are_limited(researcher):
    for number in range(API_TOKENS_PER_USER):
        api_token_issue(user=researcher, name=f"script {number}")
    response = APIClient().post(
        "/api/auth/token/", {"username": "rosa", "password": PASSWORD, "name": "one more"},
        format="json",
    )
    assert response.status_code == 400
    assert "revoke one" in response.json()["errors"]["name"][0]


def test_users_list_their_own_tokens_only(researcher, other_researcher, django_assert_num_queries):
    api_token_issue(user=other_researcher, name="karl's")
    client = token_client(researcher)
    get_token(name="laptop")
    with django_assert_num_queries(4):  # the token, its last use, count, page
        rows = client.get("/api/auth/tokens/").json()["results"]
    assert [row["name"] for row in rows] == ["laptop", rows[1]["name"]]
    assert set(rows[0]) == {"id", "name", "key_prefix", "created", "last_used"}
    assert rows[1]["last_used"] is not None


def test_a_user_revokes_a_token_and_it_stops_working(researcher):
    key = get_token(name="laptop")
    token = ApiToken.objects.get(name="laptop")
    client = token_client(researcher)
    assert client.delete(f"/api/auth/tokens/{token.pk}/").status_code == 204
    assert not can_read_tags(key)
    assert client.delete(f"/api/auth/tokens/{token.pk}/").status_code == 404


def test_no_one_revokes_another_users_token(researcher, other_researcher, staff_user):
    token = api_token_issue(user=researcher, name="laptop").token
    for user in (other_researcher, staff_user):
        assert token_client(user).delete(f"/api/auth/tokens/{token.pk}/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_who_may_list_tokens(user_for_role):
    assert_role_matrix(RoleClients(user_for_role), "get", "/api/auth/tokens/", LOGGED_IN)


def test_an_inactive_users_token_is_refused(researcher):
    key = get_token()
    researcher.is_active = False
    researcher.save()
    assert not can_read_tags(key)


def test_unknown_fields_in_a_token_request_are_a_400(researcher):
    response = APIClient().post("/api/auth/token/", {
        "username": "rosa", "password": PASSWORD, "expires": "never"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["expires"]


# --- The page ---------------------------------------------------------------------------


def test_the_tokens_page_lists_makes_and_revokes(client, researcher, django_assert_num_queries):
    api_token_issue(user=researcher, name="laptop")
    client.force_login(researcher)
    url = reverse("annotations:token-list")
    page = client.get(url)
    assert page.status_code == 200
    assert "laptop" in page.content.decode()

    made = client.post(url, {"name": "server"})
    assert made.status_code == 200
    key = made.context["issued"].key
    assert key in made.content.decode()
    assert can_read_tags(key)

    token = ApiToken.objects.get(name="server")
    revoked = client.post(reverse("annotations:token-revoke", args=[token.pk]))
    assert revoked.status_code == 302
    assert not can_read_tags(key)


def test_the_tokens_page_needs_a_login(client):
    response = client.get(reverse("annotations:token-list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_revokes_only_your_own_tokens(client, researcher, other_researcher):
    token = api_token_issue(user=other_researcher, name="karl's").token
    client.force_login(researcher)
    assert client.post(reverse("annotations:token-revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_staff_see_and_revoke_tokens_in_the_admin(client, researcher, make_user):
    admin_user = make_user("admin", role="staff")
    admin_user.is_superuser = True
    admin_user.save()
    token = api_token_issue(user=researcher, name="laptop").token
    client.force_login(admin_user)
    listing = client.get("/admin/annotations/apitoken/")
    assert listing.status_code == 200
    assert "laptop" in listing.content.decode()
    assert token.key_digest not in listing.content.decode()
    assert client.get("/admin/annotations/apitoken/add/").status_code == 403
    client.post(f"/admin/annotations/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert not ApiToken.objects.filter(pk=token.pk).exists()
