"""The corpus pages: the source list, a source's overview, a passage's permalink.

The reading pages themselves (passages with their tags) are tested in
``tests/annotations/test_reader.py``."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from annotations.services import tag_create
from corpus.models import Passage

pytestmark = pytest.mark.django_db


def _reader_url(passage: Passage) -> str:
    return reverse("corpus:source-detail", kwargs={"slug": passage.source.slug})


def _section_url(passage: Passage) -> str:
    return f"/sources/{passage.source.slug}/{passage.section.ordinal}/"


def test_source_list_shows_counts_and_citation(client, two_chapters, researcher, themes):
    first, *_ = two_chapters
    tag_create(user=researcher, passage=first, theme=themes["paternalism"])
    for url in ("/", "/sources/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert first.source.citation in html
        assert "<strong>3</strong> passages" in html
        assert "<strong>1</strong> note" in html
        assert "<strong>2</strong> sections" in html
        assert "<strong>1</strong> tag" in html
        assert f'href="{_reader_url(first)}"' in html


def test_source_list_queries_do_not_grow_with_sources(client, make_passage,
                                                      django_assert_num_queries):
    make_passage("One.", source_slug="one")
    with django_assert_num_queries(1):
        client.get("/sources/")
    for slug in ("two", "three", "four"):
        make_passage("Text.", source_slug=slug)
    with django_assert_num_queries(1):
        client.get("/sources/")


def test_source_overview_lists_the_sections_as_reading_pages(client, two_chapters,
                                                             django_assert_num_queries):
    first, _second, _note, third = two_chapters
    with django_assert_num_queries(2):
        response = client.get(_reader_url(first))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{_section_url(first)}"' in html and f'href="{_section_url(third)}"' in html
    assert "2 passages, 1 note" in html and "Petr Bizyukov" in html
    assert "js/permalink.js" in html
    assert "<article" not in html  # the passages are on the reading pages


def test_source_overview_404_for_unknown_source(client, db):
    assert client.get("/sources/no-such-source/").status_code == 404


def test_permalink_lands_on_the_section_page_at_the_passage(client, two_chapters,
                                                            django_assert_num_queries):
    third = two_chapters[3]
    with django_assert_num_queries(1):
        response = client.get(f"/passages/{third.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{_section_url(third)}#p{third.pk}"


def test_permalink_keeps_the_words_to_mark_and_the_way_back(client, two_chapters):
    first = two_chapters[0]
    response = client.get(f"/passages/{first.pk}/?hl=flats&hl=plan&back=/search/%3Fq%3Dflats")
    assert response["Location"] == (
        f"{_section_url(first)}?hl=flats&hl=plan&back=%2Fsearch%2F%3Fq%3Dflats#p{first.pk}"
    )


def test_old_fragment_links_have_a_no_js_way(client, two_chapters):
    first = two_chapters[0]
    response = client.get(f"/passages/?passage=p{first.pk}")
    assert response.status_code == 302 and response["Location"] == f"/passages/{first.pk}/"
    assert client.get("/passages/?passage=nonsense").status_code == 400


def test_passage_permalink_404(client, db):
    assert client.get("/passages/999999/").status_code == 404


@override_settings(PUBLIC_READ=False)
def test_reading_needs_login_when_not_public(client, two_chapters, student):
    first = two_chapters[0]
    for url in ("/sources/", _reader_url(first), f"/passages/{first.pk}/", _section_url(first),
                f"/passages/{first.pk}/tagging/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(student)
    assert client.get(_section_url(first)).status_code == 200
