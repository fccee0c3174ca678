"""In a real browser: the catalogue searches as you type, the quote widget reprices, the back button works."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from marketplace.demo import DEMO_PASSWORD, load_demo
from tests.conftest import SATURDAY

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM, reason="Chromium not installed")]


@pytest.fixture
def server(app, db):
    with app.test_request_context():
        load_demo(db)
        db.commit()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def sign_in(page, server: str, email: str) -> None:
    """Sign in with the demo password, as a person types it."""
    page.goto(f"{server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def fill_billing(page, name: str, email: str, address: str = "12 rue Réaumur", postal_code: str = "75002",
                 city: str = "Paris") -> None:
    """Checkout's billing details, as a guest types them."""
    for field, value in (("name", name), ("email", email), ("address", address), ("postal_code", postal_code),
                         ("city", city)):
        page.fill(f"#billing_{field}", value)


def open_first_result(page) -> None:
    """Open the catalogue's first result and wait until its page has loaded: htmx wires its form on load, and a
    choice made before then would send no request."""
    page.click("#results h3 a")
    page.wait_for_url("**/offers/*")  # waits for the load event


@pytest.fixture
def page():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="fr-FR")
        yield context.new_page()
        browser.close()


def test_live_search_keeps_filters_in_the_url_and_back_works(server, page):
    page.goto(f"{server}/catalogue")
    total = page.locator("#results p.muted").inner_text()
    page.fill("input[name=q]", "cantine")
    page.wait_for_url("**/catalogue?q=cantine*", timeout=5000)
    playwright_api.expect(page.locator("#results h3")).to_have_count(2, timeout=5000)
    page.select_option("select[name=kind]", "room")
    page.wait_for_url("**kind=room*", timeout=5000)
    playwright_api.expect(page.locator("#results h3")).to_have_count(1)
    page.go_back()
    page.wait_for_url("**/catalogue?q=cantine", timeout=5000)
    playwright_api.expect(page.locator("#results h3")).to_have_count(2)
    page.go_back()
    playwright_api.expect(page.locator("#results p.muted")).to_have_text(total)


def test_quote_widget_reprices_live(server, page):
    page.goto(f"{server}/catalogue?kind=room")
    open_first_result(page)
    page.fill("input[name=date]", SATURDAY.isoformat())
    page.select_option("select[name=slot]", "full_day")
    page.fill("input[name=people]", "80")
    playwright_api.expect(page.locator("#quote")).to_contain_text("3 000,00", timeout=5000)
    page.fill("input[name=people]", "150")
    playwright_api.expect(page.locator("#quote")).to_contain_text("devis", timeout=5000)


def test_a_quote_is_never_added_stale_nor_kept_when_refused(server, page):
    page.goto(f"{server}/catalogue?kind=room")
    open_first_result(page)
    page.fill("input[name=date]", SATURDAY.isoformat())
    page.select_option("select[name=slot]", "full_day")
    page.fill("input[type=number][name=people]", "80")
    quote, button = page.locator("#quote"), page.locator("#quote .add-to-cart button")
    playwright_api.expect(quote).to_contain_text("3 000,00", timeout=5000)
    page.locator("input[type=number][name=people]").press_sequentially("0", delay=20)  # 800 people, typed
    assert button.is_disabled()  # the price on screen is no longer the one the button would add
    playwright_api.expect(quote).not_to_contain_text("3 000,00", timeout=5000)
    page.fill("input[type=number][name=people]", "-3")
    playwright_api.expect(quote.locator("[role=alert]")).to_be_visible(timeout=5000)
    playwright_api.expect(button).to_have_count(0)  # refused: nothing to add
    page.fill("input[type=number][name=people]", "60")
    playwright_api.expect(button).to_be_enabled(timeout=5000)
    assert page.locator("#quote .add-to-cart input[name=people]").input_value() == "60"


def test_catalogue_to_cart_to_checkout_to_order_page(server, page):
    page.goto(f"{server}/catalogue")
    page.fill("input[name=q]", "coworking")
    playwright_api.expect(page.locator("#results h3")).to_have_count(1, timeout=5000)
    open_first_result(page)
    page.select_option("select[name=variant]", "book10_day")
    playwright_api.expect(page.locator("#quote")).to_contain_text("90,00", timeout=5000)
    page.click("#quote button[type=submit]")
    page.wait_for_url("**/cart")
    playwright_api.expect(page.locator("main")).to_contain_text("Carnet de 10 journées")
    page.click("text=Commander")
    fill_billing(page, "Studio Navigateur", "compta@navigateur.fr")
    page.check("#accept_terms")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/orders/C*")
    main = page.locator("main")
    playwright_api.expect(main).to_contain_text("En attente de paiement")
    playwright_api.expect(main).to_contain_text("RF")
    playwright_api.expect(main).to_contain_text("90,00")


def test_a_room_refuses_a_past_or_taken_slot_at_once_and_shows_bands_that_follow(server, page, db):
    from datetime import timedelta

    from marketplace.core.timeutil import paris_today

    page.goto(f"{server}/catalogue?kind=room")
    open_first_result(page)
    playwright_api.expect(page.locator("main")).to_contain_text("21 à 50")
    page.fill("input[name=date]", (paris_today() - timedelta(days=1)).isoformat())
    page.select_option("select[name=slot]", "evening")
    page.fill("input[name=people]", "30")
    playwright_api.expect(page.locator("#quote")).to_contain_text("déjà commencé", timeout=5000)
    playwright_api.expect(page.locator("#quote button")).to_have_count(0)
    page.fill("input[name=date]", SATURDAY.isoformat())
    playwright_api.expect(page.locator("#quote")).to_contain_text("800,00", timeout=5000)
    page.click("#quote button[type=submit]")  # into the cart, then someone else books it
    page.wait_for_url("**/cart")
    other = page.context.browser.new_context(locale="fr-FR").new_page()
    other.goto(page.url.replace("/cart", "/catalogue?kind=room"))
    open_first_result(other)
    other.fill("input[name=date]", SATURDAY.isoformat())
    other.select_option("select[name=slot]", "evening")
    other.fill("input[name=people]", "30")
    playwright_api.expect(other.locator("#quote")).to_contain_text("800,00", timeout=5000)
    page.click("text=Commander")
    fill_billing(page, "Studio Soirée", "compta@soiree.fr")
    page.check("#accept_terms")
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url("**/orders/**")
    other.fill("input[name=people]", "31")  # any change asks the quote again: the slot is now taken
    playwright_api.expect(other.locator("#quote")).to_contain_text("déjà réservé", timeout=5000)


def test_a_coworking_day_pass_is_for_a_day_and_a_book_for_none(server, page):
    page.goto(f"{server}/catalogue")
    page.fill("input[name=q]", "coworking")
    playwright_api.expect(page.locator("#results h3")).to_have_count(1, timeout=5000)
    open_first_result(page)
    playwright_api.expect(page.locator("#quote")).to_contain_text("7,00", timeout=5000)  # a half day, today
    page.select_option("select[name=variant]", "day")
    page.fill("input[name=date]", SATURDAY.isoformat())
    playwright_api.expect(page.locator("#quote")).to_contain_text(SATURDAY.strftime("%d/%m/%Y"), timeout=5000)
    page.click("#quote button[type=submit]")
    page.wait_for_url("**/cart")
    playwright_api.expect(page.locator("main")).to_contain_text(f"Journée, {SATURDAY:%d/%m/%Y}")
