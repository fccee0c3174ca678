"""Card payments through Stripe Checkout on the platform account, and its webhooks."""

from __future__ import annotations

import stripe
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..checkout.models import Order, OrderLine
from ..checkout.orders import lines_of
from ..config import stripe_enabled
from ..core.errors import Conflict, DomainError, ProviderRefused, Unavailable
from ..core.timeutil import paris_today, utcnow
from ..invoicing.models import Invoice
from ..invoicing.services import invoices_of
from .models import Payment, Refund, StripeEvent
from .services import apply_payment, record_refund, refunded_cents
from .stripe_api import stripe_client
from .transfers import PAID_IN_FULL, reverse_transfers, transfer_shares

HANDLED = ("checkout.session.completed", "checkout.session.async_payment_succeeded",
           "checkout.session.async_payment_failed", "checkout.session.expired", "charge.refunded")


def checkout_session_params(order: Order, lines: list[OrderLine], success_url: str, cancel_url: str) -> dict:
    """One Stripe line per order line at its frozen amount incl. VAT: Stripe's total is the order's, to the cent."""
    return {
        "mode": "payment",
        "client_reference_id": order.number,
        "customer_email": order.billing_email,
        "currency": order.currency.lower(),
        "line_items": [{"quantity": 1, "price_data": {
            "currency": order.currency.lower(), "unit_amount": line.incl_cents,
            "product_data": {"name": f"{line.description} × {line.quantity}"[:250]}}} for line in lines],
        "payment_intent_data": {"transfer_group": order.number, "metadata": {"order_number": order.number}},
        "metadata": {"order_number": order.number},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


def start_card_payment(db: Session, config, order: Order, success_url: str, cancel_url: str) -> str:
    """Create (or reuse) the order's Checkout Session; returns the URL to send the buyer to."""
    if order.status != "pending_payment":
        raise Conflict(_("Cette commande n'attend pas de paiement."))
    client = stripe_client(config)
    if order.stripe_session_id:
        session = client.v1.checkout.sessions.retrieve(order.stripe_session_id)
        if session.status == "open":
            return session.url
    attempt = db.exec(select(Payment).where(Payment.order_id == order.id)).all()
    session = client.v1.checkout.sessions.create(
        params=checkout_session_params(order, lines_of(db, order.id), success_url, cancel_url),
        options={"idempotency_key": f"checkout-{order.number}-{order.stripe_session_id or 'first'}-{len(attempt)}"})
    order.stripe_session_id = session.id
    db.add(order)
    db.flush()
    return session.url


def handle_event(db: Session, config, event) -> str:
    """Apply one verified webhook event exactly once; returns what happened (kept with the event)."""
    try:
        with db.begin_nested():
            record = StripeEvent(event_id=event.id, type=event.type)
            db.add(record)
            db.flush()
    except IntegrityError:
        return "duplicate"
    obj = event.data.object.to_dict() if hasattr(event.data.object, "to_dict") else dict(event.data.object)
    outcome = _dispatch(db, config, event.type, obj) if event.type in HANDLED else "ignored"
    record.outcome = outcome
    db.add(record)
    db.flush()
    return outcome


def _order_for_session(db: Session, session) -> Order | None:
    number = session.get("client_reference_id") or (session.get("metadata") or {}).get("order_number")
    return db.exec(select(Order).where(Order.number == number)).first() if number else None


def _dispatch(db: Session, config, kind: str, obj) -> str:
    if kind == "charge.refunded":
        return _refunded(db, config, obj)
    order = _order_for_session(db, obj)
    if order is None:
        return "unknown_order"
    if kind == "checkout.session.expired" or kind == "checkout.session.async_payment_failed":
        return "noted"  # the order's own hold decides when it expires
    if kind == "checkout.session.completed" and obj.get("payment_status") != "paid":
        return "awaiting_async_payment"
    external_id = obj.get("payment_intent") or obj.get("id")
    if db.exec(select(Payment).where(Payment.external_id == external_id)).first():
        return "already_recorded"
    payment = Payment(source="stripe", external_id=external_id, amount_cents=int(obj.get("amount_total") or 0),
                      currency=(obj.get("currency") or "eur").upper(), reference=order.number,
                      payer=(obj.get("customer_details") or {}).get("name") or order.billing_name,
                      booked_on=paris_today(), match_status="unmatched")
    if payment.amount_cents <= 0:
        return "no_amount"
    apply_payment(db, payment, order)
    if payment.match_status in PAID_IN_FULL:  # the card paid the order: each cluster's claim goes on to it
        transfer_shares(db, config, order)
    return payment.match_status


def _book_card_refund(db: Session, order: Order, amount_cents: int, reason: str,
                      user_id: int | None) -> tuple[Refund, list[Invoice]]:
    """Book a card refund; returns it with the credit notes it issued (the order's notes not there before)."""
    before = {doc.id for doc in invoices_of(db, order.id)}
    refund = record_refund(db, order, amount_cents, reason, "stripe", user_id, paris_today())
    return refund, [doc for doc in invoices_of(db, order.id) if doc.kind == "credit_note" and doc.id not in before]


def _refunded(db: Session, config, charge) -> str:
    """A refund made on Stripe (here or in its dashboard): book what is not booked yet, with credit notes."""
    payment = db.exec(select(Payment).where(Payment.external_id == charge.get("payment_intent"))).first()
    if payment is None or payment.order_id is None:
        return "unknown_payment"
    order = db.get(Order, payment.order_id)
    missing = int(charge.get("amount_refunded") or 0) - refunded_cents(db, order.id)
    if missing <= 0:
        return "already_recorded"
    refund, notes = _book_card_refund(db, order, missing, "Stripe", None)
    reverse_transfers(db, config, order, refund, notes)
    return db.get(Order, order.id).status


def provider_failure(exc: stripe.StripeError) -> DomainError:
    """What a failed Stripe call means for the caller: unreachable, too slow or failing (503, try again), or
    refused (502). Either way nothing was booked."""
    if isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError):
        return Unavailable(_("Le prestataire de paiement ne répond pas ; rien n'a été enregistré. Réessayez dans "
                             "un instant (avec la même clé d'idempotence)."))
    return ProviderRefused(_("Le prestataire de paiement a refusé l'opération ; rien n'a été enregistré."))


def refund_by_card(db: Session, config, order: Order, amount_cents: int, reason: str, user_id: int,
                   request_key: str | None = None) -> Refund:
    """Refund a card payment on Stripe, then book it (the webhook that follows finds it booked). With the
    caller's `request_key`, a retry after a timeout asks Stripe for the same refund, never a second one."""
    payment = db.exec(select(Payment).where(Payment.order_id == order.id, Payment.source == "stripe")).first()
    if payment is None:
        raise Conflict(_("Cette commande n'a pas été payée par carte."))
    refund, notes = _book_card_refund(db, order, amount_cents, reason, user_id)
    refund.request_key = request_key
    try:
        created = stripe_client(config).v1.refunds.create(
            params={"payment_intent": payment.external_id, "amount": amount_cents,
                    "metadata": {"order": order.number}},
            options={"idempotency_key": f"refund-{order.number}-{request_key or refund.id}"})
    except stripe.StripeError as exc:  # the caller rolls back: the refund booked above is not kept
        raise provider_failure(exc) from exc
    refund.stripe_refund_id = created.id
    db.add(refund)
    db.flush()
    # Only once the buyer is refunded: a refund Stripe refuses must take nothing back from the clusters.
    reverse_transfers(db, config, order, refund, notes)
    return refund


def refund_order(db: Session, config, order: Order, amount_cents: int, reason: str, user_id: int,
                 request_key: str | None = None) -> Refund:
    """Refund on the card when the order was paid by card (and Stripe is set up), else by transfer."""
    if order.payment_method == "stripe" and stripe_enabled(config):
        return refund_by_card(db, config, order, amount_cents, reason, user_id, request_key)
    refund = record_refund(db, order, amount_cents, reason, "bank_transfer", user_id, utcnow().date())
    refund.request_key = request_key
    db.add(refund)
    db.flush()
    return refund
