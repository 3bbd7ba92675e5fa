"""The codebook in a real browser: the tree, a move and a merge with plain forms, no CSP
violation, the history on the theme's page."""

import pytest
from playwright.sync_api import expect

from annotations.models import Tag, Theme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_move_and_merge_on_the_codebook_page(page, login, make_passage, themes, researcher,
                                             artifacts_dir):
    flats = Theme.objects.create(slug="flats", name="Flats", definition="Housing.",
                                 colour="#336699", inclusion="Queues for a flat.")
    passage = make_passage("The director handed out the flats.", source_slug="kotkin")
    Tag.objects.create(source=passage.source, passage=passage, theme=flats, user=researcher,
                       quote=passage.text)
    csp_violations = []

    def note_csp_violation(message) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    page.on("console", note_csp_violation)
    login(researcher)

    page.goto("/themes/")
    entry = page.locator("#theme-flats")
    expect(entry).to_contain_text("Queues for a flat.")
    entry.get_by_text("Rename, move or merge").click()
    entry.get_by_label("Under").select_option("paternalism")
    entry.get_by_role("button", name="Save").click()
    page.wait_for_url("**/themes/flats/")
    page.get_by_role("link", name="Codebook").click()
    expect(page.locator("#theme-paternalism .codebook-children #theme-flats")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "codebook-tree.png"), full_page=True)

    entry = page.locator("#theme-flats")
    entry.get_by_text("Rename, move or merge").click()
    entry.get_by_label("Merge “Flats” into").select_option("paternalism")
    entry.get_by_role("button", name="Merge").click()
    page.wait_for_url("**/themes/paternalism/")
    expect(page.get_by_role("status")).to_contain_text("1 tag")
    expect(page.locator(".theme-history")).to_contain_text("merged into it “Flats”")
    assert Tag.objects.get().theme == themes["paternalism"]
    page.screenshot(path=str(artifacts_dir / "codebook-theme-history.png"), full_page=True)
    page.goto("/themes/flats/")
    page.wait_for_url("**/themes/paternalism/")
    assert csp_violations == []
