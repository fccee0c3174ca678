"""Quotes (devis): from the cart at today's prices, nothing reserved; from an order awaiting payment, its frozen
prices until its deadline; only for those who may see the order, and only while it waits for payment."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.core.timeutil import PARIS, paris_today
from marketplace.payments.services import record_manual_payment
from tests.api.test_api_orders import BUYER
from tests.conftest import csrf_token


def _text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_a_quote_of_the_cart_prices_it_today_and_reserves_nothing(client, db, factories):
    cluster = factories.make_cluster(name="Cluster Devis")
    offer = factories.make_offer(cluster, title_fr="Accompagnement export", list_price_cents=510_000)
    empty = client.get("/cart/quote.pdf")
    assert empty.status_code == 303 and empty.headers["Location"].endswith("/cart")
    client.post("/cart", data={"offer_id": offer.id, "quantity": "1", "csrf_token": csrf_token(client)})
    assert "/cart/quote.pdf" in client.get("/cart").get_data(as_text=True)
    text = _text(client.get("/cart/quote.pdf"))
    valid = paris_today() + timedelta(days=30)
    assert "DEVIS N° DEVIS-P" in text and f"valable jusqu'au {valid:%d/%m/%Y}" in text
    assert "Accompagnement export" in text and "Total TTC : 6 120,00 €" in text
    assert "rien n'est réservé" in text and cluster.siret in text
    assert "à compléter lors de la commande" in text  # a visitor: no buyer yet


def test_a_quote_of_an_order_holds_until_its_deadline_for_its_buyer_only(app, client, db, factories):
    cluster = factories.make_cluster()
    offer = factories.make_offer(cluster, title_fr="Coaching dirigeant", list_price_cents=500_000)
    response = client.post("/api/v1/orders", json={"lines": [{"offer_id": offer.id}], "buyer": BUYER,
                                                   "idempotency_key": "quote-of-an-order-0001"})
    db.rollback()
    order = db.exec(select(Order).where(Order.number == response.get_json()["number"])).one()
    page = client.get(f"/orders/{order.number}?t={order.access_token}").get_data(as_text=True)
    assert f"/orders/{order.number}/quote.pdf?t={order.access_token}" in page
    text = _text(client.get(f"/orders/{order.number}/quote.pdf?t={order.access_token}"))
    deadline = order.hold_expires_at.astimezone(PARIS).date()
    assert f"DEVIS N° DEVIS-{order.number}" in text and f"Prix fermes jusqu'au {deadline:%d/%m/%Y}" in text
    assert order.payment_reference in text and BUYER["name"] in text and "Total TTC : 6 000,00 €" in text
    assert client.get(f"/orders/{order.number}/quote.pdf").status_code == 404  # no token, no account
    assert client.get(f"/orders/{order.number}/quote.pdf?t=wrong").status_code == 404
    with app.test_request_context():
        record_manual_payment(db, db.get(Order, order.id), order.total_incl_cents, date.today(), None)
        db.commit()
    assert client.get(f"/orders/{order.number}/quote.pdf?t={order.access_token}").status_code == 404  # invoiced
