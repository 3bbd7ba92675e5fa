"""Production settings: secrets from the environment, a clean ``check --deploy``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A server that is never contacted: these commands do not open a connection.
UNUSED_DATABASE = "postgres://corpus:secret@127.0.0.1:9/corpus"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("DJANGO_")}
    environment.update(DATABASE_URL=UNUSED_DATABASE, **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k3y-" + "q7Zr9xW2pL5vN8bT" * 4,
    "DJANGO_ALLOWED_HOSTS": "corpus.example.org",
}


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    settings = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage("check", **settings)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_ignores_a_debug_flag():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                    DJANGO_DEBUG="1", **PRODUCTION)
    assert result.stdout.strip().endswith("False"), result.stderr
