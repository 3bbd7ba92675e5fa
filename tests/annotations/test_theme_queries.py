"""Theme queries: any of several themes, all of them, without one; sub-themes included;
former slugs resolve; the same convention in the selectors, the API, search and the reader."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from annotations.forms import ReaderFilterForm
from annotations.models import Tag
from annotations.selectors import section_reading
from annotations.theme_selectors import (
    theme_ids_with_descendants,
    theme_query_parse,
    theme_query_passages_q,
    theme_query_tags_q,
)
from annotations.theme_services import theme_update
from corpus.models import Passage
from search.forms import SearchForm
from search.selectors import passage_search
from tests.annotations.codebook_data import CodebookData, sub_theme

pytestmark = pytest.mark.django_db



def passages_matching(data: CodebookData, tags=None, **query) -> set[str]:
    parsed = theme_query_parse(**query)
    ids = set(Passage.objects.filter(theme_query_passages_q(query=parsed, tags=tags))
              .values_list("pk", flat=True))
    return {name for name, passage in data.passages.items() if passage.pk in ids}


def tags_matching(data: CodebookData, **query) -> set[str]:
    ids = set(Tag.objects.filter(theme_query_tags_q(query=theme_query_parse(**query)))
              .values_list("pk", flat=True))
    return {name for name, tag in data.tags.items() if tag.pk in ids}


def test_descendants_of_a_theme_in_one_query(theme_tree, django_assert_num_queries):
    themes = theme_tree.themes
    with django_assert_num_queries(1):
        ids = theme_ids_with_descendants(themes=[themes["paternalism"]])
    assert ids == {themes["paternalism"].pk, themes["housing"].pk, themes["rent"].pk}
    assert theme_ids_with_descendants(themes=[themes["rent"]]) == {themes["rent"].pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"theme": ["paternalism"]}, {"p1", "p2"}),  # p2 through rent, two levels down
        ({"theme": ["housing"]}, {"p2"}),
        ({"theme": ["paternalism", "collective-action"]}, {"p1", "p2", "p3"}),
        ({"theme": ["paternalism", "collective-action"], "match": "any"}, {"p1", "p2", "p3"}),
        ({"theme": ["paternalism", "collective-action"], "match": "all"}, {"p2"}),
        ({"theme": ["paternalism", "workerism"], "match": "all"}, set()),
        ({"without": ["paternalism"]}, {"p3", "p4", "p5"}),
        ({"without": ["paternalism", "workerism"]}, {"p3", "p5"}),
        ({"theme": ["collective-action"], "without": ["housing"]}, {"p3"}),
        ({"theme": ["paternalism", "collective-action"], "match": "all",
          "without": ["workerism"]}, {"p2"}),
    ],
)
def test_passage_level(theme_tree, query, expected):
    assert passages_matching(theme_tree, **query) == expected


def test_passage_level_counts_only_the_given_tags(theme_tree):
    karls = Tag.objects.filter(user=theme_tree.karl)
    assert passages_matching(theme_tree, tags=karls, theme=["paternalism"]) == {"p2"}
    assert passages_matching(theme_tree, tags=karls, without=["workerism"]) == {"p2"}
    rosas = Tag.objects.filter(user=theme_tree.rosa)
    assert passages_matching(theme_tree, tags=rosas, theme=["paternalism"]) == {"p1"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"theme": ["paternalism"]}, {"p1-paternalism", "p2-rent", "orphan-paternalism"}),
        ({"theme": ["paternalism"], "match": "all"},
         {"p1-paternalism", "p2-rent", "orphan-paternalism"}),  # one theme: all = any
        ({"theme": ["paternalism", "collective-action"]},
         {"p1-paternalism", "p2-rent", "p2-collective", "p3-collective", "orphan-paternalism"}),
        ({"theme": ["paternalism", "collective-action"], "match": "all"},
         {"p2-rent", "p2-collective"}),
        ({"without": ["housing"]},
         {"p1-paternalism", "p3-collective", "p4-workerism", "orphan-paternalism"}),
        ({"theme": ["collective-action"], "without": ["paternalism"]}, {"p3-collective"}),
    ],
)
def test_tag_level(theme_tree, query, expected):
    assert tags_matching(theme_tree, **query) == expected


def test_unknown_slugs_are_named(theme_tree):
    with pytest.raises(ValidationError) as error:
        theme_query_parse(theme=["paternalism", "nope"], without=["neither"])
    assert error.value.message_dict == {
        "theme": ["No theme with slug “nope”."],
        "without_theme": ["No theme with slug “neither”."],
    }
    with pytest.raises(ValidationError):
        theme_query_parse(theme=["paternalism"], match="some")


def test_a_former_slug_names_the_theme(theme_tree):
    theme_update(user=theme_tree.rosa, theme=theme_tree.themes["housing"], slug="dwellings")
    assert passages_matching(theme_tree, theme=["housing"]) == {"p2"}
    assert passages_matching(theme_tree, theme=["dwellings"]) == {"p2"}


# --- The API: tags, excerpts, annotations ---------------------------------------------


def api_tag_ids(url: str, params: dict) -> set[int]:
    response = APIClient().get(url, params)
    assert response.status_code == 200, response.json()
    body = response.json()
    items = body.get("results") or body.get("items") or []
    return {item.get("id") or item.get("tag") or int(item["id"].rstrip("/").split("/")[-1])
            for item in items}


@pytest.mark.parametrize("url", ["/api/tags/", "/api/excerpts/"])
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "paternalism"}, {"p1-paternalism", "p2-rent", "orphan-paternalism"}),
        ({"theme": "housing"}, {"p2-rent"}),
        ({"theme": "paternalism,collective-action", "theme_match": "all"},
         {"p2-rent", "p2-collective"}),
        ({"theme": "collective-action", "without_theme": "paternalism"}, {"p3-collective"}),
    ],
)
def test_api_tag_lists(theme_tree, url, params, expected):
    assert api_tag_ids(url, params) == {theme_tree.tags[name].pk for name in expected}


def test_api_annotations_include_sub_themes(theme_tree):
    response = APIClient().get("/api/annotations/", {"theme": "housing"},
                               HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert [item["id"].rstrip("/").split("/")[-1] for item in response.json()["items"]] == [
        str(theme_tree.tags["p2-rent"].pk)
    ]


def test_api_theme_filter_takes_a_former_slug(theme_tree):
    theme_update(user=theme_tree.rosa, theme=theme_tree.themes["housing"], slug="dwellings")
    assert api_tag_ids("/api/tags/", {"theme": "housing"}) == {theme_tree.tags["p2-rent"].pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"theme": "nope"}, "theme"), ({"theme": "100%s"}, "theme"),
     ({"without_theme": "paternalism,nope"}, "without_theme"),
     ({"theme": "paternalism", "theme_match": "most"}, "theme_match")],
)
def test_api_unknown_slugs_are_400(theme_tree, params, field):
    response = APIClient().get("/api/excerpts/", params)
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {field}
    assert body["detail"].startswith(f"{field}: ")


def test_api_query_count_does_not_grow_with_themes(theme_tree, django_assert_num_queries):
    params = {"theme": "paternalism,collective-action", "theme_match": "all",
              "without_theme": "workerism"}
    client = APIClient()
    # The codebook (slugs resolved), the count, the page.
    with django_assert_num_queries(3):
        assert client.get("/api/excerpts/", params).status_code == 200
    parent = theme_tree.themes["rent"]
    for n in range(5):  # a deeper tree
        parent = sub_theme(slug=f"extra-{n}", parent=parent)
    with django_assert_num_queries(3):
        assert client.get("/api/excerpts/", params).status_code == 200


# --- Search and the reader ------------------------------------------------------------


def search_names(data: CodebookData, params: dict) -> set[str]:
    form = SearchForm(params)
    assert form.is_valid(), form.errors
    ids = {passage.pk for passage in passage_search(query="", filters=form.filters)}
    return {name for name, passage in data.passages.items() if passage.pk in ids}


def test_search_combines_themes(theme_tree):
    assert search_names(theme_tree, {"theme": "paternalism"}) == {"p1", "p2"}
    assert search_names(theme_tree, {"theme": "paternalism,collective-action",
                                   "theme_match": "all"}) == {"p2"}
    assert search_names(theme_tree, {"without_theme": "paternalism"}) == {"p3", "p4", "p5"}
    assert search_names(theme_tree, {"theme": "paternalism", "tagged_by": "karl"}) == {"p2"}


def test_search_api_and_page(theme_tree, client):
    response = APIClient().get("/api/passages/", {"theme": "housing"})
    assert response.status_code == 200
    assert [hit["id"] for hit in response.json()["results"]] == [theme_tree.passages["p2"].pk]
    bad = APIClient().get("/api/passages/", {"theme": "nope"})
    assert bad.status_code == 400 and "theme" in bad.json()["errors"]
    page = client.get("/search/", {"q": "workers", "theme": "paternalism,collective-action",
                                   "theme_match": "all"})
    assert page.status_code == 200


def reader_names(data: CodebookData, params: dict, viewer) -> set[str]:
    form = ReaderFilterForm(params)
    assert form.is_valid(), form.errors
    first = data.passages["p1"]
    reading = section_reading(source=first.source, ordinal=first.section.ordinal, viewer=viewer,
                              themes=form.theme_query, tagger=form.cleaned_data["tagger"])
    ids = {passage.pk for passage in reading.body}
    return {name for name, passage in data.passages.items() if passage.pk in ids}


def test_reader_filter_combines_themes(theme_tree, researcher):
    # The reader filters passages by the tags it shows; "tags by" filters the chips, so
    # with a coder alone every passage stays, showing only that coder's chips.
    def names(**params):
        return reader_names(theme_tree, params, researcher)

    assert names(theme="paternalism") == {"p1", "p2"}
    assert names(theme="paternalism,collective-action", theme_match="all") == {"p2"}
    assert names(without_theme="collective-action") == {"p1", "p4", "p5"}
    assert names(theme="paternalism", tagger="rosa") == {"p1"}
    assert names(tagger="karl") == {"p1", "p2", "p3", "p4", "p5"}
    assert not ReaderFilterForm({"theme": "nope"}).is_valid()


def test_reader_page_filters_with_sub_themes(theme_tree, client):
    section = theme_tree.passages["p1"].section
    page = client.get(f"/sources/qsource/{section.ordinal}/", {"theme": "housing"})
    assert "1 passage shown with this theme" in page.content.decode()
