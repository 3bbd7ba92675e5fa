"""The team-coding pages: agreement, compare and settle, and the coding-status control."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from annotations.models import DisagreementMemo, SectionCoding, Tag
from annotations.services import tag_create
from annotations.team_selectors import section_coding_statuses
from annotations.team_services import section_coding_mark
from corpus.models import Section

pytestmark = pytest.mark.django_db


def _compare_url(team) -> str:
    return f"/compare/?section={team.passages[0].section_id}&coders=rosa,karl"


def test_agreement_page_explains_and_cites(team, client):
    section_coding_mark(user=team.rosa, section=team.passages[0].section)
    section_coding_mark(user=team.karl, section=team.passages[0].section)
    page = client.get("/agreement/", {"coders": "rosa,karl"})
    html = page.content.decode()
    assert page.status_code == 200
    # A link's coders show as ticked boxes.
    assert re.search(r'name="coders" value="karl"[^>]*checked', html)
    assert "Computing Krippendorff's Alpha-Reliability" in html
    assert 'data-theme="paternalism"' in html
    assert "3 passages" in html
    assert f'section={team.passages[0].section_id}&amp;coders=rosa%2Ckarl' in html
    assert "Agreement</a>" in client.get("/sources/").content.decode()  # the site nav


def test_agreement_page_without_coders_shows_the_form(team, client):
    page = client.get("/agreement/")
    assert page.status_code == 200
    assert 'name="coders" value="rosa"' in page.content.decode()


def test_agreement_page_refuses_bad_coders_kindly(team, client):
    page = client.get("/agreement/", {"coders": "rosa"})
    assert page.status_code == 400
    assert "Name at least 2 coders." in page.content.decode()


def test_agreement_page_queries_are_constant(team, client, themes, django_assert_num_queries):
    params = {"coders": "rosa,karl", "source": "team-source"}
    # coders, source, themes, passages, tags; the form's choices: coders, sources, sections
    with django_assert_num_queries(8):
        client.get("/agreement/", params)
    for passage in team.passages:
        for theme in themes.values():
            tag_create(user=team.karl, passage=passage, theme=theme, start=1, end=5)
    with django_assert_num_queries(8):
        assert client.get("/agreement/", params).status_code == 200


def test_compare_lists_every_disagreement(team, client):
    html = client.get(_compare_url(team)).content.decode()
    # Passage 1: paternalism on different words; passage 2: collective action whole vs
    # span; the note: paternalism by karl only.
    assert "3 disagreements" in html
    assert "both applied it, to different words" in html
    first = team.passages[0].text
    assert f'Only rosa: <mark class="hl only">{first[4:13]}</mark>' in html
    assert f'Only karl: <mark class="hl only">{first[40:45]}</mark>' in html
    assert "karl applied it here, rosa did not." in html
    assert html.count('class="disagreement theme-') == 3
    section_id = team.passages[0].section_id
    assert f'href="/agreement/?coders=rosa%2Ckarl&amp;section={section_id}"' in html
    assert '<mark class="hl theme-' in html


def test_compare_chooser_and_bad_input(team, client):
    assert client.get("/compare/").status_code == 200
    assert client.get("/compare/", {"section": team.passages[0].section_id,
                                    "coders": "rosa"}).status_code == 400
    assert client.get("/compare/", {"section": "nope", "coders": "rosa,karl"}).status_code == 400


def test_compare_queries_are_constant(team, client, themes, django_assert_num_queries):
    client.force_login(team.rosa)
    client.get(_compare_url(team))
    # session, user, researcher group, section, coders, themes, passages, tags, memos,
    # coding status
    with django_assert_num_queries(10):
        client.get(_compare_url(team))
    for passage in team.passages:
        for theme in themes.values():
            tag_create(user=team.karl, passage=passage, theme=theme, start=2, end=6)
    DisagreementMemo.objects.create(
        source_id=team.passages[0].source_id, passage=team.passages[0],
        theme=themes["paternalism"], coder_a=team.rosa, coder_b=team.karl, author=team.rosa,
        text="A memo.",
    )
    with django_assert_num_queries(10):
        assert client.get(_compare_url(team)).status_code == 200


def test_adopt_from_the_comparison(team, client):
    client.force_login(team.rosa)
    karls = Tag.objects.get(user=team.karl, passage=team.passages[2])
    response = client.post(f"/tags/{karls.pk}/adopt/", {"next": _compare_url(team)})
    assert response.status_code == 302
    assert response["Location"] == _compare_url(team)
    assert Tag.objects.filter(user=team.rosa, passage=team.passages[2],
                              theme=karls.theme, start=None).exists()
    html = client.get(_compare_url(team)).content.decode()
    assert "2 disagreements" in html
    # Somewhere else entirely is not a place to go back to.
    away = client.post(f"/tags/{karls.pk}/adopt/", {"next": "https://evil.example/"})
    assert away["Location"] == f"/passages/{team.passages[2].pk}/"


def test_a_student_cannot_adopt_or_mark_done(team, client, student):
    client.force_login(student)
    karls = Tag.objects.filter(user=team.karl).first()
    assert client.post(f"/tags/{karls.pk}/adopt/").status_code == 403
    assert client.post(f"/sections/{team.passages[0].section_id}/coding/",
                       {"done": "on"}).status_code == 403
    assert not SectionCoding.objects.exists()


def test_memo_from_the_comparison(team, client):
    client.force_login(team.karl)
    response = client.post("/disagreement-memos/", {
        "passage": team.passages[2].pk, "theme": "paternalism", "coders": "rosa,karl",
        "text": "The note names the director: paternalism.", "next": _compare_url(team),
    })
    assert response.status_code == 302
    html = client.get(_compare_url(team)).content.decode()
    assert "The note names the director: paternalism." in html
    empty = client.post("/disagreement-memos/", {
        "passage": team.passages[2].pk, "theme": "paternalism", "coders": "rosa,karl",
        "text": "  "})
    assert empty.status_code == 400


def test_mark_done_without_javascript_and_with_htmx(team, client):
    client.force_login(team.rosa)
    section = team.passages[0].section
    url = f"/sections/{section.pk}/coding/"
    plain = client.post(url, {"done": "on", "next": _compare_url(team)})
    assert plain.status_code == 302
    assert plain["Location"] == _compare_url(team)
    assert SectionCoding.objects.filter(user=team.rosa, section=section).exists()
    section_coding_mark(user=team.karl, section=section)
    fragment = client.post(url, {"done": "", "next": _compare_url(team)}, HTTP_HX_REQUEST="true")
    assert not SectionCoding.objects.filter(user=team.rosa, section=section).exists()
    html = fragment.content.decode()
    assert "Mark this chapter done" in html
    assert "Finished by karl." in html
    fragment = client.post(url, {"done": "on"}, HTTP_HX_REQUEST="true")
    assert "Done ✓" in fragment.content.decode()
    fallback = client.post(url, {"done": ""})
    assert fallback["Location"] == f"/sources/team-source/#{section.anchor}"


def test_coding_status_tag_for_the_reader(team, rf: RequestFactory, django_assert_num_queries):
    sections = Section.objects.filter(source__slug="team-source")
    section_coding_mark(user=team.karl, section=team.passages[0].section)
    with django_assert_num_queries(2):  # the sections, their marks
        statuses = section_coding_statuses(sections=sections)
    request = rf.get("/sources/team-source/")
    request.user = team.rosa
    template = Template("{% load coding %}{% for section in sections %}"
                        "{% coding_status section statuses %}{% endfor %}")
    html = template.render(Context({"sections": sections, "statuses": statuses,
                                    "request": request, "user": team.rosa, "can_tag": True}))
    assert html.count("Mark this chapter done") == 2
    assert html.count("Finished by karl.") == 1


def test_hostile_text_stays_text(client, make_user, make_passage, themes):
    payload = '<img src=x onerror="alert(1)">'
    passage = make_passage(f"Flats for loyal workers {payload} and vouchers.",
                           section_title=f"Chapter {payload}")
    first, second = make_user(f"a{payload}", role="researcher"), make_user("b", role="researcher")
    tag_create(user=first, passage=passage, theme=themes["paternalism"], start=0, end=30)
    DisagreementMemo.objects.create(source_id=passage.source_id, passage=passage,
                                    theme=themes["paternalism"], coder_a=first, coder_b=second,
                                    author=first, text=payload)
    section_coding_mark(user=second, section=passage.section)
    client.force_login(second)
    coders = f"{first.username},b"
    for url, params in (("/compare/", {"section": passage.section_id, "coders": coders}),
                        ("/agreement/", {"section": passage.section_id, "coders": coders}),
                        ("/agreement/", {"coders": f"{payload},b"})):
        html = client.get(url, params).content.decode()
        assert "<img" not in html, url
        assert "&lt;img src=x" in html, url
