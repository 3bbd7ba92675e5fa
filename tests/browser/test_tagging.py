"""Coding in a real browser: the keyboard, a mouse selection, the passage's own page
without JavaScript, the coder switch, an expired session, a student, small screens."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from annotations.models import Tag
from annotations.services import tag_create
from corpus.models import Passage
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FLATS = (
    "The director of the steel plant handed out flats to loyal brigade leaders, "
    "and withheld them from troublemakers."
)
PHONE = {"width": 390, "height": 844}
SAUSAGE = (
    "Workers queued for sausage at the factory store, and the trade union handed out "
    "holiday vouchers."
)


@pytest.fixture
def passages(make_passage):
    made = [
        make_passage(text, source_slug="kotkin", section_title="A political economy")
        for text in (FLATS, SAUSAGE)
    ]
    note = make_passage("Trud, 12 May 1989.", source_slug="kotkin",
                        section_title="A political economy", kind=Passage.Kind.NOTE)
    # A footnote marker printed after "Workers": it must not shift a selection's offsets.
    Passage.objects.filter(pk=made[1].pk).update(note_markers=[{"offset": 7, "label": "1"}])
    return [*made, note]


def _section_url(passage: Passage) -> str:
    return f"/sources/{passage.source.slug}/{passage.section.ordinal}/"


@pytest.fixture
def csp_violations(page):
    found = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and found.append(message.text))
    return found


def _drag_select(page, passage_id: int, words: str) -> None:
    """Selects ``words`` in a passage with the mouse, as a reader would."""
    box = page.evaluate(
        """([id, words]) => {
          const text = document.querySelector(`#p${id} .passage-text`);
          const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode()) && !node.data.includes(words)) {}
          const start = node.data.indexOf(words);
          const range = document.createRange();
          range.setStart(node, start); range.setEnd(node, start + 1);
          const first = range.getBoundingClientRect();
          range.setStart(node, start + words.length - 1); range.setEnd(node, start + words.length);
          const last = range.getBoundingClientRect();
          return {x1: first.left + 1, y1: first.top + first.height / 2,
                  x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        [passage_id, words],
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def test_a_keyboard_only_coding_session(page, login, passages, researcher, themes,
                                       csp_violations, artifacts_dir):
    flats, sausage, _note = passages
    login(researcher)
    page.goto(_section_url(flats))
    requests = []
    page.on("request", lambda request: request.method == "POST" and requests.append(request.url))

    # Tab enters the text once, at the first passage; j and k move between passages.
    page.keyboard.press("Tab")
    while not page.evaluate("document.activeElement.matches('article.passage')"):
        page.keyboard.press("Tab")
    flats_article, sausage_article = page.locator(f"#p{flats.pk}"), page.locator(f"#p{sausage.pk}")
    expect(flats_article).to_be_focused()
    page.keyboard.press("j")
    expect(sausage_article).to_be_focused()
    page.keyboard.press("k")
    expect(flats_article).to_be_focused()

    # A number key tags the focused passage in place, in one request; focus stays.
    page.keyboard.press("1")
    expect(flats_article.locator(".chip.mine .chip-label")).to_have_text("Paternalism")
    expect(flats_article).to_be_focused()
    assert requests == [f"{page.url.split('/sources/')[0]}/passages/{flats.pk}/tags/"]
    expect(page.get_by_role("status").filter(has_text="Passage tagged")).to_be_visible()
    expect(page.locator("[data-theme-count]").first).to_have_text("1")

    # m writes a memo on that tag.
    page.keyboard.press("m")
    expect(page.get_by_role("textbox", name="Memo")).to_be_focused()
    page.keyboard.type("Housing as reward.")
    page.keyboard.press("Control+Enter")
    expect(flats_article.locator(".memo")).to_have_text("Memo: Housing as reward.")
    expect(flats_article).to_be_focused()

    # x removes it; the toast offers Undo, and u puts it back, memo included.
    page.keyboard.press("x")
    expect(flats_article.locator(".chip")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Paternalism tag removed.")
    expect(page.get_by_role("button", name="Undo").first).to_be_visible()
    assert not Tag.objects.exists()
    page.keyboard.press("u")
    expect(flats_article.locator(".memo")).to_have_text("Memo: Housing as reward.")
    tag = Tag.objects.get()
    assert (tag.passage_id, tag.theme, tag.memo) == (flats.pk, themes["paternalism"],
                                                     "Housing as reward.")

    # ? shows the sheet of keys, with the themes' names.
    page.keyboard.press("?")
    sheet = page.get_by_role("dialog", name="Keys")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("Enterprise dependence")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    page.screenshot(path=artifacts_dir / "reader-keyboard.png")
    assert csp_violations == []


def test_a_span_by_mouse_selection_and_the_note_marker(page, login, passages, researcher,
                                                      csp_violations):
    _flats, sausage, note = passages
    login(researcher)
    page.goto(_section_url(sausage))
    article = page.locator(f"#p{sausage.pk}")
    expect(article.locator("sup.fn a")).to_have_attribute("href", f"#p{note.pk}")

    _drag_select(page, sausage.pk, "queued for sausage")
    picker = page.get_by_role("toolbar", name="Tag the selected words")
    expect(picker).to_be_visible()
    expect(picker).to_contain_text("Enterprise dependence")
    picker.get_by_role("button", name=re.compile("Enterprise dependence")).click()
    expect(article.locator("mark.hl")).to_have_text("queued for sausage")
    expect(picker).to_be_hidden()
    span = Tag.objects.get()
    assert (span.quote, span.start) == ("queued for sausage", SAUSAGE.index("queued"))

    # The marker leads to its note, and the note back to the text.
    article.locator("sup.fn a").click()
    expect(page.locator(f"#p{note.pk} .fn-back")).to_be_visible()
    page.locator(f"#p{note.pk} .fn-back").click()
    assert page.url.endswith(f"#ref-{sausage.pk}-1")
    assert csp_violations == []


def test_tagging_without_javascript_on_the_passage_page(browser, live_server, passages,
                                                       researcher):
    flats = passages[0]
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", researcher.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(_section_url(flats))
    page.get_by_role("link", name="Tag this passage").first.click()
    assert page.url.endswith(f"/passages/{flats.pk}/tagging/")

    page.get_by_role("button", name="Paternalism").click()
    page.get_by_label("Only these words, as printed").fill("brigade leaders")
    page.get_by_label("Theme").select_option(label="Workerism")
    page.get_by_role("button", name="Tag the words").click()
    assert sorted(Tag.objects.values_list("quote", flat=True)) == sorted(
        ["brigade leaders", FLATS])

    page.get_by_label("Memo on the Paternalism tag").fill("Housing as reward.")
    page.get_by_role("button", name="Save memo").first.click()
    page.get_by_role("button", name="Remove the Paternalism tag").click()
    assert list(Tag.objects.values_list("quote", flat=True)) == ["brigade leaders"]
    page.get_by_role("button", name="Undo").click()
    restored = Tag.objects.get(start__isnull=True)
    assert restored.memo == "Housing as reward."
    context.close()


def test_the_coder_switch_filters_the_chips(page, login, passages, researcher,
                                            other_researcher, themes):
    flats, sausage, _note = passages
    tag_create(user=researcher, passage=flats, theme=themes["paternalism"])
    tag_create(user=other_researcher, passage=flats, theme=themes["workerism"])
    tag_create(user=other_researcher, passage=sausage, theme=themes["workerism"])
    login(researcher)
    page.goto(_section_url(flats))
    chips = page.locator(".chip")
    expect(chips).to_have_count(3)
    # Whose tag is whose shows at a glance: initials, and your own look different.
    expect(page.locator(".chip.mine .chip-who")).to_have_text("RO")
    expect(page.locator(".chip:not(.mine) .chip-who")).to_have_text(["KA", "KA"])

    page.get_by_label("Show tags by").select_option(label="me")
    page.wait_for_url(re.compile(r"tagger=rosa"))
    page.wait_for_load_state("load")  # the new page's script listens for the next change
    expect(chips).to_have_count(1)
    expect(chips.first.locator(".chip-label")).to_have_text("Paternalism")
    page.get_by_label("Show tags by").select_option(label="karl")
    page.wait_for_url(re.compile(r"tagger=karl"))
    expect(chips).to_have_count(2)
    # A theme in the codebook filters the page to it.
    page.locator(".codebook-panel").get_by_role("link", name="Workerism").click()
    expect(page.locator("article.passage")).to_have_count(2)
    assert "tagger=karl" in page.url and "theme=workerism" in page.url


def test_an_expired_session_offers_a_login_link_back(page, login, passages, researcher):
    flats = passages[0]
    login(researcher)
    page.goto(_section_url(flats) + "?tagger=rosa")
    Session.objects.all().delete()
    page.locator(f"#p{flats.pk}").focus()
    page.keyboard.press("1")
    toast = page.locator("#reader-status")
    expect(toast).to_contain_text("Your session has ended")
    toast.get_by_role("link", name="Log in").click()
    page.fill("#id_username", researcher.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/sources/kotkin/\d+/\?tagger=rosa#p{flats.pk}$"))
    expect(page.locator(f"#p{flats.pk}")).to_be_focused()
    assert not Tag.objects.exists()


def test_a_student_sees_tags_without_controls(page, login, passages, researcher, student,
                                              themes):
    flats = passages[0]
    tag = tag_create(user=researcher, passage=flats, theme=themes["paternalism"],
                     memo="Housing as reward.").tag
    login(student)
    page.goto(_section_url(flats))
    article = page.locator(f"#p{flats.pk}")
    expect(article.locator(".chip")).to_have_attribute("title", "Paternalism · tagged by rosa")
    expect(article.locator(".memo")).to_have_text("Memo: Housing as reward.")
    for control in ("#tag-toolbar", "#span-picker", "#memo-dialog", ".passage form",
                    ".passage button", "[data-may-change]"):
        expect(page.locator(control)).to_have_count(0)
    article.focus()
    page.keyboard.press("2")
    page.keyboard.press("x")
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    for url, form in [(f"/passages/{flats.pk}/tags/", {"theme": "workerism"}),
                      (f"/tags/{tag.pk}/delete/", {})]:
        response = page.request.post(url, form=form, headers={"X-CSRFToken": token})
        assert response.status == 403, url
    assert list(Tag.objects.values_list("pk", "memo")) == [(tag.pk, "Housing as reward.")]


def test_old_permalinks_land_on_the_passage(page, passages):
    flats, sausage, _note = passages
    page.goto(f"/sources/kotkin/#p{sausage.pk}")
    page.wait_for_url(re.compile(rf"/sources/kotkin/\d+/#p{sausage.pk}$"))
    expect(page.locator(f"#p{sausage.pk}")).to_be_focused()
    page.goto(f"/passages/{flats.pk}/?hl=flats&back=/search/%3Fq%3Dflats")
    expect(page.locator(f"#p{flats.pk}")).to_be_focused()
    expect(page.locator(f"#p{flats.pk} mark.hit")).to_have_text("flats")
    expect(page.get_by_role("link", name="← Back to results")).to_have_attribute(
        "href", "/search/?q=flats")


def test_no_page_overflows_a_390_px_screen(page, login, passages, researcher,
                                           other_researcher, themes, artifacts_dir,
                                           make_passage):
    flats, sausage, _note = passages
    # Five sources, as in the corpus: the codebook's chart has a column for each.
    for slug in ("crowley", "thurston", "clarke", "graziosi"):
        other = make_passage(f"Flats and sausage in {slug}.", source_slug=slug)
        tag_create(user=researcher, passage=other, theme=themes["paternalism"])
    long_words = "Sotsialisticheskoesorevnovanieiudarnichestvo " * 3
    tag_create(user=researcher, passage=flats, theme=themes["paternalism"],
               memo="A memo with a long unbroken word: " + long_words)
    tag_create(user=other_researcher, passage=sausage, theme=themes["enterprise-dependence"],
               start=0, end=7)
    orphan = tag_create(user=researcher, passage=sausage, theme=themes["workerism"]).tag
    Tag.objects.filter(pk=orphan.pk).update(passage=None)
    page.set_viewport_size(PHONE)
    login(researcher)
    pages = {
        "source-list": "/sources/",
        "source": "/sources/kotkin/",
        "reader": _section_url(flats) + "?hl=flats",
        "passage": f"/passages/{flats.pk}/tagging/",
        "themes": "/themes/",
        "theme": "/themes/paternalism/",
        "orphans": "/themes/orphans/",
        "search": "/search/?q=flats+sausage",
        "concordance": "/search/?q=flats&view=kwic",
        "login": "/accounts/login/",
        "analysis": "/analysis/",
        "agreement": f"/agreement/?coders={researcher.get_username()},"
                     f"{other_researcher.get_username()}&source=kotkin",
        "compare": f"/compare/?section={flats.section_id}&coders={researcher.get_username()},"
                   f"{other_researcher.get_username()}",
        "glossary": "/glossary/",
        "tokens": "/accounts/tokens/",
    }
    overflowing = {}
    for name, url in pages.items():
        page.goto(url)
        widths = page.evaluate("[document.scrollingElement.scrollWidth,"
                               " document.scrollingElement.clientWidth]")
        if widths[0] > widths[1]:
            overflowing[name] = widths
        page.screenshot(path=artifacts_dir / f"390-{name}.png", full_page=True)
    assert overflowing == {}


def test_on_a_phone_an_opened_panel_stays_open_while_reading(page, login, passages, researcher):
    page.set_viewport_size(PHONE)
    login(researcher)
    page.goto(_section_url(passages[0]))
    panel = page.locator(".codebook-panel details.panel")
    expect(panel).not_to_have_attribute("open", "")  # closed until asked for
    panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")
    page.locator(f"#p{passages[0].pk}").focus()
    page.keyboard.press("j")
    expect(page.locator("#toolbar-target")).to_contain_text("Passage 2 of 3")
    expect(panel).to_have_attribute("open", "")
