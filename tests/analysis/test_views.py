"""/analysis/ and its drill-down /analysis/passages/: every number leads to what it counts."""

from __future__ import annotations

import html
import re

import pytest
from django.test import override_settings

from annotations.services import tag_create
from corpus.models import Section

pytestmark = pytest.mark.django_db

# A matrix cell: its drill-down link and the count it shows.
CELL_LINK = re.compile(r'<a href="(/analysis/passages/\?[^"]+)"[^>]*>(\d+)</a>')


def cell_links(page: str) -> list[tuple[str, int]]:
    return [(html.unescape(url), int(count)) for url, count in CELL_LINK.findall(page)]


@pytest.mark.parametrize("query", [
    "",
    "coders=rosa&coders=karl",
    "coders=karl",
    "source=source-b",
    "section=A1",
    "coders=rosa&source=source-a&section=A2",
])
def test_every_cell_leads_to_exactly_the_passages_it_counts(client, coded, query):
    query = re.sub(r"section=(\w+)",
                   lambda match: f"section={Section.objects.get(title=match[1]).pk}", query)
    response = client.get(f"/analysis/?{query}")
    assert response.status_code == 200
    links = cell_links(response.content.decode())
    # 25 co-occurrence cells, then one per theme and source, and per theme and chapter.
    report = response.context["report"]
    assert len(links) == 25 + 5 * len(report.by_source.columns) + 5 * len(report.by_section.columns)
    for url, count in links:
        drilled = client.get(url)
        assert drilled.status_code == 200, url
        assert drilled.context["page"].paginator.count == count, url
        assert len(drilled.context["entries"]) == count, url


def test_drill_down_shows_the_tags_that_count_each_passage(client, coded):
    page = client.get("/analysis/passages/?themes=paternalism,workerism&coders=rosa,karl")
    [entry] = page.context["entries"]
    assert entry.passage == coded.passages["p2"]
    # Whole-passage tags first, then spans in reading order.
    assert [(tag.theme.slug, tag.user.username, tag.start) for tag in entry.tags] == [
        ("workerism", "karl", None), ("paternalism", "rosa", 0), ("paternalism", "rosa", 4),
    ]
    text = page.content.decode()
    assert "1 passage with" in text
    assert coded.passages["p2"].get_absolute_url() in text
    assert client.get("/analysis/passages/?themes=paternalism,workerism&coders=karl"
                      ).context["page"].paginator.count == 0


def test_the_page_shows_accessible_tables_and_downloads(client, coded):
    response = client.get("/analysis/?coders=rosa")
    text = response.content.decode()
    assert text.count("<caption>") == 3
    assert 'scope="col"' in text and 'scope="row"' in text
    assert "tags by rosa in the whole corpus" in text
    assert 'value="rosa" id="id_coders_' in text and "checked" in text
    for name in ("cooccurrence", "matrices/themes-by-source", "matrices/themes-by-chapter"):
        assert f'href="/api/{name}/?coders=rosa&amp;format=csv"' in text
    assert "style=" not in text  # the CSP forbids style attributes
    assert '<a href="/analysis/">Analysis</a>' in text


def test_bad_filters_are_a_friendly_400(client, coded):
    response = client.get("/analysis/?coders=nobody&source=nowhere")
    assert response.status_code == 400
    text = response.content.decode()
    assert "No coder with username “nobody”." in text
    assert "No source with slug “nowhere”." in text


@pytest.mark.parametrize(("query", "message"), [
    ("", "Name one or more themes"),
    ("themes=nothing", "No theme with slug “nothing”."),
    ("themes=paternalism&section=abc", "No section with id “abc”."),
])
def test_a_bad_drill_down_is_a_friendly_400(client, coded, query, message):
    response = client.get(f"/analysis/passages/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_pages_need_a_login_when_reading_is_not_public(client, coded):
    with override_settings(PUBLIC_READ=False):
        for url in ("/analysis/", "/analysis/passages/?themes=paternalism"):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("url", "queries"), [
    # coders, source, section (validation); themes, co-occurrence, 2 × (columns, cells);
    # the coders', sources' and chapters' choices.
    ("/analysis/?coders=rosa&source=source-a", 11),
    # coders, source, themes (validation); the tree; count, page, tags.
    ("/analysis/passages/?themes=paternalism&coders=rosa,karl&source=source-a", 7),
])
def test_query_counts_do_not_grow_with_the_data(client, coded, themes, make_passage, url,
                                                queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    for n in range(30):
        passage = make_passage(f"More words about the plant, number {n}.", source_slug="source-a",
                               section_title=f"Extra {n % 3}")
        for theme in themes.values():
            tag_create(user=coded.coders["rosa"], passage=passage, theme=theme)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_names_are_escaped(client, coded, themes):
    themes["paternalism"].name = "<script>alert(1)</script>"
    themes["paternalism"].save()
    for url in ("/analysis/", "/analysis/passages/?themes=paternalism"):
        text = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_drill_down_pages_keep_the_cell(client, coded, themes, make_passage):
    for n in range(30):
        passage = make_passage(f"Another passage, number {n}.", source_slug="source-a")
        tag_create(user=coded.coders["rosa"], passage=passage, theme=themes["paternalism"])
    first = client.get("/analysis/passages/?themes=paternalism&coders=rosa")
    assert first.context["page"].paginator.count == 32
    [next_url] = re.findall(r'<a rel="next" href="([^"]+)"', first.content.decode())
    second = client.get("/analysis/passages/" + html.unescape(next_url))
    assert len(second.context["entries"]) == 7
    assert second.context["scope"] == first.context["scope"]
