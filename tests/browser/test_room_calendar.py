"""In a real browser: browse a room's availability calendar, pick a free slot, see its quote, book it; the slot
then shows as taken."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlparse

from babel.dates import format_date
from sqlmodel import select

from marketplace.catalogue.models import Offer
from tests.browser.test_live_pages import (  # noqa: F401
    CHROMIUM,
    fill_billing,
    page,
    playwright_api,
    pytestmark,
    server,
)

expect = playwright_api.expect


def test_book_a_free_slot_from_the_calendar(db, server, page):  # noqa: F811
    cantine = db.exec(select(Offer).where(Offer.slug == "la-cantine-salle")).one()
    page.goto(f"{server}/offers/{cantine.id}")
    calendar = page.locator("#room-calendar")
    expect(calendar).to_contain_text("Disponibilités")
    for _week in range(5):  # past the demo's bookings, without reloading the page
        shown = calendar.locator("nav strong").inner_text()
        calendar.locator("a", has_text="Suivant").click()
        expect(calendar.locator("nav strong")).not_to_have_text(shown)
    assert page.url.endswith(f"/offers/{cantine.id}")  # htmx swapped the calendar only
    free = calendar.locator("a.slot-free").filter(has_text=re.compile(r"^\s*Journée\s*$")).first
    chosen = parse_qs(urlparse(free.get_attribute("href")).query)
    free.click()
    page.wait_for_url(f"**/offers/{cantine.id}?*date={chosen['date'][0]}*")
    expect(page.locator("input[name=date]")).to_have_value(chosen["date"][0])
    page.fill("input[name=people]", "60")
    page.press("input[name=people]", "Tab")  # leaving the field sends its change now, not when the button is clicked
    quote = page.locator("#quote")
    expect(quote).to_contain_text("60 pers.", timeout=5000)
    weekday = date.fromisoformat(chosen["date"][0]).weekday()  # the grid's full day for 50 to 100 people
    expect(quote).to_contain_text({5: "3 000,00", 6: "4 000,00"}.get(weekday, "2 400,00"))
    expect(quote).to_contain_text("Ajouter au panier")
    page.wait_for_load_state("networkidle")  # no live quote still on its way to replace the form being sent
    quote.locator("button", has_text="Ajouter au panier").click()
    page.wait_for_url("**/cart")
    expect(page.locator("main")).to_contain_text("La Cantine")
    page.click("text=Commander")
    fill_billing(page, "Agence Lumen", "compta@agence-lumen.fr", "12 rue du Sentier")
    page.check("#accept_terms")
    page.click("main form button[type=submit] >> nth=-1")
    page.wait_for_url("**/orders/C*")
    page.goto(f"{server}/offers/{cantine.id}?start={chosen['start'][0]}&view=week")
    row = page.locator("#room-calendar li").filter(has_text=_day_label(chosen["date"][0]))
    expect(row.locator("span.slot-taken").filter(has_text=re.compile(r"^\s*Journée\s*$"))).to_have_count(1)
    expect(row.locator("a.slot-free").filter(has_text=re.compile(r"^\s*Journée\s*$"))).to_have_count(0)


def _day_label(iso: str) -> str:
    """How the calendar names a day: « lun. 12 janv. »."""
    return format_date(date.fromisoformat(iso), "EEE d MMM", locale="fr")
