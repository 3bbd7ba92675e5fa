"""Back and forth between results and the reader; the home page's box; approximate ranks."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def links(html: str, pattern: str) -> list[str]:
    return [match.replace("&amp;", "&") for match in re.findall(pattern, html)]


def test_read_in_context_marks_the_matched_words_and_links_back(client, make_passage):
    passage = make_passage("The Stakhanovites and the labor of Zasiad'ko's miners.")
    search_url = "/search/?q=stakhanov%2A+labour+zasiadko&author="
    html = client.get(search_url).content.decode()

    [link] = links(html, r'<a class="in-context" href="([^"]+)"')
    parts = urlsplit(link)
    assert parts.path == f"/passages/{passage.pk}/"
    params = parse_qs(parts.query)
    assert params["hl"] == ["Stakhanovites", "labor", "Zasiad'ko's"]
    assert params["back"] == [search_url]


def test_concordance_keywords_open_the_reader_marked(client, make_passage):
    passage = make_passage("A strike broke out; the strike spread.")
    html = client.get("/search/", {"q": "strike", "view": "kwic"}).content.decode()
    hrefs = links(html, r'<td class="kwic-key"><a href="([^"]+)"')
    assert len(hrefs) == 2
    params = parse_qs(urlsplit(hrefs[0]).query)
    assert urlsplit(hrefs[0]).path == f"/passages/{passage.pk}/"
    assert params["hl"] == ["strike"]
    assert params["back"][0].startswith("/search/?q=strike")


def test_the_home_page_has_a_search_box(client):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html and 'name="q"' in html
    assert "-Kotkin" not in html


def test_the_search_help_explains_the_syntax(client):
    html = client.get("/search/").content.decode()
    assert "-Kotkin" not in html
    for example in ("Stakhanov*", '"trade union"', "strike or protest", "-Donbass", "udarnik"):
        assert example.replace('"', "&quot;") in html or example in html


def test_the_api_says_when_the_ranking_is_approximate(client, make_passage, monkeypatch):
    monkeypatch.setattr("search.selectors.RANK_CUTOFF", 2)
    for n in range(3):
        make_passage(f"Strike {'strike ' * n}.")
    answer = client.get("/api/passages/", {"q": "strike"}).json()
    assert (answer["count"], answer["approximate"]) == (2, True)
    monkeypatch.setattr("search.selectors.RANK_CUTOFF", 3)
    answer = client.get("/api/passages/", {"q": "strike"}).json()
    assert (answer["count"], answer["approximate"]) == (3, False)
    assert client.get("/api/passages/").json()["approximate"] is False
