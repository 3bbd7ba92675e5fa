import importlib
from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.cache import cache

from annotations.models import Tag, Theme
from corpus.models import Passage


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The corpus fixture makes two users; the real hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttles():
    # The API's rate limits count in the cache; these tests alone make hundreds of calls.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tag(db) -> Callable[..., Tag]:
    """Tags a whole passage with a theme."""

    def make(passage: Passage, theme: Theme, user: User) -> Tag:
        return Tag.objects.create(
            source_id=passage.source_id, passage=passage, theme=theme, user=user, quote=passage.text
        )

    return make


@pytest.fixture
def corpus(make_passage, tag, themes, researcher, other_researcher) -> dict[str, Passage]:
    """Two sources, two chapters with their own authors, a note, and a few tags."""
    passages = {
        "strike": make_passage(
            "The miners' strike of 1989 spread from the Kuzbass to the Donbass.",
            source_slug="crowley",
            section_title="Steelworkers and miners",
        ),
        "union": make_passage(
            "The official trade union handed out housing and holidays; it called no strike.",
            source_slug="crowley",
            section_title="Steelworkers and miners",
        ),
        "note": make_passage(
            "See the strike bulletins of the Kemerovo committee.",
            source_slug="crowley",
            section_title="Steelworkers and miners",
            kind="note",
        ),
        "love": make_passage(
            "Workers strike rarely; the director provides housing, and the collective is loyal.",
            source_slug="clarke",
            section_title="On a Particular Kind of Love",
            section_authors="Sergei Alasheev",
        ),
        "women": make_passage(
            "Women in production hold the lowest-paid jobs on the shop floor.",
            source_slug="clarke",
            section_title="The Position of Women in Production",
            section_authors="Lena Lapshova and Irina Tartakovskaya",
        ),
    }
    tag(passages["strike"], themes["collective-action"], researcher)
    tag(passages["union"], themes["collective-action"], other_researcher)
    tag(passages["union"], themes["paternalism"], researcher)
    tag(passages["love"], themes["paternalism"], other_researcher)
    return passages


@pytest.fixture
def glossary(db) -> None:
    """The seeded glossary and its permissions, as search migration 0001 leaves them.

    A browser test's flush empties every table; seeding again is idempotent.
    """
    migration = importlib.import_module("search.migrations.0001_glossary_and_vocabulary")
    migration.seed_glossary(apps, None)
    migration.researchers_may_edit_glossary(apps, None)
