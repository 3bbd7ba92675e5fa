"""Search in a real browser: search, narrow by a theme, open a hit in its source."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Tag

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_search_filter_by_theme_and_open_in_context(
    page, make_passage, themes, researcher, artifacts_dir
):
    miners = make_passage(
        "The miners' strike of 1989 spread from the Kuzbass to the Donbass within days.",
        source_slug="crowley",
        section_title="Steelworkers and miners",
    )
    make_passage(
        "At the steel plant a strike was unthinkable: the director handed out the flats.",
        source_slug="kotkin",
        section_title="A political economy",
    )
    Tag.objects.create(
        source=miners.source,
        passage=miners,
        theme=themes["collective-action"],
        user=researcher,
        quote=miners.text,
    )
    csp_violations = []

    def note_csp_violation(message) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    page.on("console", note_csp_violation)

    page.goto("/search/")
    page.get_by_role("searchbox").fill("strikes")
    page.get_by_role("button", name="Search").click()

    hits = page.locator(".hit")
    expect(hits).to_have_count(2)
    expect(hits.first.locator("mark")).to_have_text("strike")
    expect(page.get_by_role("heading", name=re.compile("2 passages match"))).to_be_visible()

    page.locator(".facets").get_by_role("link", name=re.compile("Collective action")).click()
    expect(hits).to_have_count(1)
    expect(page.get_by_label("Theme", exact=True)).to_have_value("collective-action")
    assert "q=strikes" in page.url and "theme=collective-action" in page.url

    page.get_by_role("link", name="Concordance").click()
    expect(page.locator(".kwic tbody tr")).to_have_count(1)
    expect(page.locator("td.kwic-key")).to_have_text("strike")

    page.screenshot(path=str(artifacts_dir / "search-kwic.png"), full_page=True)
    page.go_back()
    page.screenshot(path=str(artifacts_dir / "search-hits.png"), full_page=True)
    hits.first.get_by_role("link", name="Read in context").click()
    # The passage's permalink, told the words to mark and the results to go back to,
    # sends the reader on to the passage's chapter page with both.
    page.wait_for_url(re.compile(rf"/sources/crowley/\d+/\?.*hl=strike.*#p{miners.pk}$"))
    expect(page.locator(f"#p{miners.pk} mark.hit").first).to_be_visible()
    expect(page.get_by_role("link", name="← Back to results")).to_have_attribute(
        "href", re.compile(r"^/search/\?")
    )
    expect(page.locator(f"#p{miners.pk}")).to_be_visible()
    assert csp_violations == []
