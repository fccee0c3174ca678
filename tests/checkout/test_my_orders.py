"""« Mes commandes »: each order with its lines, its documents (quote while unpaid, invoices, tickets) and what is
left to pay; never another organization's orders."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.payments.services import record_manual_payment
from tests.conftest import login
from tests.events.conftest import show  # noqa: F401
from tests.events.test_tickets import buy_and_pay
from tests.factories import PASSWORD


def test_each_order_shows_its_lines_and_documents(app, client, db, factories, show):  # noqa: F811
    buyer = factories.make_user("acheteur@exemple.fr")
    paid = buy_and_pay(app, db, show, ["Alice Martin"], key="mes-commandes")
    with app.test_request_context():
        db.get(Order, paid.id).user_id = buyer.id
        unpaid = factories.make_order(factories.make_offer(show["cluster"], title_fr="Coaching export",
                                                           list_price_cents=50_000), user_id=buyer.id)
        record_manual_payment(db, db.get(Order, unpaid.id), 20_000, date.today(), None)
        db.commit()
    someone_else = factories.make_order(factories.make_offer(show["cluster"]), billing_name="Autre SA")
    login(client, buyer.email, PASSWORD)
    page = client.get("/account/orders").get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert paid.number in page and unpaid.number in page and someone_else.number not in page
    assert "Coaching export" in page and "Pass 1 jour" in page
    assert "/invoices/" in page and "Billets (PDF)" in page  # the paid order's invoice and tickets
    assert f"/orders/{unpaid.number}/quote.pdf" in page and "reste à payer 400,00 €" in page
    db.rollback()
    assert db.exec(select(Order).where(Order.id == unpaid.id)).one().paid_cents == 20_000
