"""One helper for every endpoint's permissions: who may read, create, edit and delete.

    clients = RoleClients(user_for_role)
    assert_role_matrix(clients, "patch", url, {"anonymous": 403, ..., "staff": 200},
                       payload={"memo": "x"})

A role's client authenticates with a token, the way scripts do. ``url`` and
``payload`` may be callables of the role, for requests that use up their object
(each role deletes a fresh tag).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from annotations.services import api_token_issue
from tests.conftest import ROLES

# Refused anonymous requests are 403, not 401: the first authentication class in
# settings (the session) sends no WWW-Authenticate challenge.
ANONYMOUS_REFUSED = 401

# The usual expectations, to spell out the exceptions against.
EVERYONE = dict.fromkeys(ROLES, 200)
LOGGED_IN = {**EVERYONE, "anonymous": ANONYMOUS_REFUSED}
NOBODY = {**dict.fromkeys(ROLES, 403), "anonymous": ANONYMOUS_REFUSED}
TAGGERS = {**NOBODY, "researcher": 201, "other_researcher": 201, "staff": 201}


_token_numbers = itertools.count(1)


def owner_or_staff(status: int) -> dict[str, int]:
    """For a tag made by the role "researcher": only they and staff may change it."""
    return {**NOBODY, "researcher": status, "staff": status}


class RoleClients:
    """An API client per role (see ``tests.conftest.ROLES``), made on first use."""

    def __init__(self, user_for_role: Callable[[str], User | None]) -> None:
        self._user_for_role = user_for_role
        self.users: dict[str, User | None] = {}
        self._clients: dict[str, APIClient] = {}

    def user(self, role: str) -> User | None:
        if role not in self.users:
            self.users[role] = self._user_for_role(role)
        return self.users[role]

    def __call__(self, role: str) -> APIClient:
        if role not in self._clients:
            self._clients[role] = token_client(self.user(role))
        return self._clients[role]


def token_key(user: User) -> str:
    """A new API token's key for the user; earlier ones keep working."""
    return api_token_issue(user=user, name=f"test client {next(_token_numbers)}").key


def token_client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_key(user)}")
    return client


def assert_role_matrix(
    client_factory: Callable[[str], APIClient],
    method: str,
    url: str | Callable[[str], str],
    expected_by_role: dict[str, int],
    payload: dict | list | Callable[[str], dict | list] | None = None,
) -> None:
    """Sends the request as every role and compares all the statuses at once."""
    assert set(expected_by_role) == set(ROLES), "name a status for every role"
    actual = {}
    for role in ROLES:
        target = url(role) if callable(url) else url
        data = payload(role) if callable(payload) else payload
        response = getattr(client_factory(role), method.lower())(target, data, format="json")
        actual[role] = response.status_code
    table = "\n".join(
        f"  {role:<17} expected {expected_by_role[role]}, got {actual[role]}"
        + ("" if actual[role] == expected_by_role[role] else "   <--")
        for role in ROLES
    )
    assert actual == expected_by_role, f"{method.upper()} {url}:\n{table}"

