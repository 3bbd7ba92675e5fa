"""The tagging endpoints and the theme pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from annotations import services
from annotations.models import Tag
from annotations.services import tag_create

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def passage(make_passage):
    return make_passage("The director handed out flats to loyal brigade leaders.")


@pytest.fixture
def as_researcher(client, researcher):
    client.force_login(researcher)
    return client


def _create_url(passage) -> str:
    return f"/passages/{passage.pk}/tags/"


# --- Creating tags ----------------------------------------------------------


def test_htmx_tag_returns_the_passage_fragment(as_researcher, passage,
                                                django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = as_researcher.post(_create_url(passage), {"theme": "paternalism"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<article id="p{passage.pk}"')
    assert "<html" not in html
    assert "Paternalism" in html and 'class="chip theme-' in html
    assert json.loads(response["HX-Trigger"]) == {
        "tag-status": {"message": "Passage tagged Paternalism."}
    }
    tag = Tag.objects.get()
    assert (tag.passage, tag.start, tag.end, tag.quote) == (passage, None, None, passage.text)


def test_tagging_is_idempotent(as_researcher, passage):
    for _ in range(2):
        response = as_researcher.post(_create_url(passage), {"theme": "paternalism"}, **HTMX)
        assert response.status_code == 200
    assert Tag.objects.count() == 1
    assert "already tagged" in response["HX-Trigger"]


def test_span_tag_is_highlighted(as_researcher, passage, themes):
    start = passage.text.index("flats")
    response = as_researcher.post(
        _create_url(passage),
        {"theme": "enterprise-dependence", "start": start, "end": start + 5, "memo": "Housing"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<mark class="hl theme-{themes["enterprise-dependence"].pk}"' in html
    assert ">flats</mark>" in html
    assert "Housing" in html
    tag = Tag.objects.get()
    assert (tag.start, tag.end, tag.quote, tag.memo) == (start, start + 5, "flats", "Housing")


def test_plain_form_post_redirects_back_to_the_passage(as_researcher, passage):
    reader = "http://testserver/sources/test-source/?theme=x"
    response = as_researcher.post(_create_url(passage), {"theme": "workerism"}, HTTP_REFERER=reader)
    assert response.status_code == 302
    assert response["Location"] == f"{reader}#p{passage.pk}"
    # A foreign or missing referrer gives way to the passage's own page.
    for headers in ({"HTTP_REFERER": "https://evil.example/"}, {}):
        response = as_researcher.post(_create_url(passage), {"theme": "workerism"}, **headers)
        assert response["Location"] == f"/passages/{passage.pk}/tagging/#p{passage.pk}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a theme."),
        ({"theme": "nonsense"}, "That theme is not in the codebook."),
        ({"theme": "paternalism", "start": 3}, "Give both start and end"),
        ({"theme": "paternalism", "start": 5, "end": 2}, "A span needs"),
        ({"theme": "paternalism", "start": 0, "end": 9999}, "A span needs"),
        ({"theme": "paternalism", "start": "x", "end": 3}, "Enter a whole number."),
        ({"theme": "paternalism", "start": -1, "end": 3}, "greater than or equal to 0"),
        ({"theme": "paternalism", "memo": "m" * 10_001}, "at most 10000 characters"),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_input_is_a_400_with_a_message(as_researcher, passage, data, message, htmx):
    response = as_researcher.post(_create_url(passage), data, **(HTMX if htmx else {}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Tag.objects.count() == 0


def test_tagging_a_missing_passage_is_a_404(as_researcher, db):
    response = as_researcher.post("/passages/999999/tags/", {"theme": "paternalism"}, **HTMX)
    assert response.status_code == 404


@pytest.mark.parametrize("htmx", [True, False])
def test_readers_may_not_tag(client, student, passage, htmx):
    client.force_login(student)
    response = client.post(_create_url(passage), {"theme": "paternalism"}, **(HTMX if htmx else {}))
    assert response.status_code == 403
    assert "Only researchers may tag" in response.content.decode()
    if not htmx:
        assert "<h1>Not allowed</h1>" in response.content.decode()
    assert Tag.objects.count() == 0


def test_tag_endpoints_refuse_get(as_researcher, passage):
    assert as_researcher.get(_create_url(passage)).status_code == 405


def test_tagging_needs_the_csrf_token(researcher, passage):
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher)
    assert client.post(_create_url(passage), {"theme": "paternalism"}).status_code == 403
    assert Tag.objects.count() == 0


# --- Memos and removal --------------------------------------------------------


@pytest.fixture
def own_tag(researcher, passage, themes):
    return tag_create(user=researcher, passage=passage, theme=themes["paternalism"]).tag


@pytest.fixture
def others_tag(other_researcher, passage, themes):
    return tag_create(user=other_researcher, passage=passage, theme=themes["workerism"]).tag


def test_memo_is_saved_and_shown(as_researcher, own_tag):
    response = as_researcher.post(f"/tags/{own_tag.pk}/memo/", {"memo": "  <i>Flats</i>  "}, **HTMX)
    assert response.status_code == 200
    own_tag.refresh_from_db()
    assert own_tag.memo == "<i>Flats</i>"
    assert "&lt;i&gt;Flats&lt;/i&gt;" in response.content.decode()
    assert "Memo saved." in response["HX-Trigger"]


def test_memo_without_js_redirects(as_researcher, own_tag, passage):
    response = as_researcher.post(f"/tags/{own_tag.pk}/memo/", {"memo": "x"},
                                  HTTP_REFERER="http://testserver/sources/")
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver/sources/#p{passage.pk}"


def test_memo_on_someone_elses_tag_is_refused(as_researcher, others_tag):
    response = as_researcher.post(f"/tags/{others_tag.pk}/memo/", {"memo": "mine now"}, **HTMX)
    assert response.status_code == 403
    others_tag.refresh_from_db()
    assert others_tag.memo == ""


def test_staff_may_edit_anyones_memo(client, staff_user, others_tag):
    client.force_login(staff_user)
    response = client.post(f"/tags/{others_tag.pk}/memo/", {"memo": "checked"}, **HTMX)
    assert response.status_code == 200
    others_tag.refresh_from_db()
    assert others_tag.memo == "checked"


def test_memo_too_long_is_a_400(as_researcher, own_tag):
    response = as_researcher.post(f"/tags/{own_tag.pk}/memo/", {"memo": "m" * 10_001}, **HTMX)
    assert response.status_code == 400


def test_remove_own_tag(as_researcher, own_tag, others_tag, passage):
    response = as_researcher.post(f"/tags/{own_tag.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert list(Tag.objects.all()) == [others_tag]
    removed = json.loads(response["HX-Trigger"])["tag-removed"]
    assert removed["message"] == "Paternalism tag removed." and removed["undo"]
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="p{passage.pk}"')
    assert '<span class="chip-label">Workerism</span>' in html
    assert '<span class="chip-label">Paternalism</span>' not in html


def test_remove_someone_elses_tag_is_refused(as_researcher, others_tag):
    assert as_researcher.post(f"/tags/{others_tag.pk}/delete/", **HTMX).status_code == 403
    assert as_researcher.post(f"/tags/{others_tag.pk}/delete/").status_code == 403
    assert Tag.objects.filter(pk=others_tag.pk).exists()


def test_student_may_not_remove(client, student, own_tag):
    client.force_login(student)
    assert client.post(f"/tags/{own_tag.pk}/delete/").status_code == 403
    assert client.post(f"/tags/{own_tag.pk}/memo/", {"memo": "x"}).status_code == 403
    assert Tag.objects.filter(pk=own_tag.pk).exists()


def test_removing_a_removed_tag_is_a_404(as_researcher, own_tag):
    as_researcher.post(f"/tags/{own_tag.pk}/delete/", **HTMX)
    response = as_researcher.post(f"/tags/{own_tag.pk}/delete/", **HTMX)
    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


def test_changing_an_orphan_goes_to_the_orphan_list(as_researcher, own_tag):
    Tag.objects.filter(pk=own_tag.pk).update(passage=None)
    response = as_researcher.post(f"/tags/{own_tag.pk}/memo/", {"memo": "lost"})
    assert response.status_code == 302 and response["Location"] == "/themes/orphans/"
    response = as_researcher.post(f"/tags/{own_tag.pk}/delete/", **HTMX)
    assert response["HX-Redirect"] == "/themes/orphans/"
    assert not Tag.objects.exists()


# --- Theme pages --------------------------------------------------------------


@pytest.fixture
def tagged(make_passage, researcher, other_researcher, themes):
    kotkin = make_passage("Magnitogorsk steel workers waited for flats.", source_slug="kotkin")
    crowley = make_passage("Miners struck in 1989 across the Kuzbass.", source_slug="crowley")
    tag_create(user=researcher, passage=kotkin, theme=themes["paternalism"], memo="Housing memo")
    tag_create(user=other_researcher, passage=kotkin, theme=themes["paternalism"], start=0, end=12)
    tag_create(user=researcher, passage=crowley, theme=themes["collective-action"])
    return kotkin, crowley


def test_theme_list_shows_codebook_counts_and_chart(client, tagged, django_assert_num_queries):
    # Themes with counts, memos, examples; sources and counts for the chart.
    with django_assert_num_queries(5):
        response = client.get("/themes/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Paternalism" in html and "the labour collective" in html
    assert "2 tags on 1 passage" in html
    assert "1 tag on 1 passage" in html
    assert '<rect width="100" height="12" fill="#b5443a"/>' in html
    assert 'href="/themes/paternalism/"' in html


def test_theme_detail_lists_excerpts(client, tagged, django_assert_num_queries):
    kotkin, _ = tagged
    # The theme, the codebook (its tree), sources and chart, excerpts (count and page),
    # memos, examples, history.
    with django_assert_num_queries(9):
        response = client.get("/themes/paternalism/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 excerpts" in html
    assert '<mark class="hl">Magnitogorsk</mark>' in html
    assert "Housing memo" in html
    assert "tagged by karl" in html and "tagged by rosa (whole passage)" in html
    assert f'href="/sources/kotkin/#p{kotkin.pk}"' in html


def test_theme_detail_filters_by_source_and_paginates(client, make_passage, researcher, themes):
    for n in range(30):
        passage = make_passage(f"Shock workers number {n}.", source_slug="graziosi")
        tag_create(user=researcher, passage=passage, theme=themes["workerism"])
    html = client.get("/themes/workerism/").content.decode()
    assert "30 excerpts" in html and "Page 1 of 2" in html and "page=2" in html
    html = client.get("/themes/workerism/?page=2").content.decode()
    assert "Shock workers number 29." in html
    assert "0 excerpts" in client.get("/themes/workerism/?source=kotkin").content.decode()


def test_unknown_theme_is_a_404(client, db):
    assert client.get("/themes/no-such-theme/").status_code == 404


def test_orphans_are_not_shadowed_by_a_theme(client, tagged, researcher):
    Tag.objects.filter(memo="Housing memo").update(passage=None)
    response = client.get("/themes/orphans/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Orphaned tags" in html and "Housing memo" in html


def test_theme_colours_stylesheet(client, themes):
    response = client.get("/themes/colours.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert f".theme-{themes['paternalism'].pk} {{ --tc: #b5443a; }}" in response.content.decode()
    again = client.get("/themes/colours.css", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


class TestTaggingWordsWithoutSelecting:
    """The keyboard and no-JavaScript way to tag a span: type its words."""

    TEXT = "The plan came first. The director gave flats; the plan came first again."

    @pytest.fixture
    def passage(self, make_passage):
        return make_passage(self.TEXT)

    def test_the_typed_words_become_a_span(self, client, researcher, passage):
        client.force_login(researcher)
        response = client.post(f"/passages/{passage.pk}/tags/",
                               {"theme": "paternalism", "words": "director  gave FLATS"})
        assert response.status_code == 302
        tag = Tag.objects.get()
        assert (tag.quote, tag.start) == ("director gave flats", self.TEXT.index("director"))

    @pytest.mark.parametrize(("words", "message"), [
        ("plan came first", "occurs 2 times"),
        ("housing", "is not in this passage"),
    ])
    def test_missing_or_ambiguous_words_are_explained(self, client, researcher, passage,
                                                      words, message):
        client.force_login(researcher)
        response = client.post(f"/passages/{passage.pk}/tags/",
                               {"theme": "paternalism", "words": words})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Tag.objects.exists()

    def test_words_and_offsets_together_are_refused(self, client, researcher, passage):
        client.force_login(researcher)
        response = client.post(f"/passages/{passage.pk}/tags/",
                               {"theme": "paternalism", "words": "plan", "start": 0, "end": 3})
        assert response.status_code == 400

    def test_the_passage_page_offers_the_words_form_to_researchers_only(
        self, client, researcher, student, passage
    ):
        client.force_login(researcher)
        page = client.get(f"/passages/{passage.pk}/tagging/").content.decode()
        assert 'name="words"' in page
        client.force_login(student)
        page = client.get(f"/passages/{passage.pk}/tagging/").content.decode()
        assert 'name="words"' not in page


def test_blank_words_are_an_error_not_a_whole_passage_tag(client, researcher, make_passage):
    passage = make_passage("The plan came first.")
    client.force_login(researcher)
    response = client.post(f"/passages/{passage.pk}/tags/",
                           {"theme": "paternalism", "words": "   "})
    assert response.status_code == 400
    assert not Tag.objects.exists()


# --- Undoing a removal ---------------------------------------------------------------


def _remove(client, tag) -> str:
    response = client.post(f"/tags/{tag.pk}/delete/", **HTMX)
    return json.loads(response["HX-Trigger"])["tag-removed"]["undo"]


def test_undo_restores_the_same_tag_memo_included(as_researcher, researcher, passage, themes):
    start = passage.text.index("flats")
    tag = tag_create(user=researcher, passage=passage, theme=themes["workerism"], start=start,
                     end=start + 5, memo="Housing as reward.").tag
    token = _remove(as_researcher, tag)
    assert not Tag.objects.exists()
    response = as_researcher.post("/tags/restore/", {"undo": token}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#p{passage.pk}" and response["HX-Reswap"] == "outerHTML"
    assert "Workerism tag restored." in response["HX-Trigger"]
    restored = Tag.objects.get()
    assert (restored.passage, restored.theme, restored.user, restored.start, restored.end,
            restored.quote, restored.memo) == (passage, themes["workerism"], researcher, start,
                                               start + 5, "flats", "Housing as reward.")
    # Undoing twice gives the one tag back, not two.
    assert as_researcher.post("/tags/restore/", {"undo": token}, **HTMX).status_code == 200
    assert Tag.objects.count() == 1


def test_undo_racing_an_identical_tag_gives_that_tag_back(as_researcher, researcher, passage,
                                                         themes, monkeypatch):
    tag = tag_create(user=researcher, passage=passage, theme=themes["workerism"]).tag
    token = _remove(as_researcher, tag)
    # The identical tag appears between the restore's look and its write (Undo clicked
    # twice, or the passage tagged again meanwhile): the look misses it once.
    again = tag_create(user=researcher, passage=passage, theme=themes["workerism"]).tag
    misses = [Tag.objects.none()]
    filter_ = Tag.objects.filter
    monkeypatch.setattr(Tag.objects, "filter",
                        lambda **kw: misses.pop() if misses else filter_(**kw))
    response = as_researcher.post("/tags/restore/", {"undo": token}, **HTMX)
    assert response.status_code == 200
    assert list(Tag.objects.all()) == [again]


def test_staff_undo_gives_the_tag_back_to_its_tagger(client, staff_user, others_tag,
                                                     other_researcher):
    client.force_login(staff_user)
    token = _remove(client, others_tag)
    client.post("/tags/restore/", {"undo": token}, **HTMX)
    assert Tag.objects.get().user == other_researcher


def test_undo_is_refused_forged_late_or_for_someone_else(as_researcher, own_tag,
                                                         other_researcher, monkeypatch):
    token = _remove(as_researcher, own_tag)
    response = as_researcher.post("/tags/restore/", {"undo": token[:-2] + "xx"}, **HTMX)
    assert response.status_code == 400 and "not valid" in response.content.decode()
    other = Client()
    other.force_login(other_researcher)
    assert other.post("/tags/restore/", {"undo": token}, **HTMX).status_code == 403
    monkeypatch.setattr(services, "UNDO_SECONDS", -1)
    response = as_researcher.post("/tags/restore/", {"undo": token}, **HTMX)
    assert response.status_code == 400 and "Too late" in response.content.decode()
    assert not Tag.objects.exists()


# --- An expired session ---------------------------------------------------------------


def test_an_expired_session_gets_a_login_link_back_to_the_page(client, passage, own_tag):
    page = "http://testserver/sources/test-source/1/?tagger=rosa"
    back = f"%2Fsources%2Ftest-source%2F1%2F%3Ftagger%3Drosa%23p{passage.pk}"
    response = client.post(_create_url(passage), {"theme": "workerism"},
                           HTTP_HX_CURRENT_URL=page, **HTMX)
    assert response.status_code == 401
    assert "Log in again" in response.content.decode()
    login = json.loads(response["HX-Trigger"])["tag-login"]["login"]
    assert login == f"/accounts/login/?next={back}"
    # Without JavaScript: a page with the same link, back to where the form was.
    response = client.post(f"/tags/{own_tag.pk}/delete/", HTTP_REFERER=page)
    assert response.status_code == 401
    assert f'href="/accounts/login/?next={back}"' in response.content.decode()
    assert Tag.objects.filter(pk=own_tag.pk).exists()
    # A foreign page is not a place to come back to.
    response = client.post(_create_url(passage), {"theme": "workerism"},
                           HTTP_REFERER="https://evil.example/x")
    assert "next=%2Fsources%2F%23p" in response.content.decode()
