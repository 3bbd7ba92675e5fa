"""``adduser`` and ``demo_user``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from annotations.roles import user_can_tag

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase"


def _run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.parametrize(("role", "can_tag"), [("researcher", True), ("student", False)])
def test_adduser_from_environment(monkeypatch, role, can_tag):
    monkeypatch.setenv("NEW_PASSWORD", PASSWORD)
    output = _run("adduser", "anna", "--role", role, "--password-env", "NEW_PASSWORD")
    assert f"Created {role} 'anna'." in output
    user = User.objects.get(username="anna")
    assert user.check_password(PASSWORD)
    assert user_can_tag(user=user) is can_tag
    assert not user.is_staff


def test_adduser_prompts_for_the_password(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    _run("adduser", "boris", "--role", "student")
    assert User.objects.get(username="boris").check_password(PASSWORD)


def test_adduser_refuses_differing_passwords(monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="differ"):
        _run("adduser", "boris", "--role", "student")
    assert not User.objects.filter(username="boris").exists()


def test_adduser_refuses_an_existing_user(monkeypatch, researcher):
    monkeypatch.setenv("NEW_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="A user named 'rosa' already exists."):
        _run("adduser", "rosa", "--role", "student", "--password-env", "NEW_PASSWORD")


def test_adduser_refuses_a_missing_environment_variable(monkeypatch):
    monkeypatch.delenv("NO_SUCH_VARIABLE", raising=False)
    with pytest.raises(CommandError, match="NO_SUCH_VARIABLE is not set"):
        _run("adduser", "anna", "--role", "researcher", "--password-env", "NO_SUCH_VARIABLE")
    assert not User.objects.filter(username="anna").exists()


def test_adduser_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        _run("adduser", "anna", "--role", "researcher", "--password-env", "NEW_PASSWORD")


def test_adduser_rejects_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        _run("adduser", "anna", "--role", "admin")


@pytest.fixture
def demo_password_file(tmp_path, monkeypatch):
    path = tmp_path / "demo-password"
    monkeypatch.setattr("annotations.management.commands.demo_user.PASSWORD_FILE", path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return path


@override_settings(DEBUG=True)
def test_demo_user_is_created_idempotently_with_debug(demo_password_file):
    first = _run("demo_user")
    assert "username 'demo'" in first
    password = first.split("password '")[1].split("'")[0]
    second = _run("demo_user")
    assert password in second
    user = User.objects.get(username="demo")
    assert user.check_password(password)
    assert user_can_tag(user=user)
    assert User.objects.count() == 1
    assert demo_password_file.read_text().strip() == password
    assert demo_password_file.stat().st_mode & 0o777 == 0o600


@override_settings(DEBUG=True)
def test_demo_user_stays_out_of_a_configured_database(demo_password_file, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://shared.example.org/corpus")
    assert "no demo user was created" in _run("demo_user")
    assert not User.objects.exists()


@override_settings(DEBUG=False)
def test_demo_user_does_nothing_without_debug():
    assert "no demo user was created" in _run("demo_user")
    assert not User.objects.exists()
