"""Limits on requests hold: clients cannot pick their own address, the token endpoint is
limited per address and per username, the login form per username and address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config import access
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts() -> None:
    """Throttle and lockout counts live in the cache, which outlives a test: start afresh."""
    cache.clear()


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**rates: str) -> None:
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {
            "anon": None, "user": None, **rates,
        })

    return set_rates


def themes_status(*, forwarded: str, address: str = "10.0.0.1") -> int:
    return APIClient().get(
        "/api/themes/", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded
    ).status_code


def test_a_forwarded_for_header_is_ignored_by_default(rates):
    rates(anon="2/min")
    statuses = [themes_status(forwarded=f"203.0.113.{number}") for number in range(3)]
    assert statuses == [200, 200, 429]


@override_settings(NUM_PROXIES=1)
def test_behind_one_proxy_the_address_it_saw_counts(rates):
    rates(anon="2/min")
    # The proxy appends the address it saw; anything left of it the client wrote itself.
    spoofed = [themes_status(forwarded=f"198.51.100.{n}, 203.0.113.7") for n in range(3)]
    assert spoofed == [200, 200, 429]
    assert themes_status(forwarded="203.0.113.8") == 200


def token_status(*, username: str, address: str) -> int:
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": "wrong"}, format="json",
        REMOTE_ADDR=address,
    ).status_code


def test_token_requests_are_limited_per_username_from_any_address(rates, researcher):
    rates(token_username="2/min")
    statuses = [token_status(username="rosa", address=f"10.0.0.{n}") for n in range(3)]
    assert statuses == [400, 400, 429]
    assert token_status(username="karl", address="10.0.0.9") == 400
    # The same name in another case or with spaces is the same account.
    assert token_status(username=" ROSA ", address="10.0.0.10") == 429


def test_token_requests_are_limited_per_address(rates, researcher):
    rates(token="2/min")
    statuses = [token_status(username=f"user{n}", address="10.0.0.1") for n in range(3)]
    assert statuses == [400, 400, 429]
    assert token_status(username="rosa", address="10.0.0.2") == 400


def test_the_default_token_rates_are_what_a_small_machine_can_hash(settings):
    from rest_framework.settings import api_settings

    per_minute = {
        scope: int(rate.split("/")[0])
        for scope, rate in api_settings.DEFAULT_THROTTLE_RATES.items()
        if scope.startswith("token")
    }
    # At about 0.6 s of hashing per attempt, 100 a minute is a core's whole minute.
    assert per_minute and all(rate <= 30 for rate in per_minute.values())


def login(client, *, username: str, password: str = "guess", address: str) -> int:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    ).status_code


def test_the_login_lockout_is_per_username_and_address(client, researcher, other_researcher):
    for _ in range(access.LOGIN_FAILURES_ALLOWED):
        assert login(client, username="rosa", address="10.0.0.1") == 200
    assert login(client, username="rosa", password=PASSWORD, address="10.0.0.1") == 429
    # Someone else behind the same address, and rosa from elsewhere, are not locked out.
    assert login(client, username="karl", password=PASSWORD, address="10.0.0.1") == 302
    client.logout()
    assert login(client, username="rosa", password=PASSWORD, address="10.0.0.2") == 302


def test_one_address_cannot_try_every_username(client, researcher, monkeypatch):
    monkeypatch.setattr(access, "ADDRESS_LOGIN_FAILURES_ALLOWED", 3)
    for number in range(3):
        assert login(client, username=f"user{number}", address="10.0.0.1") == 200
    assert login(client, username="rosa", password=PASSWORD, address="10.0.0.1") == 429


@override_settings(NUM_PROXIES=1)
def test_the_login_lockout_uses_the_address_the_proxy_saw(client, researcher):
    for number in range(access.LOGIN_FAILURES_ALLOWED):
        client.post("/accounts/login/", {"username": "rosa", "password": "guess"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 203.0.113.7")
    response = client.post("/accounts/login/", {"username": "rosa", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 429
