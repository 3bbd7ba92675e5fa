import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.search.hostile import HOSTILE_PARAMS, HOSTILE_QUERIES

pytestmark = pytest.mark.django_db

URL = "/search/"


def test_url_name():
    assert reverse("search:search") == URL


def test_reading_may_need_a_login(client, settings):
    settings.PUBLIC_READ = False
    response = client.get(URL, {"q": "strike"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_blank_search_shows_only_the_form(client, corpus):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="q"' in response.content
    assert b'class="hits"' not in response.content


def test_hits_are_ranked_highlighted_and_linked_in_context(client, corpus):
    response = client.get(URL, {"q": "strikes"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "4 passages match, best first" in html
    assert "<mark>strike</mark>" in html
    strike = corpus["strike"]
    assert f'href="/sources/crowley/#p{strike.pk}"' in html
    assert f'href="/passages/{strike.pk}/"' in html
    # Theme chips, and facet counts for the query.
    assert "Collective action" in html and "Paternalism" in html
    assert response.context["facets"].themes[0].count == 2  # paternalism
    [hit] = [hit for hit in response.context["page"] if hit.passage == strike]
    assert hit.themes
    for chip in hit.themes:
        assert (
            f'<a class="theme-chip" href="?q=strikes&amp;theme={chip.slug}">'
            f'<span class="swatch theme-{chip.pk}" aria-hidden="true"></span>{chip.name}</a>'
        ) in html
    crowley = next(facet for facet in response.context["facets"].sources if facet.count)
    assert f'href="?q=strikes&amp;source={crowley.item.slug}">{crowley.item.authors}, ' in html


def test_filters_keep_their_state_in_the_form(client, corpus, themes):
    response = client.get(URL, {"q": "strike", "theme": "paternalism", "kind": "body"})
    html = response.content.decode()

    assert response.status_code == 200
    assert {hit.passage.pk for hit in response.context["page"]} == {
        corpus["love"].pk,
        corpus["union"].pk,
    }
    assert '<option value="paternalism" selected>' in html
    assert '<option value="body" selected>' in html
    assert 'value="strike"' in html


def test_sections_are_grouped_by_source(client, corpus):
    html = client.get(URL).content.decode()
    assert '<optgroup label="Test Author, 1995">' in html
    assert "On a Particular Kind of Love" in html


def test_empty_query_with_a_filter_lists_in_reading_order(client, corpus):
    response = client.get(URL, {"source": "crowley"})
    assert "3 passages, in reading order" in response.content.decode()
    assert [hit.passage.pk for hit in response.context["page"]] == [
        corpus["strike"].pk,
        corpus["union"].pk,
        corpus["note"].pk,
    ]


def test_stop_words_only_get_a_friendly_message(client, corpus):
    response = client.get(URL, {"q": "the of and"})
    assert response.status_code == 200
    assert "Nothing to search for" in response.content.decode()
    assert "page" not in response.context


def test_unknown_filter_value_is_named(client, corpus):
    response = client.get(URL, {"q": "strike", "theme": "nope"})
    assert response.status_code == 200
    assert "No theme with slug “nope”." in response.content.decode()


def test_script_in_a_passage_renders_as_text(client, make_passage):
    make_passage("Before <script>alert(1)</script> the strike after.")
    for params in (
        {"q": "strike"},
        {"q": "strike", "view": "kwic"},
        {"q": "<script>alert(1)</script> strike"},
    ):
        html = client.get(URL, params).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_kwic_view_aligns_lines_and_sorts(client, make_passage):
    first = make_passage("Strike after strike: the strike wave of 1989.")
    make_passage("Miners went on strike.")

    response = client.get(URL, {"q": "strike", "view": "kwic", "sort": "left"})
    html = response.content.decode()

    assert response.status_code == 200
    assert '<table class="kwic">' in html
    lines = list(response.context["page"])
    # Sorted by the word just left of the keyword: (none), after, on, the.
    assert [line.left for line in lines] == [
        "",
        "Strike after",
        "Miners went on",
        "Strike after strike: the",
    ]
    assert f'href="/sources/test-source/#p{first.pk}"' in html
    assert 'name="view" value="kwic"' in html


def test_past_the_cutoff_the_page_says_the_ranking_is_approximate(
    client, make_passage, monkeypatch
):
    monkeypatch.setattr("search.selectors.RANK_CUTOFF", 2)
    monkeypatch.setattr("search.views.RANK_CUTOFF", 2)
    for n in range(3):
        make_passage(f"Strike {'strike ' * n}.")

    response = client.get(URL, {"q": "strike"})

    assert len(response.context["page"]) == 2
    assert response.context["approximate"] is True
    assert "The ranking is approximate" in " ".join(response.content.decode().split())


def test_up_to_the_cutoff_the_ranking_is_exact(client, make_passage, monkeypatch):
    monkeypatch.setattr("search.selectors.RANK_CUTOFF", 3)
    monkeypatch.setattr("search.views.RANK_CUTOFF", 3)
    once, twice, thrice = (make_passage(f"Strike {'strike ' * n}.") for n in range(3))

    response = client.get(URL, {"q": "strike"})

    assert [hit.passage.pk for hit in response.context["page"]] == [thrice.pk, twice.pk, once.pk]
    assert response.context["approximate"] is False
    assert "approximate" not in response.content.decode()


def test_pagination_keeps_the_query(client, make_passage):
    for n in range(25):
        make_passage(f"Strike number {n} of the year.")
    response = client.get(URL, {"q": "strike", "page": "2"})
    html = response.content.decode()
    assert len(response.context["page"]) == 5
    assert 'href="?q=strike&amp;page=1"' in html


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
@pytest.mark.parametrize("view", ["", "kwic"])
def test_hostile_queries_never_fail(client, corpus, query, view):
    response = client.get(URL, {"q": query, "view": view})
    assert response.status_code == 200


@pytest.mark.parametrize("params", HOSTILE_PARAMS)
def test_hostile_parameters_never_fail(client, corpus, params):
    response = client.get(URL, {"q": "strike", **params})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "raw", ["q=%ED%A0%80", "q=%FF%FE", "q=%00", "q=a&q=b&theme=paternalism&theme=x"]
)
def test_undecodable_query_strings_never_fail(client, corpus, raw):
    assert client.get(f"{URL}?{raw}").status_code == 200


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("view", ["", "kwic"])
def test_query_count_does_not_grow_with_hits(client, make_passage, tag, themes, researcher, view):
    params = {"q": "strike", "theme": "paternalism", "view": view}
    first = make_passage("The first strike.", section_title="One")
    tag(first, themes["paternalism"], researcher)
    few = count_queries(client, params)

    for n in range(30):
        passage = make_passage(f"Strike {n}.", source_slug=f"source-{n % 3}", section_title=f"S{n}")
        tag(passage, themes["paternalism"], researcher)
        tag(passage, themes["workerism"], researcher)
    many = count_queries(client, params)

    # One fewer with many: a word in FEW_PASSAGES matches or more is not looked up for
    # spelling suggestions.
    assert many == few - 1
    # Besides the search itself: the glossary lookup and the spelling suggestions.
    assert few <= 15


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["", "kwic"])
def test_a_search_without_hits_says_so(client, make_passage, view):
    make_passage("Workers met the director about housing.")
    page = client.get("/search/", {"q": "xylophone", "view": view}).content.decode()
    assert "0 passages" in page or "No occurrences" in page or "Nothing matches" in page
    assert 'class="facets"' in page
