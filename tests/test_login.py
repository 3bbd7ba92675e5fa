import pytest
from django.core.cache import cache

from config.access import LOGIN_FAILURES_ALLOWED
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_researcher_logs_in(client, researcher):
    response = client.post("/accounts/login/", {"username": "rosa", "password": PASSWORD})
    assert response.status_code == 302


def test_repeated_failed_logins_are_refused_for_a_while(client, researcher):
    for _ in range(LOGIN_FAILURES_ALLOWED):
        response = client.post("/accounts/login/", {"username": "rosa", "password": "guess"})
        assert response.status_code == 200
        assert "did not match" in response.content.decode()

    response = client.post("/accounts/login/", {"username": "rosa", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
