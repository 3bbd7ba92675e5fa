"""Team coding in a real browser: mark a chapter done, compare, adopt a tag, and see
the agreement change."""

import re

import pytest
from playwright.sync_api import expect

from annotations.services import tag_create
from annotations.team_services import section_coding_mark

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FLATS = "The director of the steel plant handed out flats to loyal brigade leaders."
STRIKE = "The strike committee met at night, and nobody dared to stop the furnaces."


def test_mark_done_compare_adopt_and_agreement_changes(
    page, login, make_passage, researcher, other_researcher, themes, artifacts_dir
):
    flats, strike = (make_passage(text, source_slug="kotkin", section_title="Magnetic Mountain")
                     for text in (FLATS, STRIKE))
    tag_create(user=other_researcher, passage=flats, theme=themes["paternalism"])
    # Both see informal relations in the strike, but in different words.
    tag_create(user=researcher, passage=strike, theme=themes["informal-relations"],
               start=0, end=20)
    tag_create(user=other_researcher, passage=strike, theme=themes["informal-relations"],
               start=4, end=33)
    for coder in (researcher, other_researcher):
        tag_create(user=coder, passage=strike, theme=themes["collective-action"])
    section_coding_mark(user=other_researcher, section=flats.section)
    csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and csp_violations.append(message.text))
    login(researcher)

    # Not finished by rosa yet: nothing to count by default.
    page.goto("/")
    page.get_by_role("link", name="Agreement").click()
    page.get_by_label("rosa").check()
    page.get_by_label("karl").check()
    page.get_by_role("button", name="Compute agreement").click()
    expect(page.locator(".scope")).to_contain_text("0 passages")

    compare = f"/compare/?section={flats.section_id}&coders=rosa,karl"
    page.goto(compare)
    expect(page.locator(".disagreement-count")).to_have_text("2 disagreements")
    expect(page.locator(".coding-others")).to_have_text("Finished by karl.")
    requests = []
    page.on("request", lambda request: requests.append(request.method))
    page.get_by_role("button", name="Mark this chapter done").click()
    expect(page.locator(".done-mark")).to_have_text("Done ✓")
    assert requests == ["POST"]  # swapped in place by htmx, no page load

    page.goto("/agreement/?coders=rosa,karl")
    row = page.locator('tr[data-theme="paternalism"]')
    expect(page.locator(".scope")).to_contain_text("2 passages")
    expect(row.locator("td.alpha")).to_have_text("0.000")
    expect(row).to_contain_text("50.0%")

    page.goto(compare)
    page.screenshot(path=artifacts_dir / "compare-disagreements.png", full_page=True)
    disagreement = page.locator('.disagreement[data-theme="paternalism"]')
    expect(disagreement).to_contain_text("karl applied it here, rosa did not.")
    disagreement.get_by_role("button", name=re.compile("Adopt as mine")).click()
    expect(page.get_by_role("status").filter(has_text="is now yours too")).to_be_visible()
    expect(page.locator(".disagreement-count")).to_have_text("1 disagreement")
    page.screenshot(path=artifacts_dir / "compare.png", full_page=True)

    page.get_by_role("link", name="Agreement on this section").click()
    row = page.locator('tr[data-theme="paternalism"]')
    expect(row.locator("td.alpha")).to_have_text("1.000")
    expect(row).to_contain_text("100.0%")
    page.screenshot(path=artifacts_dir / "agreement.png", full_page=True)
    assert csp_violations == []
