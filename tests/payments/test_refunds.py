"""Refunds, full and partial: credit notes add up to the refund to the cent; never more than was paid."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.core.errors import Conflict, Invalid
from marketplace.invoicing.models import Invoice
from marketplace.mail.models import OutboxEmail
from marketplace.payments.models import Refund
from marketplace.payments.services import record_manual_payment, record_refund
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.payments.test_stripe import _completed, _event, _post


@pytest.fixture
def paid(app, db, factories):
    """A paid order of 3 lines from two clusters (20 %, 5,5 % and exempt) with its two invoices."""
    with app.test_request_context():
        a = factories.make_cluster(slug="alpha")
        b = factories.make_cluster(slug="beta")
        admin = factories.make_user("tresorier@federation.fr", is_platform_admin=True)
        order = factories.make_order(factories.make_offer(a, list_price_cents=10000))
        from marketplace.checkout.models import OrderLine

        for cluster, excl, rate, vat in ((b, 5000, 550, 275), (a, 3333, None, 0)):
            offer = factories.make_offer(cluster, list_price_cents=excl)
            db.add(OrderLine(order_id=order.id, offer_id=offer.id, cluster_id=cluster.id, kind="service",
                             description=offer.title_fr, quantity=1, units=1, unit_list_cents=excl,
                             unit_price_cents=excl, excl_cents=excl, vat_rate_bps=rate, vat_cents=vat,
                             incl_cents=excl + vat, vat_exempt_mention="Exonéré, art. 261 du CGI" if rate is None else None))
        order.total_excl_cents += 8333
        order.total_vat_cents += 275
        order.total_incl_cents += 8608
        db.add(order)
        db.commit()
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 11, 30), admin.id)
        db.commit()
        yield dict(order=order, admin=admin)


def _notes(db, order_id):
    return db.exec(select(Invoice).where(Invoice.order_id == order_id, Invoice.kind == "credit_note")
                   .order_by(Invoice.id)).all()


def test_partial_refund_credit_notes_add_up_to_the_cent(app, db, paid):
    order = paid["order"]
    with app.test_request_context():
        record_refund(db, order, 1001, "Geste commercial", "bank_transfer", paid["admin"].id, date(2026, 12, 1))
        db.commit()
    notes = _notes(db, order.id)
    assert sum(n.total_incl_cents for n in notes) == -1001
    for note in notes:
        lines = json.loads(note.lines_json)
        assert note.total_excl_cents + note.total_vat_cents == note.total_incl_cents
        assert sum(line["incl_cents"] for line in lines) == note.total_incl_cents
        assert note.number.startswith("AV-")
    assert db.get(Order, order.id).status == "partially_refunded"


def test_full_refund_in_two_steps_then_nothing_more(app, db, paid):
    order = paid["order"]
    with app.test_request_context():
        record_refund(db, order, 5000, "Annulation partielle", "bank_transfer", paid["admin"].id, date(2026, 12, 1))
        record_refund(db, order, order.total_incl_cents - 5000, "Solde", "bank_transfer", paid["admin"].id,
                      date(2026, 12, 2))
        db.commit()
        assert db.get(Order, order.id).status == "refunded"
        assert sum(n.total_incl_cents for n in _notes(db, order.id)) == -order.total_incl_cents
        with pytest.raises(Conflict):
            record_refund(db, order, 1, "Encore", "bank_transfer", paid["admin"].id, date(2026, 12, 3))


def test_refund_above_what_was_paid_is_refused(app, db, paid):
    order = paid["order"]
    with app.test_request_context(), pytest.raises(Invalid):
        record_refund(db, order, order.total_incl_cents + 1, "Trop", "bank_transfer", paid["admin"].id,
                      date(2026, 12, 1))
    db.rollback()
    assert db.exec(select(Refund)).all() == []


def test_staff_refund_from_the_order_page_emails_the_credit_notes(client, db, paid):
    order = paid["order"]
    login(client, paid["admin"].email, PASSWORD)
    response = client.post(f"/console/orders/{order.id}/refund", data={
        "amount": "10,00".replace(",", "."), "reason": "Retard de livraison", "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    db.rollback()
    email = db.exec(select(OutboxEmail).where(OutboxEmail.subject.like("Remboursement%"))).one()
    assert all(n.number in email.body_text for n in _notes(db, order.id))


def test_card_refund_goes_through_stripe_and_the_webhook_finds_it_booked(stripe_app, client, db, factories,
                                                                         fake_stripe):
    cluster = factories.make_cluster(slug="carte")
    order = factories.make_order(factories.make_offer(cluster, list_price_cents=10000), payment_method="stripe")
    admin = factories.make_user("caisse@federation.fr", is_platform_admin=True)
    _post(client, _completed(order))
    login(client, admin.email, PASSWORD)
    response = client.post(f"/console/orders/{order.id}/refund", data={
        "amount": "12", "reason": "Annulation", "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    sent = fake_stripe[1][-1]
    assert sent["path"] == "/v1/refunds" and sent["form"]["amount"] == ["1200"]
    assert sent["form"]["payment_intent"] == ["pi_test_1"]
    echo = _event("evt_refund", "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1",
                                                    "amount_refunded": 1200})
    assert _post(client, echo).get_json()["outcome"] == "already_recorded"
    db.rollback()
    assert [(r.amount_cents, r.stripe_refund_id) for r in db.exec(select(Refund))] == [(1200, "re_test_1")]
