import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from corpus.models import Section
from tests.search.hostile import HOSTILE_QUERIES

pytestmark = pytest.mark.django_db

LIST = "/api/passages/"
KWIC = "/api/kwic/"


def test_url_names():
    assert reverse("api-passage-list") == LIST
    assert reverse("api-passage-detail", kwargs={"pk": 7}) == "/api/passages/7/"
    assert reverse("api-kwic") == KWIC


def test_list_without_q_is_in_reading_order_without_rank(client, corpus):
    data = client.get(LIST, {"source": "crowley"}).json()
    assert data["count"] == 3
    first = data["results"][0]
    strike = corpus["strike"]
    assert first == {
        "id": strike.pk,
        "source": "crowley",
        "section": strike.section_id,
        "section_title": "Steelworkers and miners",
        "ordinal": strike.ordinal,
        "kind": "body",
        "note_label": "",
        "text": strike.text,
        "char_start": strike.char_start,
        "char_end": strike.char_end,
        "word_count": strike.word_count,
        "url": f"http://testserver/passages/{strike.pk}/",
        "themes": ["collective-action"],
        "rank": None,
        "snippet": None,
    }
    assert [item["id"] for item in data["results"]] == [
        corpus["strike"].pk,
        corpus["union"].pk,
        corpus["note"].pk,
    ]


def test_search_is_ranked_with_snippets(client, make_passage):
    often = make_passage("A strike, then a strike, then a general strike.")
    once = make_passage("One strike among many other words about housing and holidays.")
    data = client.get(LIST, {"q": "strikes"}).json()

    assert [item["id"] for item in data["results"]] == [often.pk, once.pk]
    assert data["results"][0]["rank"] > data["results"][1]["rank"] > 0
    assert "<mark>strike</mark>" in data["results"][0]["snippet"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "paternalism"}, {"union", "love"}),
        ({"source": "clarke"}, {"love"}),
        ({"kind": "note"}, {"note"}),
        ({"author": "ALASHEEV"}, {"love"}),
        ({"tagged_by": "rosa"}, {"strike", "union"}),
        ({"tagged_by": "karl", "theme": "collective-action"}, {"union"}),
    ],
)
def test_filters(client, corpus, params, expected):
    data = client.get(LIST, {"q": "strike", **params}).json()
    assert {item["id"] for item in data["results"]} == {corpus[name].pk for name in expected}


def test_section_filter(client, corpus):
    section = Section.objects.get(title="On a Particular Kind of Love")
    data = client.get(LIST, {"section": section.pk}).json()
    assert [item["id"] for item in data["results"]] == [corpus["love"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"theme": "nope"}, "theme"),
        ({"source": "nope"}, "source"),
        ({"section": "999999"}, "section"),
        ({"section": "abc"}, "section"),
        ({"kind": "poem"}, "kind"),
        ({"tagged_by": "nobody"}, "tagged_by"),
        ({"q": "the"}, "q"),
        ({"q": "x" * 301}, "q"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, corpus, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["detail"].startswith(f"{field}: ")


def test_detail(client, corpus):
    union = corpus["union"]
    data = client.get(f"/api/passages/{union.pk}/").json()
    assert data["id"] == union.pk
    assert data["themes"] == ["paternalism", "collective-action"]
    assert "rank" not in data
    assert client.get("/api/passages/999999/").status_code == 404


def test_script_in_a_passage_is_escaped(client, make_passage):
    make_passage("Before <script>alert(1)</script> the strike after.")
    data = client.get(LIST, {"q": "strike"}).json()
    assert data["results"][0]["snippet"] == (
        "Before &lt;script&gt;alert(1)&lt;/script&gt; the <mark>strike</mark> after."
    )
    # The text field is data, not HTML: returned as it is.
    assert data["results"][0]["text"].startswith("Before <script>")


def test_kwic(client, make_passage):
    first = make_passage("Strike after strike: the strike wave of 1989.")
    second = make_passage("Miners went on strike.")

    data = client.get(KWIC, {"q": "strike", "sort": "right", "page_size": 2}).json()

    assert data["count"] == 4
    assert data["results"] == [
        {
            "left": "Miners went on",
            "keyword": "strike",
            "right": ".",
            "passage": second.pk,
            "source": "test-source",
            "url": f"http://testserver/sources/test-source/#p{second.pk}",
        },
        {
            "left": "",
            "keyword": "Strike",
            "right": "after strike: the strike wave of 1989.",
            "passage": first.pk,
            "source": "test-source",
            "url": f"http://testserver/sources/test-source/#p{first.pk}",
        },
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": "strike", "sort": "up"}, "sort"), ({"q": "strike", "theme": "x"}, "theme")],
)
def test_kwic_bad_parameters(client, corpus, params, field):
    response = client.get(KWIC, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
@pytest.mark.parametrize("url", [LIST, KWIC])
def test_hostile_queries_are_a_200_or_a_400(client, corpus, url, query):
    response = client.get(url, {"q": query})
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert list(response.json()["errors"]) == ["q"]


@pytest.mark.parametrize(
    "raw",
    [
        "q=%ED%A0%80",
        "q=%00&theme=%00",
        "section=99999999999999999999999",
        "section=-1",
        "author=%00%25",
        "page=abc",
        "page=99999999999999999999",
        "page_size=100000",
        "page_size=-5",
    ],
)
@pytest.mark.parametrize("url", [LIST, KWIC])
def test_hostile_parameters_never_fail(client, corpus, url, raw):
    assert client.get(f"{url}?q=strike&{raw}").status_code in {200, 400, 404}


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [LIST, KWIC])
def test_query_count_does_not_grow_with_hits(client, make_passage, tag, themes, researcher, url):
    params = {"q": "strike", "theme": "paternalism"}
    first = make_passage("The first strike.")
    tag(first, themes["paternalism"], researcher)
    few = count_queries(client, url, params)

    for n in range(30):
        passage = make_passage(f"Strike {n}.", source_slug=f"source-{n % 3}", section_title=f"S{n}")
        tag(passage, themes["paternalism"], researcher)
        tag(passage, themes["workerism"], researcher)
    many = count_queries(client, url, params)

    # (Passages) one fewer with many: a word in FEW_PASSAGES matches or more is not
    # looked up for spelling suggestions.
    assert many == few - (url == LIST)
    assert few <= 7  # with the glossary lookup and (passages) the spelling suggestions
