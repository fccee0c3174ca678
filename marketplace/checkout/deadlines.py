"""How long an unpaid order keeps what it holds, and when its buyer is reminded.

A card checkout holds its stock for a few minutes while the buyer pays. A bank transfer takes days: an order
that holds seats, stands, desks or room slots keeps them for `TRANSFER_HOLD_DAYS`, never past the start of what
it holds; an order that holds nothing (a service, a membership fee) has a payment term of `PAYMENT_TERM_DAYS`;
a transfer's deadline is the end of its day in France.
Unpaid at its deadline, an order expires (checkout.orders.expire_orders) and gives back what it held.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..config import stripe_enabled
from ..core.kinds import get_kind
from ..core.money import format_eur_fr
from ..core.timeutil import PARIS
from ..mail.services import queue_email
from ..web.i18n import moment
from .models import Order, OrderLine
from .orders import holds_stock, lines_of, order_link


@dataclass(frozen=True)
class Deadline:
    at: datetime
    holds_stock: bool
    reminder_days: str | None  # the reminders that fall after the order is placed, e.g. "7,2"


def earliest_start(db: Session, lines: Iterable[OrderLine]) -> datetime | None:
    """When the first thing the lines hold begins: an event's start, or the day of a room slot or a desk."""
    starts = []
    for line in lines:
        offer = db.get(Offer, line.offer_id)
        if offer is not None and offer.starts_at is not None:
            starts.append(offer.starts_at)
        day = json.loads(line.options_json or "{}").get("date")
        if day:
            starts.append(datetime.combine(date.fromisoformat(day), time(0), PARIS))
    return min(starts, default=None)


def end_of_paris_day(moment: datetime) -> datetime:
    """A transfer deadline people can read: the last minute of that day in France (« avant le 8 décembre à 23 h 59 »)."""
    return datetime.combine(moment.astimezone(PARIS).date(), time(23, 59), PARIS).astimezone(moment.tzinfo)


def payment_deadline(db: Session, lines: list[OrderLine], method: str, now: datetime, config) -> Deadline:
    """The order's deadline by payment method and what it holds (see the module's docstring)."""
    short = now + timedelta(minutes=config["HOLD_MINUTES"])
    stock = holds_stock(line.kind for line in lines)
    if method == "stripe":
        return Deadline(short, stock, None)
    if stock:
        at = end_of_paris_day(now + timedelta(days=config["TRANSFER_HOLD_DAYS"]))
        start = earliest_start(db, [line for line in lines if get_kind(line.kind).stock is not None])
        if start is not None:
            at = max(min(at, start), short)
    else:
        at = end_of_paris_day(now + timedelta(days=config["PAYMENT_TERM_DAYS"]))
    # A reminder is worth sending when it falls at least a day after the order was placed.
    days = [d for d in sorted(config["PAYMENT_REMINDER_DAYS"], reverse=True) if at - timedelta(days=d + 1) >= now]
    return Deadline(at, stock, ",".join(str(d) for d in days) or None)


def set_deadline(db: Session, order: Order, now: datetime, config) -> Order:
    """Give an order its payment deadline (at checkout, or when staff approve an order held for review)."""
    apply_deadline(db, order, lines_of(db, order.id), now, config)
    db.add(order)
    db.flush()
    return order


def apply_deadline(db: Session, order: Order, lines: list[OrderLine], now: datetime, config) -> None:
    """Set the order's deadline from its lines (written with the order's next flush)."""
    deadline = payment_deadline(db, lines, order.payment_method, now, config)
    order.hold_expires_at, order.holds_stock = deadline.at, deadline.holds_stock
    order.reminder_days, order.reminders_sent = deadline.reminder_days, 0


def remind_unpaid(db: Session, now: datetime, config) -> int:
    """Remind buyers whose order is still unpaid as its deadline nears, once per planned reminder (a worker that
    was down sends the latest one only); returns how many were reminded."""
    due = db.exec(select(Order).where(Order.status == "pending_payment", col(Order.reminder_days).is_not(None),
                                      col(Order.hold_expires_at) > now).order_by(Order.id)
                 .execution_options(populate_existing=True)).all()
    reminded = 0
    for order in due:
        days = [int(d) for d in order.reminder_days.split(",")]
        reached = sum(1 for d in days if order.hold_expires_at - timedelta(days=d) <= now)
        if reached <= order.reminders_sent:
            continue
        claimed = db.connection().execute(  # two workers never send the same reminder
            update(Order).where(Order.id == order.id, Order.reminders_sent == order.reminders_sent)
            .values(reminders_sent=reached))
        if claimed.rowcount != 1:
            continue
        db.refresh(order)
        _remind(db, order, reached, config)
        reminded += 1
    db.flush()
    return reminded


def _remind(db: Session, order: Order, number: int, config) -> None:
    held = (_("Sans paiement à cette date, la commande expire et ce qu'elle réserve est remis en vente.")
            if order.holds_stock else _("Sans paiement à cette date, la commande expire."))
    body = _("Bonjour,\n\nVotre commande %(number)s (%(amount)s) n'est pas encore réglée. Elle est à régler avant "
             "le %(deadline)s.\n\nPar virement :\n  Bénéficiaire : %(holder)s\n  IBAN : %(iban)s\n  BIC : %(bic)s\n"
             "  Référence (obligatoire) : %(reference)s\n\n%(held)s\n\nLa commande, son devis et son suivi : "
             "%(link)s\n\nSi vous avez déjà payé, merci de ne pas tenir compte de ce message.\n",
             number=order.number, amount=format_eur_fr(order.total_incl_cents - order.paid_cents),
             deadline=moment(order.hold_expires_at), holder=config["FEDERATION_NAME"],
             iban=config["FEDERATION_IBAN"], bic=config["FEDERATION_BIC"], reference=order.payment_reference,
             held=held, link=order_link(order))
    if stripe_enabled(config):
        body += _("\nOu par carte bancaire : %(link)s\n", link=config["BASE_URL"].rstrip("/") + url_for(
            "payments.pay_by_card", number=order.number, t=order.access_token))
    queue_email(db, order.billing_email, _("Rappel : commande %(number)s à régler avant le %(deadline)s",
                                           number=order.number, deadline=moment(order.hold_expires_at)),
                body, key=f"order-reminder:{order.id}:{number}")
