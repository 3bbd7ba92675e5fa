"""Fixtures shared by every app's tests: users by role, hand-made passages, a browser."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.db.models import QuerySet
from psycopg import sql
from rest_framework.throttling import SimpleRateThrottle

from annotations.models import RESEARCHERS_GROUP, STUDENTS_GROUP, Theme
from corpus.ingest.manifest import manifest_load
from corpus.ingest.pipeline import (
    ParsedSource,
    corpus_vocabulary,
    file_read,
    nlp_load,
    source_parse,
)
from corpus.models import Passage, Section, Source
from corpus.services import parsed_source_store
from tests.annotations.codebook_data import CodebookData, codebook_data_create

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made
# from that thread (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct horse battery staple"

ROLES = ("anonymous", "student", "researcher", "other_researcher", "staff")


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch) -> None:
    """Turns the API's request throttles off (their counts outlive a test in the cache).

    A test of throttling sets its own rates the same way.
    """
    # DRF reads the rates once, at import: overriding the setting would not reach them.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def roles_and_codebook(request) -> None:
    """Makes sure what the migrations put in the database is there for every DB test.

    The flush after a transactional test (live server, browser) deletes the groups and
    the codebook for every later test, and ``serialized_rollback`` cannot help:
    Playwright's sync API runs tests in a greenlet, where Django sees a connection
    without the snapshot. Re-creating them (get-or-create) costs a few queries.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is not None and marker.kwargs.get("transaction", False):
        request.getfixturevalue("transactional_db")
    elif {"transactional_db", "live_server"} & names:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    importlib.import_module(
        "annotations.migrations.0003_roles_and_codebook"
    ).create_roles_and_themes(apps, None)
    importlib.import_module(
        "annotations.migrations.0004_researchers_edit_codebook"
    ).researchers_may_edit_codebook(apps, None)


@pytest.fixture(scope="session")
def parsed_corpus() -> list[ParsedSource]:
    """All five manifest sources through the whole pipeline (spaCy included): slow, so once."""
    vocabulary = corpus_vocabulary()
    nlp = nlp_load()
    return [
        source_parse(entry=entry, raw=file_read(entry), nlp=nlp, vocabulary=vocabulary)
        for entry in manifest_load()
    ]


@pytest.fixture
def real_corpus(db, parsed_corpus: list[ParsedSource]) -> QuerySet[Source]:
    """The five real sources stored in the test database."""
    for parsed in parsed_corpus:
        parsed_source_store(parsed=parsed)
    return Source.objects.all()


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(username: str, *, role: str) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD)
        if role in {"researcher", "other_researcher"}:
            user.groups.add(Group.objects.get(name=RESEARCHERS_GROUP))
        elif role == "student":
            user.groups.add(Group.objects.get(name=STUDENTS_GROUP))
        elif role == "staff":
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return user

    return make


@pytest.fixture
def researcher(make_user) -> User:
    return make_user("rosa", role="researcher")


@pytest.fixture
def other_researcher(make_user) -> User:
    return make_user("karl", role="other_researcher")


@pytest.fixture
def student(make_user) -> User:
    return make_user("sasha", role="student")


@pytest.fixture
def staff_user(make_user) -> User:
    return make_user("editor", role="staff")


@pytest.fixture
def user_for_role(make_user) -> Callable[[str], User | None]:
    """The user to act as for a role name from ``ROLES`` (None for anonymous)."""

    def for_role(role: str) -> User | None:
        if role == "anonymous":
            return None
        return make_user(f"{role}-user", role=role)

    return for_role


@pytest.fixture
def themes(db) -> dict[str, Theme]:
    return {theme.slug: theme for theme in Theme.objects.all()}


@pytest.fixture
def make_passage(db) -> Callable[..., Passage]:
    """Hand-made passages in a hand-made source, for precise tests of ranking and tags."""
    counters: dict[int, int] = {}

    def make(
        text: str,
        *,
        source_slug: str = "test-source",
        section_title: str = "A test section",
        section_authors: str = "",
        kind: str = Passage.Kind.BODY,
    ) -> Passage:
        source, _ = Source.objects.get_or_create(
            slug=source_slug,
            defaults={
                "title": f"Test source {source_slug}",
                "authors": "Test Author",
                "year": 1995,
                "citation": f"Test Author, Test source {source_slug} (1995).",
                "filename": f"{source_slug}.txt",
                "ordinal": 100,
            },
        )
        section, _ = Section.objects.get_or_create(
            source=source,
            title=section_title,
            defaults={
                "ordinal": source.sections.count() + 1,
                "authors": section_authors,
            },
        )
        ordinal = counters.get(source.pk, 0) + 1
        counters[source.pk] = ordinal
        start = ordinal * 10_000
        return Passage.objects.create(
            source=source,
            section=section,
            ordinal=ordinal,
            kind=kind,
            text=text,
            heading=section.title,
            char_start=start,
            char_end=start + len(text),
            word_count=len(text.split()),
            note_label="1" if kind == Passage.Kind.NOTE else "",
        )

    return make


@pytest.fixture
def theme_tree(make_passage, themes, researcher, other_researcher) -> CodebookData:
    """Sub-themes and passages carrying them: see tests/annotations/codebook_data.py."""
    return codebook_data_create(make_passage=make_passage, themes=themes, rosa=researcher,
                                karl=other_researcher)


# --- Browser tests ------------------------------------------------------------


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        message = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if _browser_required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(page) -> Callable[[User], None]:
    def log_in(user: User) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return log_in


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def freshly_migrated_db() -> Iterator[psycopg.Connection]:
    """A database of its own, created empty and migrated from zero by ``manage.py migrate``
    in a new process: the state the migrations alone leave, which no fixture re-creates.

    A connection to it (autocommit) for reading; the database is dropped afterwards.
    """
    server = django_settings.DATABASES["default"]
    name = f"migrated_from_zero_{os.getpid()}"
    params = {"user": server["USER"], "password": server["PASSWORD"], "host": server["HOST"],
              "port": server["PORT"], **server["OPTIONS"]}
    params = {key: value for key, value in params.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = "postgresql://{user}:{password}@localhost{port}/{name}?{query}".format(
            user=quote(server["USER"]), password=quote(server["PASSWORD"]),
            port=f":{server['PORT']}" if server["PORT"] else "", name=name,
            query=urlencode({"host": server["HOST"], **server["OPTIONS"]}),
        )
        migrated = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=Path(__file__).resolve().parents[1], env={**os.environ, "DATABASE_URL": url},
            capture_output=True, text=True, timeout=600,
        )
        assert migrated.returncode == 0, migrated.stderr
        with psycopg.connect(dbname=name, autocommit=True, **params) as fresh:
            yield fresh
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def two_chapters(make_passage) -> tuple[Passage, Passage, Passage, Passage]:
    """Chapter one: two body passages and a note; chapter two, with its own author: one."""
    first = make_passage("The director handed out flats.", section_title="Chapter one")
    second = make_passage("Workers queued for sausage.", section_title="Chapter one")
    note = make_passage("See the factory newspaper.", section_title="Chapter one",
                        kind=Passage.Kind.NOTE)
    third = make_passage("A strike began in Kemerovo.", section_title="Chapter two",
                         section_authors="Petr Bizyukov")
    return first, second, note, third
