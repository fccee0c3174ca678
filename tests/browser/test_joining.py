"""In a real browser: a member of one cluster joins another, pays, and sees that cluster's member price."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from marketplace.auth.models import User
from marketplace.catalogue.models import Offer
from marketplace.checkout.models import Order
from marketplace.demo import ADMIN_EMAIL
from marketplace.payments.services import record_manual_payment
from tests.browser.test_live_pages import CHROMIUM, page, playwright_api, pytestmark, server, sign_in  # noqa: F401

expect = playwright_api.expect


def test_join_pay_then_the_member_price_is_shown(app, db, server, page):  # noqa: F811
    sign_in(page, server, "direction@decolletage-ain.fr")
    coaching = db.exec(select(Offer).where(Offer.slug == "coaching-innovation")).one()
    page.goto(f"{server}/offers/{coaching.id}")
    expect(page.locator("#quote")).to_contain_text("6 000,00", timeout=5000)  # 5 000 € HT, no member price
    page.goto(f"{server}/clusters/soliage/adhesion")
    expect(page.locator("#join-quote")).to_contain_text("250,00", timeout=5000)  # 3 employees
    expect(page.locator("#join-quote")).to_contain_text("hors champ de la TVA")
    page.click("text=Adhérer et passer au paiement")
    page.wait_for_url("**/checkout")
    page.fill("#billing_address", "1 rue de l'Ain")
    page.fill("#billing_postal_code", "01100")
    page.fill("#billing_city", "Oyonnax")
    page.check("#accept_terms")
    page.click("main form button[type=submit] >> nth=-1")
    page.wait_for_url("**/orders/C*")
    expect(page.locator("main")).to_contain_text("250,00")
    number = page.url.split("/orders/")[1].split("?")[0]
    with app.test_request_context():  # the treasurer records the transfer
        db.rollback()
        order = db.exec(select(Order).where(Order.number == number)).one()
        admin = db.exec(select(User).where(User.email == ADMIN_EMAIL)).one()
        record_manual_payment(db, order, order.total_incl_cents, date.today(), admin.id)
        db.commit()
    page.goto(f"{server}/offers/{coaching.id}")
    expect(page.locator("#quote")).to_contain_text("4 500,00", timeout=5000)  # 25 % off for members
    page.goto(f"{server}/clusters/soliage/adhesion")
    expect(page.locator("main")).to_contain_text(f"Adhérent jusqu'au 31/12/{date.today().year}")
