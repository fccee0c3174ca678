"""Cancelling an event: every order of its offers is refunded by its payment method (or cancelled if unpaid),
every buyer and attendee is told, once; cancelling it again does nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..checkout.models import Order, OrderLine
from ..checkout.orders import change_order_status
from ..core.errors import Conflict
from ..core.money import format_eur_fr
from ..mail.services import queue_email
from ..payments.services import refunded_cents
from ..payments.stripe_provider import refund_order
from .models import Event, Ticket
from .services import offers_of
from .tickets import void_tickets

PAID = ("paid", "fulfilled", "partially_refunded")
HOLDING = ("pending_payment", "awaiting_approval")


@dataclass
class Cancellation:
    refunded: int = 0  # orders refunded
    refunded_cents: int = 0
    cancelled: int = 0  # unpaid orders cancelled
    told: int = 0  # emails written


def cancel_event(db: Session, event: Event, reason: str, user_id: int, config, now: datetime) -> Cancellation:
    """Cancel the event: refund what each paid order paid for it, cancel unpaid ones, tell everyone."""
    if event.status == "cancelled":
        raise Conflict(_("Cet événement est déjà annulé : rien n'est remboursé deux fois."))
    event.status = "cancelled"
    db.add(event)
    db.flush()
    done = Cancellation()
    offer_ids = [o.id for o in offers_of(db, event.id)]
    with_lines = select(OrderLine.order_id).where(col(OrderLine.offer_id).in_(offer_ids))
    orders = db.exec(select(Order).where(col(Order.id).in_(with_lines)).order_by(Order.id)
                     .with_for_update()).all() if offer_ids else []
    for order in orders:
        if order.status in PAID:
            amount = _owed(db, order, offer_ids)
            if amount > 0:
                refund_order(db, config, order, amount, _("Annulation de %(event)s", event=event.title_fr), user_id)
                done.refunded += 1
                done.refunded_cents += amount
        elif order.status in HOLDING:
            change_order_status(db, order, "cancelled", now)
            done.cancelled += 1
        else:
            continue
        for line in db.exec(select(OrderLine).where(OrderLine.order_id == order.id,
                                                    col(OrderLine.offer_id).in_(offer_ids))).all():
            void_tickets(db, line)  # also when the order had other things, refunded in part
        done.told += _tell(db, event, order, reason)
    return done


def _owed(db: Session, order: Order, offer_ids: list[int]) -> int:
    """What the order paid for the event's offers, less what was already refunded of the order."""
    for_event = sum(line.incl_cents for line in db.exec(select(OrderLine).where(
        OrderLine.order_id == order.id, col(OrderLine.offer_id).in_(offer_ids))).all())
    return min(for_event, order.total_incl_cents - refunded_cents(db, order.id))


def _tell(db: Session, event: Event, order: Order, reason: str) -> int:
    """The buyer, and every attendee with an email, once each."""
    subject = _("Annulation : %(event)s", event=event.title_fr)
    body = _("Bonjour,\n\n%(event)s, prévu le %(day)s, est annulé. %(reason)s\n\nLa commande %(number)s "
             "(%(amount)s) est remboursée par le moyen de paiement utilisé, ou annulée si elle n'était pas "
             "réglée. Les billets ne sont plus valables.\n", event=event.title_fr,
             day=event.starts_at.strftime("%d/%m/%Y"), reason=reason, number=order.number,
             amount=format_eur_fr(order.total_incl_cents))
    addresses = {order.billing_email} | set(db.exec(
        select(Ticket.attendee_email).join(OrderLine, OrderLine.id == Ticket.order_line_id)
        .where(OrderLine.order_id == order.id, col(Ticket.attendee_email).is_not(None))).all())
    for address in sorted(a for a in addresses if a):
        queue_email(db, address, subject, body, key=f"event-cancelled:{event.id}:{order.id}:{address}"[:120])
    return len([a for a in addresses if a])
