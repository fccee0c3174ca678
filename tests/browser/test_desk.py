"""In a real browser: the coworking desk finds a holder as it types and uses one of their tickets."""

from __future__ import annotations

from tests.browser.test_live_pages import CHROMIUM, page, playwright_api, pytestmark, server, sign_in  # noqa: F401

expect = playwright_api.expect


def test_the_desk_redeems_a_pass_ticket(server, page):  # noqa: F811
    sign_in(page, server, "admin@federation-clusters.fr")
    page.goto(f"{server}/console/clusters/silicon-sentier/desk")
    page.fill("#q", "pixel")
    row = page.locator("#books tr", has_text="Studio Pixel Sentier")
    expect(row).to_contain_text("7 / 10", timeout=5000)  # 3 of 10 used in the demo
    row.locator("button", has_text="Utiliser 1 ticket").click()
    expect(page.locator("main")).to_contain_text("il en reste 6", timeout=5000)
    expect(page.locator("#books tr", has_text="Studio Pixel Sentier")).to_contain_text("6 / 10")
