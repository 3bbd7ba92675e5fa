"""The reading pages: one section of a source, its passages with their tags, the
codebook panel, the coder switch, footnote markers, words to mark from search."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from annotations.models import Tag
from annotations.selectors import passage_pieces
from annotations.services import tag_create
from corpus.models import Passage

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_and_others(two_chapters, researcher, other_researcher, themes) -> tuple[Tag, Tag]:
    """A tag of the researcher's and one of another researcher's, on the first passage."""
    first = two_chapters[0]
    return (tag_create(user=researcher, passage=first, theme=themes["paternalism"]).tag,
            tag_create(user=other_researcher, passage=first, theme=themes["workerism"]).tag)


def _url(passage: Passage, query: str = "") -> str:
    return reverse("annotations:section-read",
                   kwargs={"slug": passage.source.slug, "ordinal": passage.section.ordinal}) + query


def _shown(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article id="p(\d+)"', html)]


def test_a_reading_page_holds_one_section_with_its_notes_and_neighbours(client, two_chapters):
    first, second, note, third = two_chapters
    html = client.get(_url(first)).content.decode()
    assert _shown(html) == [first.pk, second.pk, note.pk]
    notes = html[html.index('class="notes"'):]
    assert f'id="p{note.pk}"' in notes and f'id="p{first.pk}"' not in notes
    assert f'rel="next" href="{_url(third)}' in html and 'rel="prev"' not in html
    assert 'aria-current="page"' in html  # the contents mark this section
    html = client.get(_url(third)).content.decode()
    assert _shown(html) == [third.pk] and "Petr Bizyukov" in html
    assert f'rel="prev" href="{_url(first)}' in html


def test_a_passage_is_its_text_chips_and_one_focusable_element(client, two_chapters, researcher,
                                                               themes):
    first = two_chapters[0]
    tag_create(user=researcher, passage=first, theme=themes["paternalism"])
    client.force_login(researcher)
    html = client.get(_url(first)).content.decode()
    article = re.search(rf'<article id="p{first.pk}".*?</article>', html, re.S).group(0)
    assert 'tabindex="0"' in article
    # No per-passage forms or buttons: one toolbar acts on the focused passage.
    assert "<form" not in article and "<button" not in article
    # Its links (permalink, notes) are for the mouse: Tab stops once, on the passage.
    links = re.findall(r"<a [^>]*>", article.split("<noscript>")[0])
    assert links and all('tabindex="-1"' in link for link in links)
    assert html.count('id="tag-toolbar"') == 1 and html.count('id="span-picker"') == 1


def test_source_text_and_spans_are_escaped(client, make_passage, researcher, themes):
    passage = make_passage('Before <b>bold</b> & "after".')
    start = passage.text.index("<b>")
    tag_create(user=researcher, passage=passage, theme=themes["workerism"],
               start=start, end=start + len("<b>bold</b>"))
    html = client.get(_url(passage)).content.decode()
    assert "<b>bold" not in html
    assert (f'<mark class="hl theme-{themes["workerism"].pk}" title="Workerism, tagged by rosa">'
            "&lt;b&gt;bold&lt;/b&gt;</mark>") in html


def test_the_toolbar_shows_each_themes_name_key_and_definition(client, two_chapters, researcher,
                                                                themes):
    client.force_login(researcher)
    html = client.get(_url(two_chapters[0])).content.decode()
    toolbar = html[html.index('id="tag-toolbar"'):html.index('id="span-picker"')]
    for key, theme in enumerate(themes.values(), start=1):
        assert f'data-key="{key}"' in toolbar
        assert theme.name in toolbar
        assert f'title="{escape(theme.definition)}"' in toolbar


def test_number_keys_follow_the_codebooks_choice(client, two_chapters, researcher, themes):
    # Researchers chose the keys on the codebook page: only those themes get one.
    themes["workerism"].key, themes["paternalism"].key = 1, 2
    for theme in (themes["workerism"], themes["paternalism"]):
        theme.save(update_fields=["key"])
    client.force_login(researcher)
    html = client.get(_url(two_chapters[0])).content.decode()
    toolbar = html[html.index('id="tag-toolbar"'):html.index('id="span-picker"')]
    keyed = dict(re.findall(r'data-theme="([\w-]+)" data-key="(\d)"', toolbar))
    assert keyed == {"workerism": "1", "paternalism": "2"}


def test_students_and_visitors_get_no_tagging_controls(client, two_chapters, researcher, student,
                                                       themes):
    tag_create(user=researcher, passage=two_chapters[0], theme=themes["paternalism"], memo="Flats")
    for user in (student, None):
        if user is not None:
            client.force_login(user)
        html = client.get(_url(two_chapters[0])).content.decode()
        assert "Paternalism" in html and "Flats" in html
        assert 'id="tag-toolbar"' not in html and 'id="span-picker"' not in html
        assert "data-may-change" not in html
        assert "Codebook" in html  # the codebook panel is for everyone


def test_chips_tell_coders_apart_and_mark_your_own(client, two_chapters, researcher,
                                                   other_researcher, own_and_others):
    first = two_chapters[0]
    own, other = own_and_others
    client.force_login(researcher)
    html = client.get(_url(first)).content.decode()
    own_chip = re.search(rf'<li class="chip[^"]*"[^>]*data-tag="{own.pk}"[^>]*>', html).group(0)
    other_chip = re.search(rf'<li class="chip[^"]*"[^>]*data-tag="{other.pk}"[^>]*>', html).group(0)
    assert " mine" in own_chip and "data-may-change" in own_chip
    assert " mine" not in other_chip and "data-may-change" not in other_chip
    assert f"coder-{researcher.pk % 8}" in own_chip
    assert f"coder-{other_researcher.pk % 8}" in other_chip
    assert '<span class="chip-who" aria-hidden="true">RO</span>' in html
    assert '<span class="chip-who" aria-hidden="true">KA</span>' in html


def test_the_coder_switch_filters_the_chips_themselves(client, two_chapters, researcher,
                                                       other_researcher, themes):
    first, second, *_ = two_chapters
    tag_create(user=researcher, passage=first, theme=themes["paternalism"])
    tag_create(user=other_researcher, passage=first, theme=themes["workerism"])
    tag_create(user=other_researcher, passage=second, theme=themes["workerism"])
    client.force_login(researcher)
    everyone = client.get(_url(first)).content.decode()
    assert everyone.count('class="chip ') == 3
    mine = client.get(_url(first, "?tagger=rosa")).content.decode()
    assert mine.count('class="chip ') == 1 and '<option value="rosa" selected>me</option>' in mine
    karl = client.get(_url(first, "?tagger=karl")).content.decode()
    assert karl.count('class="chip ') == 2 and "Paternalism</span>" not in karl
    # Every passage still shows: the switch filters chips, the theme filter passages.
    assert len(_shown(karl)) == 3


def test_the_codebook_counts_the_page_and_filters_it_to_a_theme(client, two_chapters, researcher,
                                                                other_researcher, themes):
    first, second, note, _ = two_chapters
    tag_create(user=researcher, passage=first, theme=themes["paternalism"])
    tag_create(user=other_researcher, passage=second, theme=themes["paternalism"])
    tag_create(user=other_researcher, passage=second, theme=themes["workerism"])
    html = client.get(_url(first)).content.decode()
    paternalism = themes["paternalism"]
    assert f'data-theme-count="{paternalism.pk}" title="Tags shown on this page">2<' in html
    assert escape(paternalism.definition) in html
    assert 'href="?theme=paternalism#passages"' in html
    assert _shown(client.get(_url(first, "?theme=paternalism")).content.decode()) == [
        first.pk, second.pk]
    assert _shown(client.get(_url(first, "?theme=paternalism&tagger=karl")).content.decode()) \
        == [second.pk]
    empty = client.get(_url(first, "?theme=collective-action")).content.decode()
    assert _shown(empty) == [] and "No passage of this section matches." in empty


def test_words_from_search_are_marked_and_the_way_back_offered(client, two_chapters):
    first = two_chapters[0]
    html = client.get(_url(first, "?hl=FLATS&hl=the&back=/search/%3Fq%3Dflats")).content.decode()
    assert '<mark class="hit">flats</mark>' in html
    assert '<mark class="hit">The</mark>' in html
    assert 'class="back-to-results" href="/search/?q=flats"' in html
    # Links within the page keep the marks and the way back.
    assert "hl=FLATS&amp;hl=the" in html
    for foreign in ("https://evil.example/", "//evil.example/", "/admin/"):
        page = client.get(_url(first, f"?back={foreign}")).content.decode()
        assert "back-to-results" not in page


def test_search_marks_are_escaped_and_whole_words(client, make_passage):
    passage = make_passage("Their theme: <the> plan.")
    html = client.get(_url(passage, "?hl=the&hl=<script>")).content.decode()
    assert '&lt;<mark class="hit">the</mark>&gt;' in html
    assert "Their" in html and "<mark class=\"hit\">The" not in html
    assert "<script>" not in html


def test_footnote_markers_link_to_their_note_and_back(client, make_passage):
    body = make_passage("Wages fell. Prices rose.", section_title="Chapter one")
    note = make_passage("Goskomstat figures.", section_title="Chapter one",
                        kind=Passage.Kind.NOTE)
    Passage.objects.filter(pk=body.pk).update(
        note_markers=[{"offset": 11, "label": "1"}, {"offset": 24, "label": "7"}])
    html = client.get(_url(body)).content.decode()
    # The marker stands where it was printed, linked to the note of that label.
    assert (f'Wages fell.<sup class="fn"><a href="#p{note.pk}" tabindex="-1" '
            f'id="ref-{body.pk}-1">1<span class="visually-hidden"> (note)</span></a></sup> '
            "Prices rose.") in html
    assert '<sup class="fn">7</sup>' in html  # no note 7 in this section: no link
    assert f'class="fn-back" href="#ref-{body.pk}-1"' in html


def test_text_pieces_add_no_characters():
    markers = [{"offset": 3, "label": "2"}, {"offset": 99, "label": "x"}]
    pieces = passage_pieces(text="One two three.", tags=[], markers=markers)
    assert "".join(piece.text for piece in pieces) == "One two three."
    assert [marker.label for piece in pieces for marker in piece.markers] == ["2"]


@pytest.mark.parametrize("role", ["anonymous", "student", "researcher"])
def test_reading_page_query_count_is_constant(client, make_passage, user_for_role, researcher,
                                              other_researcher, themes, django_assert_num_queries,
                                              role):
    user = user_for_role(role)
    if user is not None:
        client.force_login(user)
    first = make_passage("Passage one about the plan.", section_title="Chapter one")
    url = _url(first)
    client.get(url)  # warm the session
    # Source, sections, passages, tags, codebook, coders, who finished the chapter; and
    # the session, user and groups.
    expected = {"anonymous": 7, "student": 10, "researcher": 10}[role]
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    for n in range(30):
        passage = make_passage(f"Passage {n} about the plan and the brigade.",
                               section_title="Chapter one")
        for tagger in (researcher, other_researcher):
            for theme in list(themes.values())[:3]:
                tag_create(user=tagger, passage=passage, theme=theme, start=0, end=7, memo="m")
    with django_assert_num_queries(expected):
        response = client.get(url + "?hl=plan")
    assert len(_shown(response.content.decode())) == 31


def test_unknown_section_or_source_is_a_404(client, two_chapters):
    assert client.get(f"/sources/{two_chapters[0].source.slug}/99/").status_code == 404
    assert client.get("/sources/no-such-source/1/").status_code == 404


# --- The passage's own page: tagging without JavaScript ----------------------------


def test_the_passage_page_has_plain_forms_for_researchers(client, two_chapters, researcher,
                                                          own_and_others):
    first = two_chapters[0]
    own, other = own_and_others
    client.force_login(researcher)
    html = client.get(f"/passages/{first.pk}/tagging/").content.decode()
    assert f'action="/passages/{first.pk}/tags/"' in html
    assert f'action="/tags/{own.pk}/delete/"' in html and f'action="/tags/{own.pk}/memo/"' in html
    assert f"/tags/{other.pk}/" not in html
    assert 'name="words"' in html


def test_the_passage_page_has_no_forms_for_students(client, two_chapters, student):
    client.force_login(student)
    html = client.get(f"/passages/{two_chapters[0].pk}/tagging/").content.decode()
    assert "<form" not in html.split('<main')[1].split("</main>")[0].replace(
        '<form method="post" action="/accounts/logout/"', "")
    assert client.get("/passages/999999/tagging/").status_code == 404


def test_removing_without_javascript_offers_undo_on_the_page(client, two_chapters, researcher,
                                                            themes):
    first = two_chapters[0]
    tag = tag_create(user=researcher, passage=first, theme=themes["paternalism"],
                     memo="Housing as reward.").tag
    client.force_login(researcher)
    page = f"http://testserver/passages/{first.pk}/tagging/"
    response = client.post(f"/tags/{tag.pk}/delete/", HTTP_REFERER=page)
    assert response["Location"] == f"{page}#p{first.pk}"
    assert not Tag.objects.exists()
    html = client.get(f"/passages/{first.pk}/tagging/").content.decode()
    token = re.search(r'name="undo" value="([^"]+)"', html).group(1)
    client.post("/tags/restore/", {"undo": token}, HTTP_REFERER=page)
    restored = Tag.objects.get()
    assert (restored.theme, restored.user, restored.memo, restored.start) == (
        themes["paternalism"], researcher, "Housing as reward.", None)


def test_the_passage_page_query_count_is_constant(client, two_chapters, researcher, themes,
                                                  other_researcher, django_assert_num_queries):
    first = two_chapters[0]
    client.force_login(researcher)
    url = f"/passages/{first.pk}/tagging/"
    client.get(url)
    # Passage with source and section, it as the reader shows it (passage, note index,
    # tags), the codebook; the session, user and groups.
    with django_assert_num_queries(8):
        client.get(url)
    for theme in themes.values():
        for tagger in (researcher, other_researcher):
            tag_create(user=tagger, passage=first, theme=theme, memo="m")
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
