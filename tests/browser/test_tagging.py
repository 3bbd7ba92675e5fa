"""Tagging in a real browser: keyboard, selection, memo, removal, and a student's view."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Tag
from annotations.services import tag_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FLATS = (
    "The director of the steel plant handed out flats to loyal brigade leaders, "
    "and withheld them from troublemakers."
)
SAUSAGE = (
    "Workers queued for sausage at the factory store, and the trade union handed out "
    "holiday vouchers."
)


@pytest.fixture
def passages(make_passage):
    return [
        make_passage(text, source_slug="kotkin", section_title="A political economy")
        for text in (FLATS, SAUSAGE)
    ]


def _drag_select(page, passage_id: int, words: str) -> None:
    """Selects ``words`` in a passage with the mouse, as a reader would."""
    box = page.evaluate(
        """([id, words]) => {
          const node = document.querySelector(`#p${id} .passage-text`).firstChild;
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


def test_researcher_tags_by_keyboard_and_selection_adds_a_memo_and_removes(
    page, login, passages, researcher, themes, artifacts_dir
):
    flats, sausage = passages
    csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and csp_violations.append(message.text))
    login(researcher)
    page.goto("/sources/kotkin/")

    # Key 1 on the focused passage tags it whole, in place (one request, no page
    # load), and focus stays on it.
    requests = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    page.locator(f"#p{flats.pk}").focus()
    page.keyboard.press("1")
    flats_article = page.locator(f"#p{flats.pk}")
    expect(flats_article.locator(".chip")).to_have_text(re.compile("Paternalism"))
    expect(flats_article).to_be_focused()
    assert requests == [("POST", f"{page.url.split('/sources/')[0]}/passages/{flats.pk}/tags/")]
    expect(page.get_by_role("status").filter(has_text="Passage tagged")).to_be_visible()

    # Selected words get the span picker; choosing a theme highlights them.
    _drag_select(page, sausage.pk, "queued for sausage")
    picker = page.get_by_role("toolbar", name="Tag the selected words")
    expect(picker).to_be_visible()
    picker.get_by_role("button", name=re.compile("Enterprise dependence")).click()
    sausage_article = page.locator(f"#p{sausage.pk}")
    expect(sausage_article.locator("mark.hl")).to_have_text("queued for sausage")
    expect(picker).to_be_hidden()

    # A memo on the first tag, saved in place.
    flats_article.get_by_text("Add memo").click()
    flats_article.get_by_label("Memo on the Paternalism tag").fill("Housing as reward.")
    flats_article.get_by_role("button", name="Save memo").click()
    expect(flats_article.locator(".memo")).to_have_text("Memo: Housing as reward.")

    page.reload()
    expect(flats_article.locator(".chip-label")).to_have_text("Paternalism")
    expect(flats_article.locator(".memo")).to_have_text("Memo: Housing as reward.")
    expect(sausage_article.locator("mark.hl")).to_have_text("queued for sausage")
    expect(sausage_article.locator(".chip")).to_have_attribute(
        "title", "Enterprise dependence · tagged by rosa"
    )
    span = Tag.objects.get(passage=sausage)
    assert (span.quote, span.start) == ("queued for sausage", SAUSAGE.index("queued"))
    page.screenshot(path=artifacts_dir / "reader-tags.png", full_page=True)

    sausage_article.get_by_role("button", name=re.compile("Remove the Enterprise")).click()
    expect(sausage_article.locator(".chip")).to_have_count(0)
    expect(sausage_article.locator("mark")).to_have_count(0)
    assert list(Tag.objects.values_list("passage_id", flat=True)) == [flats.pk]
    assert csp_violations == []


def test_student_sees_tags_without_controls_and_a_forged_post_is_refused(
    page, login, passages, researcher, student, themes
):
    flats, _ = passages
    tag = tag_create(user=researcher, passage=flats, theme=themes["paternalism"],
                     memo="Housing as reward.").tag
    login(student)
    page.goto("/sources/kotkin/")

    article = page.locator(f"#p{flats.pk}")
    expect(article.locator(".chip")).to_have_attribute("title", "Paternalism · tagged by rosa")
    expect(article.locator(".memo")).to_have_text("Memo: Housing as reward.")
    for control in ("#span-picker", ".passage form", ".passage button", ".passage textarea"):
        expect(page.locator(control)).to_have_count(0)
    article.focus()
    page.keyboard.press("2")

    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    forged = [
        (f"/passages/{flats.pk}/tags/", {"theme": "workerism"}),
        (f"/tags/{tag.pk}/memo/", {"memo": "vandalised"}),
        (f"/tags/{tag.pk}/delete/", {}),
    ]
    for url, form in forged:
        response = page.request.post(url, form=form, headers={"X-CSRFToken": token})
        assert response.status == 403, url
        assert "Only researchers may tag" in response.text()
    assert list(Tag.objects.values_list("pk", "memo")) == [(tag.pk, "Housing as reward.")]


def test_a_keyboard_user_tags_words_by_typing_them(page, login, passages, researcher):
    _, sausage = passages
    login(researcher)
    page.goto("/sources/kotkin/")
    article = page.locator(f"#p{sausage.pk}")

    article.get_by_text("Tag words…").focus()
    page.keyboard.press("Enter")
    article.get_by_label("Words to tag, as printed").fill("trade union")
    article.get_by_label("Theme").select_option(label="Collective action")
    article.get_by_label("Words to tag, as printed").press("Enter")

    expect(article.locator("mark.hl")).to_have_text("trade union")
    expect(article.locator(".chip-label")).to_have_text("Collective action")
    assert Tag.objects.get().quote == "trade union"
