"""A paid order runs its steps once, in the order of the business, whatever replays the payment."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from marketplace.checkout.models import Order
from marketplace.core.kinds import OfferKind, get_kind, register_kind
from marketplace.invoicing.models import Invoice
from marketplace.ledger.models import LedgerTransaction
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import queue_email
from marketplace.payments.paid import ORDER_PAID_STEPS, order_paid
from marketplace.payments.services import record_manual_payment

CALLS: list[int] = []


def _welcome_pack(db, order, line):
    """A kind's paid hook, idempotent as hooks must be: its effect is written once."""
    CALLS.append(line.id)
    queue_email(db, order.billing_email, "Votre pack", "Bienvenue", key=f"pack:{line.id}")


@pytest.fixture
def kit_kind():
    original = get_kind("service")
    register_kind(OfferKind("service", original.label, "catalogue", on_paid=_welcome_pack, tags=original.tags))
    CALLS.clear()
    yield
    register_kind(original)


def _count(db, model, *where) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_the_steps_read_like_the_business():
    assert [step.__name__ for step in ORDER_PAID_STEPS] == [
        "mark_paid", "invoice", "post_the_sale", "run_kind_hooks", "tell_the_buyer"]


def test_paying_twice_or_running_the_steps_again_does_nothing_twice(app, db, factories, kit_kind):
    with app.test_request_context():
        cluster = factories.make_cluster()
        order = factories.make_order(factories.make_offer(cluster, kind="service", list_price_cents=10000))
        admin = factories.make_user(is_platform_admin=True)
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 11, 30), admin.id)
        db.commit()
        counts = (_count(db, Invoice), _count(db, LedgerTransaction), _count(db, OutboxEmail))
        assert db.get(Order, order.id).status == "paid" and len(CALLS) == 1
        # the same money again (a statement imported twice is refused; a second transfer is "late")
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 12, 1), admin.id)
        order_paid(db, db.get(Order, order.id), date(2026, 12, 1))  # a replayed webhook runs the steps again
        db.commit()
        assert _count(db, Invoice) == counts[0]
        assert _count(db, LedgerTransaction) == counts[1] + 1  # only the second transfer's receipt is booked
        assert _count(db, OutboxEmail) == counts[2]
        assert _count(db, OutboxEmail, OutboxEmail.subject == "Votre pack") == 1
