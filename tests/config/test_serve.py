"""`make serve`'s environment: production settings over plain HTTP, on loopback only."""

import runpy

from django.conf import settings

from config.middleware import MAX_URL_LENGTH
from tests.test_security import PRODUCTION, manage

LOOPBACK = {**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_LOOPBACK_HTTP": "1"}


def test_check_deploy_is_clean_for_loopback_serving():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **LOOPBACK)
    assert result.returncode == 0, result.stderr


def test_plain_http_is_refused_for_a_public_host():
    result = manage("check", **{**LOOPBACK, "DJANGO_ALLOWED_HOSTS": "corpus.example.org"})
    assert result.returncode != 0
    assert "DJANGO_LOOPBACK_HTTP" in result.stderr


def test_loopback_serving_turns_off_only_the_https_settings():
    script = ("from django.conf import settings; "
              "print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE)")
    result = manage("shell", "-c", script, **LOOPBACK)
    assert result.stdout.split()[-3:] == ["False", "False", "False"], result.stderr


def test_gunicorn_leaves_long_addresses_to_the_app():
    # Its own limit would answer an HTML 414 before the app could answer the API's JSON one.
    gunicorn = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.py"))
    request_line = len("OPTIONS ") + MAX_URL_LENGTH + len(" HTTP/1.1\r\n")
    assert 0 < request_line <= gunicorn["limit_request_line"] <= 8190
