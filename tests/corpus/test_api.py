"""The read-only corpus API: /api/sources/ and /api/sections/."""

from __future__ import annotations

import pytest
from django.test import override_settings

from annotations.services import tag_create
from tests.api_roles import (
    EVERYONE,
    LOGGED_IN,
    NOBODY,
    RoleClients,
    assert_role_matrix,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make_passage, researcher, themes):
    first = make_passage("Workers at the plant depended on it for housing.", source_slug="alpha")
    make_passage("¹ See the plant newspaper.", source_slug="alpha", kind="note")
    make_passage(
        "Paternalism in the second chapter.", source_slug="alpha",
        section_title="Chapter two", section_authors="Petr Bizyukov",
    )
    make_passage("A lone passage of another source.", source_slug="beta")
    tag_create(user=researcher, passage=first, theme=themes["paternalism"])
    return first.source


@pytest.fixture
def clients(user_for_role) -> RoleClients:
    return RoleClients(user_for_role)


@pytest.mark.parametrize(
    "url", ["/api/sources/", "/api/sources/alpha/", "/api/sections/", "/api/sections/?source=beta"]
)
def test_everyone_reads_nobody_writes(corpus, clients, url):
    assert_role_matrix(clients, "get", url, EVERYONE)
    assert_role_matrix(clients, "post", url, NOBODY, payload={"title": "x"})
    with override_settings(PUBLIC_READ=False):
        assert_role_matrix(clients, "get", url, LOGGED_IN)


def test_section_detail_roles(corpus, clients):
    url = f"/api/sections/{corpus.sections.first().pk}/"
    assert_role_matrix(clients, "get", url, EVERYONE)
    assert_role_matrix(clients, "patch", url, NOBODY, payload={"title": "x"})
    assert_role_matrix(clients, "delete", url, NOBODY)


def test_source_list_counts_without_n_plus_one(corpus, make_passage, client,
                                               django_assert_num_queries):
    for number in range(3):
        make_passage(f"More text {number}.", source_slug=f"extra-{number}")
    with django_assert_num_queries(2):  # count, page
        response = client.get("/api/sources/")
    assert response.status_code == 200
    alpha = next(row for row in response.json()["results"] if row["slug"] == "alpha")
    assert alpha["counts"] == {"body_passages": 2, "notes": 1, "sections": 2, "tags": 1}
    assert alpha["url"] == "http://testserver/api/sources/alpha/"
    assert alpha["html_url"] == "http://testserver/sources/alpha/"
    assert set(alpha) >= {"title", "authors", "year", "venue", "citation"}


def test_source_detail_lists_its_sections(corpus, client, django_assert_num_queries):
    with django_assert_num_queries(2):  # the source, its sections
        response = client.get("/api/sources/alpha/")
    sections = response.json()["sections"]
    assert [section["title"] for section in sections] == ["A test section", "Chapter two"]
    assert sections[0]["body_passages"] == 1 and sections[0]["notes"] == 1
    assert sections[1]["authors"] == "Petr Bizyukov"
    missing = client.get("/api/sources/nope/")
    assert missing.json() == {"detail": "No Source matches the given query."}


def test_sections_filter_by_source(corpus, client, django_assert_num_queries):
    with django_assert_num_queries(3):  # the source, count, page
        response = client.get("/api/sections/", {"source": "beta"})
    assert [row["source"] for row in response.json()["results"]] == ["beta"]


def test_unknown_source_is_a_400_naming_the_parameter(corpus, client):
    response = client.get("/api/sections/", {"source": "no-such-source"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "source: No source with slug “no-such-source”.",
        "errors": {"source": ["No source with slug “no-such-source”."]},
    }
    assert client.get("/api/sections/", {"source": "nul\x00"}).status_code == 400
