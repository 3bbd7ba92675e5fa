"""/api/cooccurrence/ and /api/matrices/...: answers, CSV, errors, roles, schema."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import override_settings

from annotations.models import Theme
from annotations.services import tag_create
from corpus.models import Section
from tests.analysis.test_selectors import EVERYONE
from tests.api_roles import EVERYONE as ALL_ROLES
from tests.api_roles import LOGGED_IN, NOBODY, RoleClients, assert_role_matrix

pytestmark = pytest.mark.django_db

URLS = ["/api/cooccurrence/", "/api/matrices/themes-by-source/",
        "/api/matrices/themes-by-chapter/"]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_cooccurrence_answers_themes_and_matrix(client, coded, theme_order):
    response = client.get("/api/cooccurrence/")
    assert response.status_code == 200
    assert response.json() == {"themes": theme_order, "matrix": EVERYONE}


def test_cooccurrence_for_some_coders_in_a_source(client, coded):
    response = client.get("/api/cooccurrence/?coders=rosa&source=source-b")
    assert response.json()["matrix"] == [
        [0] * 5, [0] * 5, [0] * 5, [0, 0, 0, 1, 1], [0, 0, 0, 1, 1],
    ]
    # Repeated or comma-separated, spaces and repeats ignored: the same coders.
    assert (client.get("/api/cooccurrence/?coders=rosa, karl,rosa").json()
            == client.get("/api/cooccurrence/?coders=karl&coders=rosa").json())


def test_themes_by_source_answer(client, coded, theme_order):
    body = client.get("/api/matrices/themes-by-source/?coders=rosa,karl,ana").json()
    assert body["themes"] == theme_order
    assert body["columns"] == [
        {"source": "source-a", "section": None, "title": "Test Author 1995", "passages": 3},
        {"source": "source-b", "section": None, "title": "Test Author 1995", "passages": 2},
    ]
    assert body["passages"] == [[3, 0], [0, 0], [0, 1], [2, 1], [1, 1]]
    assert body["tags"] == [[5, 0], [0, 0], [0, 1], [2, 1], [1, 1]]
    assert body["share"] == [[1.0, 0.0], [0.0, 0.0], [0.0, 0.5], [0.6667, 0.5], [0.3333, 0.5]]


def test_themes_by_chapter_answer(client, coded):
    a2 = Section.objects.get(title="A2")
    body = client.get(f"/api/matrices/themes-by-chapter/?source=source-a&section={a2.pk}").json()
    assert body["columns"] == [
        {"source": "source-a", "section": a2.pk, "title": "A2", "passages": 1},
    ]
    assert body["passages"] == [[1], [0], [0], [1], [0]]


def test_cooccurrence_as_csv(client, coded, theme_order):
    response = client.get("/api/cooccurrence/?format=csv&source=source-a")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cooccurrence-source-a.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["theme", *theme_order]
    assert rows[1] == ["paternalism", "3", "0", "0", "2", "1"]
    assert len(rows) == 6


def test_theme_matrix_as_csv_one_row_per_cell(client, coded):
    a1 = Section.objects.get(title="A1")
    response = client.get("/api/matrices/themes-by-chapter/", HTTP_ACCEPT="text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="themes-by-chapter.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["theme", "source", "section", "chapter", "theme_passages",
                       "theme_tags", "all_passages", "share"]
    assert rows[1] == ["paternalism", "source-a", str(a1.pk), "A1", "2", "4", "2", "1.0"]
    assert len(rows) == 1 + 5 * 3
    by_source = csv_rows(client.get("/api/matrices/themes-by-source/?format=csv"))
    assert by_source[1] == ["paternalism", "source-a", "", "", "3", "5", "3", "1.0"]


def test_csv_cells_that_look_like_formulas_are_neutralised(client, coded):
    Theme.objects.filter(slug="workerism").update(slug="-workerism")
    for url in URLS:
        text = client.get(url, {"format": "csv"}).content.decode()
        assert "'-workerism" in text
        assert not any(line.startswith("-") or ",-" in line for line in text.splitlines())


@pytest.mark.parametrize(("query", "field", "message"), [
    ("coders=rosa,nobody", "coders", "No coder with username “nobody”."),
    ("source=nowhere", "source", "No source with slug “nowhere”."),
    ("section=999999", "section", "No section with id “999999”."),
    ("section=abc", "section", "No section with id “abc”."),
    ("coders=ro%00sa", "coders", "No coder with username “ro\\x00sa”."),
])
@pytest.mark.parametrize("url", URLS)
def test_unknown_names_are_a_400_naming_the_parameter(client, coded, url, query, field, message):
    for suffix in ("", "&format=csv"):
        response = client.get(f"{url}?{query}{suffix}")
        assert response.status_code == 400
        assert response.json() == {"detail": f"{field}: {message}", "errors": {field: [message]}}


def test_a_section_outside_the_source_is_a_400(client, coded):
    b1 = Section.objects.get(title="B1")
    response = client.get(f"/api/cooccurrence/?source=source-a&section={b1.pk}")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "section": [f"Section {b1.pk} is not in source “source-a”."],
    }


def test_too_many_coders_are_a_400(client, coded):
    names = ",".join(f"coder{n}" for n in range(51))
    response = client.get(f"/api/cooccurrence/?coders={names}")
    assert response.status_code == 400
    assert response.json()["errors"] == {"coders": ["Name at most 50 at once."]}


def test_a_user_who_never_tagged_is_no_coder(client, coded, make_user):
    make_user("silent", role="researcher")
    assert client.get("/api/cooccurrence/?coders=silent").status_code == 400


@pytest.mark.parametrize("url", [*URLS, "/api/cooccurrence/?format=csv"])
def test_matrices_are_read_only_for_every_role(user_for_role, coded, url):
    clients = RoleClients(user_for_role)
    assert_role_matrix(clients, "get", url, ALL_ROLES)
    assert_role_matrix(clients, "post", url, NOBODY, payload={})
    with override_settings(PUBLIC_READ=False):
        assert_role_matrix(clients, "get", url, LOGGED_IN)


@pytest.mark.parametrize("url", URLS)
def test_query_counts_do_not_grow_with_the_tags(client, coded, themes, url,
                                                django_assert_num_queries):
    expected = {"/api/cooccurrence/": 3}.get(url, 4)  # coders, themes, (columns,) cells
    query = f"{url}?coders=rosa,karl"
    with django_assert_num_queries(expected):
        client.get(query)
    for passage in coded.passages.values():
        for theme in themes.values():
            tag_create(user=coded.coders["karl"], passage=passage, theme=theme)
    with django_assert_num_queries(expected):
        assert client.get(query).status_code == 200


def test_the_schema_documents_the_matrices(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/cooccurrence/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "coders", "source", "section", "format",
    }
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "400" in operation["responses"]
    assert "/api/matrices/themes-by-chapter/" in schema["paths"]
