"""The reading pages: the source list, a source in reading order, a passage's permalink."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from annotations.models import Tag
from annotations.services import tag_create
from corpus.models import Passage

pytestmark = pytest.mark.django_db


@pytest.fixture
def source_passages(make_passage):
    """Two chapters of body text, each with a note, in one source."""
    first = make_passage("The director handed out flats.", section_title="Chapter one")
    second = make_passage("Workers queued for sausage.", section_title="Chapter one")
    note = make_passage("See the factory newspaper.", section_title="Chapter one",
                        kind=Passage.Kind.NOTE)
    third = make_passage("A strike began in Kemerovo.", section_title="Chapter two",
                         section_authors="Petr Bizyukov")
    return first, second, note, third


def _reader_url(passage: Passage) -> str:
    return reverse("corpus:source-detail", kwargs={"slug": passage.source.slug})


def test_source_list_shows_counts_and_citation(client, source_passages, researcher, themes):
    first, *_ = source_passages
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


def test_reader_groups_passages_by_section_with_notes_apart(client, source_passages):
    first, second, note, third = source_passages
    response = client.get(_reader_url(first))
    html = response.content.decode()
    assert response.status_code == 200
    # Reading order, each passage anchored, the note in its section's notes block.
    positions = [html.index(f'id="p{passage.pk}"') for passage in (first, second, note, third)]
    assert positions == sorted(positions)
    notes_block = html[html.index('class="notes"'):html.index(f'id="p{third.pk}"')]
    assert f'id="p{note.pk}"' in notes_block
    assert f'id="p{first.pk}"' not in notes_block
    assert html.count('href="#section-') == 2  # the table of contents
    assert "Petr Bizyukov" in html
    assert f'href="/passages/{first.pk}/"' in html
    assert 'tabindex="0"' in html


def test_reader_escapes_source_text(client, make_passage):
    passage = make_passage('Evil <script>alert("x")</script> & more.')
    html = client.get(_reader_url(passage)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more." in html


def test_reader_renders_spans_escaped_with_highlights(client, make_passage, researcher, themes):
    passage = make_passage("Before <b>bold</b> after.")
    start = passage.text.index("<b>")
    tag_create(user=researcher, passage=passage, theme=themes["workerism"],
               start=start, end=start + len("<b>bold</b>"))
    html = client.get(_reader_url(passage)).content.decode()
    assert f'<mark class="hl theme-{themes["workerism"].pk}" title="Workerism, tagged by rosa">' \
        "&lt;b&gt;bold&lt;/b&gt;</mark>" in html


def _reader_with(make_passage, user, themes, *, passages: int, tags_per_passage: int):
    created = [make_passage(f"Passage number {n} about the plan and the brigade.")
               for n in range(passages)]
    for passage in created:
        for theme in list(themes.values())[:tags_per_passage]:
            tag_create(user=user, passage=passage, theme=theme, start=0, end=7, memo="m")
    return created


@pytest.mark.parametrize("role", ["anonymous", "researcher"])
def test_reader_query_count_is_constant(client, make_passage, user_for_role, researcher, themes,
                                        django_assert_num_queries, role):
    user = user_for_role(role)
    if user is not None:
        client.force_login(user)
    first = _reader_with(make_passage, researcher, themes, passages=2, tags_per_passage=1)[0]
    url = _reader_url(first)
    client.get(url)  # warm the session and template caches
    expected = 5 if user is None else 8
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    _reader_with(make_passage, researcher, themes, passages=30, tags_per_passage=3)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.content.decode().count('<article id="p') == 32


def test_reader_filters_by_theme_and_tagger(client, source_passages, researcher, other_researcher,
                                            themes):
    first, second, note, third = source_passages
    tag_create(user=researcher, passage=first, theme=themes["paternalism"])
    tag_create(user=other_researcher, passage=second, theme=themes["paternalism"])
    tag_create(user=other_researcher, passage=third, theme=themes["collective-action"])
    url = _reader_url(first)

    def shown(query: str) -> set[int]:
        html = client.get(url + query).content.decode()
        return {int(pk) for pk in re.findall(r'<article id="p(\d+)"', html)}

    assert shown("") == {first.pk, second.pk, note.pk, third.pk}
    assert shown("?theme=paternalism") == {first.pk, second.pk}
    assert shown("?tagger=karl") == {second.pk, third.pk}
    assert shown("?theme=paternalism&tagger=karl") == {second.pk}
    assert shown("?theme=workerism") == set()
    empty = client.get(url + "?theme=workerism").content.decode()
    assert "No passage matches this filter." in empty
    # The tagger menu offers the people who tagged this source.
    html = client.get(url).content.decode()
    assert "<option>karl</option>" in html and "<option>rosa</option>" in html


def test_reader_404_for_unknown_source(client, db):
    assert client.get("/sources/no-such-source/").status_code == 404


def test_passage_page_shows_context_neighbours_and_tags(client, source_passages, researcher,
                                                        themes, django_assert_num_queries):
    first, second, note, third = source_passages
    tag_create(user=researcher, passage=second, theme=themes["enterprise-dependence"],
               memo="Queues as dependence")
    # The passage with source and section, its tags, its two neighbours, the codebook.
    with django_assert_num_queries(5):
        response = client.get(f"/passages/{second.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert second.source.citation in html
    assert "Chapter one" in html
    assert f'href="{_reader_url(second)}#p{second.pk}"' in html
    assert f'href="/passages/{first.pk}/"' in html and 'rel="prev"' in html
    assert f'href="/passages/{note.pk}/"' in html and 'rel="next"' in html
    assert "Enterprise dependence" in html and "Queues as dependence" in html


def test_passage_page_section_authors(client, source_passages):
    third = source_passages[3]
    html = client.get(f"/passages/{third.pk}/").content.decode()
    assert "Petr Bizyukov" in html
    assert 'rel="next"' not in html


def test_passage_page_404(client, db):
    assert client.get("/passages/999999/").status_code == 404


@override_settings(PUBLIC_READ=False)
def test_reading_needs_login_when_not_public(client, source_passages, student):
    first = source_passages[0]
    for url in ("/sources/", _reader_url(first), f"/passages/{first.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(student)
    assert client.get(_reader_url(first)).status_code == 200


def test_student_sees_tags_without_controls(client, source_passages, researcher, student, themes):
    first = source_passages[0]
    tag_create(user=researcher, passage=first, theme=themes["paternalism"], memo="Flats")
    client.force_login(student)
    html = client.get(_reader_url(first)).content.decode()
    assert "Paternalism" in html and "Flats" in html
    assert 'class="picker"' not in html and "Remove" not in html and "data-tag-url" not in html


def test_researcher_sees_controls_only_on_own_tags(client, source_passages, researcher,
                                                  other_researcher, themes):
    first, second, *_ = source_passages
    own = tag_create(user=researcher, passage=first, theme=themes["paternalism"]).tag
    other = tag_create(user=other_researcher, passage=second, theme=themes["paternalism"]).tag
    client.force_login(researcher)
    html = client.get(_reader_url(first)).content.decode()
    assert f"/tags/{own.pk}/delete/" in html
    assert f"/tags/{other.pk}/delete/" not in html
    assert html.count('class="picker"') == 4
    assert Tag.objects.count() == 2
