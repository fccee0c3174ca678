"""In a real browser: buy a ticket on the event page, pay, read the QR code of the PDF ticket, check it in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from marketplace.catalogue.models import Offer
from marketplace.checkout.models import Order
from marketplace.payments.services import record_manual_payment
from tests.browser.test_live_pages import (  # noqa: F401
    CHROMIUM,
    fill_billing,
    page,
    playwright_api,
    pytestmark,
    server,
    sign_in,
)
from tests.events.test_tickets import qr_codes

expect = playwright_api.expect


def test_buy_a_ticket_read_its_qr_and_check_it_in(app, db, server, page):  # noqa: F811
    year = date.today().year + 1
    page.goto(f"{server}/events/vs-pack-{year}")
    row = page.locator("tr", has_text="pass 1 jour")
    row.locator("input[name=quantity]").fill("1")
    row.locator("button[type=submit]").click()
    page.wait_for_url("**/cart")
    page.click("text=Commander")
    fill_billing(page, "Emballages Martin", "compta@emballages-martin.fr", "3 quai de la Fosse", "44000", "Nantes")
    page.locator("input[name$='-name']").first.fill("Camille Martin")
    page.check("#accept_terms")
    page.click("main form button[type=submit] >> nth=-1")
    page.wait_for_url("**/orders/C*")
    number = page.url.split("/orders/")[1].split("?")[0]
    with app.test_request_context():  # the treasurer records the transfer
        db.rollback()
        order = db.exec(select(Order).where(Order.number == number)).one()
        record_manual_payment(db, order, order.total_incl_cents, date.today(), None)
        db.commit()
    page.reload()
    expect(page.locator("main")).to_contain_text("Billets (PDF)")
    pdf = page.request.get(server + page.locator("a", has_text="Billets (PDF)").get_attribute("href"))
    (code,) = qr_codes(pdf.body())  # what the phone at the entrance reads
    with app.test_request_context():  # the day of the show has come
        day_pass = db.exec(select(Offer).where(Offer.slug == "vs-pack-jour")).one()
        day_pass.starts_at, day_pass.ends_at = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=8)
        db.add(day_pass)
        db.commit()
    staff = page.context.browser.new_context(locale="fr-FR").new_page()
    sign_in(staff, server, "salon@atlanpack.fr")
    staff.goto(f"{server}/console/clusters/atlanpack/events")
    staff.click(f"text=VS Pack {year}")
    staff.click("text=Entrée (contrôle des billets)")
    staff.fill("#code", code)
    staff.press("#code", "Enter")
    expect(staff.locator("#scan-result")).to_contain_text("Entrée validée", timeout=5000)
    expect(staff.locator("#scan-result")).to_contain_text("Camille Martin")
    expect(staff.locator("#code")).to_have_value("")  # ready for the next one
    staff.fill("#code", code)
    staff.press("#code", "Enter")
    expect(staff.locator("#scan-result")).to_contain_text("Déjà enregistré", timeout=5000)
