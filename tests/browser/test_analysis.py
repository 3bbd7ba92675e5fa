"""The analysis page in a real browser: filter by coder, read the heatmap, drill down."""

import re

import pytest
from playwright.sync_api import expect

from annotations.services import tag_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_filter_by_coder_and_drill_down_from_the_heatmap(
    page, make_passage, themes, researcher, other_researcher, artifacts_dir
):
    passages = [
        make_passage(f"The director handed out flats, and the brigade {n} struck.",
                     source_slug="crowley", section_title="Steelworkers")
        for n in range(3)
    ]
    for passage in passages:
        tag_create(user=researcher, passage=passage, theme=themes["paternalism"])
    for passage in passages[:2]:
        tag_create(user=other_researcher, passage=passage, theme=themes["collective-action"])
    csp_violations = []
    page.on("console", lambda message: csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto("/")
    page.get_by_role("link", name="Analysis").click()
    heatmap = page.get_by_role("table", name=re.compile("Passages per pair of themes"))
    pair = heatmap.get_by_role("link", name="2 passages with Paternalism and Collective action")
    expect(pair).to_be_visible()
    # Shaded from the stylesheet: the darkest shade, not the page's white.
    shade = pair.evaluate("link => getComputedStyle(link.closest('td')).backgroundColor")
    assert shade not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    page.screenshot(path=str(artifacts_dir / "analysis.png"), full_page=True)

    page.get_by_role("checkbox", name="rosa").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("checkbox", name="rosa")).to_be_checked()
    expect(heatmap.get_by_role(
        "link", name="0 passages with Paternalism and Collective action")).to_be_visible()

    page.get_by_role("checkbox", name="karl").check()
    page.get_by_role("button", name="Show").click()
    heatmap.get_by_role("link", name="2 passages with Paternalism and Collective action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "2 passages with Paternalism and Collective action")
    expect(page.locator(".cell-passage")).to_have_count(2)
    page.screenshot(path=str(artifacts_dir / "analysis-passages.png"), full_page=True)
    assert csp_violations == []
