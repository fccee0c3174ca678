"""In a real browser, under the site's Content-Security-Policy: nothing is blocked and htmx still works."""

from __future__ import annotations

import pytest

from marketplace.demo import DEMO_PASSWORD
from tests.browser.test_live_pages import CHROMIUM, open_first_result, page, playwright_api, server  # noqa: F401
from tests.conftest import SATURDAY

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM, reason="Chromium not installed")]

# Reports every violation the page sees (blocked inline style, script, eval, connection...).
LISTEN = """document.addEventListener("securitypolicyviolation", (e) =>
  window.reportViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${document.location.pathname}`));"""


@pytest.fixture
def watched(page):  # noqa: F811
    """The page, and what the browser refused under the policy (violation events and console messages)."""
    refused: list[str] = []
    page.expose_function("reportViolation", lambda report: refused.append(report))
    page.add_init_script(LISTEN)
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    return page, refused


def _open(tab, url):
    response = tab.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert tab.evaluate("document.querySelectorAll('style, [style]').length") == 0  # htmx added no inline style
    return response


def test_main_pages_and_htmx_work_under_the_policy(server, watched):  # noqa: F811
    tab, refused = watched
    _open(tab, f"{server}/")
    _open(tab, f"{server}/catalogue")
    tab.fill("input[name=q]", "cantine")
    tab.wait_for_url("**/catalogue?q=cantine*", timeout=5000)
    playwright_api.expect(tab.locator("#results h3")).to_have_count(2, timeout=5000)

    _open(tab, f"{server}/catalogue?kind=room")
    open_first_result(tab)
    tab.fill("input[name=date]", SATURDAY.isoformat())
    tab.select_option("select[name=slot]", "full_day")
    tab.fill("input[name=people]", "80")
    playwright_api.expect(tab.locator("#quote")).to_contain_text("3 000,00", timeout=5000)

    _open(tab, f"{server}/catalogue?q=coworking")
    open_first_result(tab)
    tab.select_option("select[name=variant]", "book10_day")
    playwright_api.expect(tab.locator("#quote")).to_contain_text("90,00", timeout=5000)
    tab.click("#quote button[type=submit]")
    tab.wait_for_url("**/cart")
    _open(tab, f"{server}/cart")
    playwright_api.expect(tab.locator("main")).to_contain_text("Carnet de 10 journées")

    _open(tab, f"{server}/login")
    tab.fill("input[name=email]", "hello@pixel-sentier.fr")
    tab.fill("input[name=password]", DEMO_PASSWORD)
    tab.click("main form button[type=submit]")
    tab.wait_for_url(f"{server}/")
    _open(tab, f"{server}/catalogue")  # a member's page: CSRF meta tag and htmx header
    tab.fill("input[name=q]", "cantine")
    playwright_api.expect(tab.locator("#results h3")).to_have_count(2, timeout=5000)
    assert refused == []
