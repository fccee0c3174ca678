"""A buyer cancels a room booking: the slot goes back on sale, the space's policy says the fee (free until some
days before), the rest is refunded by the order's payment method through the refund and ledger path, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from sqlmodel import Session, select

from ..checkout.models import Order, OrderLine
from ..checkout.orders import change_order_status, lines_of
from ..core.errors import Conflict, NotFound
from ..core.kinds import load_options
from ..core.money import format_eur_fr
from ..core.timeutil import paris_today, utcnow
from ..mail.services import queue_email
from ..payments.stripe_provider import refund_order
from . import rules
from .models import RoomCancellation
from .services import KIND_CODE, ROOM_SLOTS, space_of

PAID = ("paid", "fulfilled", "partially_refunded")


@dataclass(frozen=True)
class CancelTerms:
    """What cancelling one booking now means: its day, what it cost, the fee, what comes back."""

    line: OrderLine
    day: date
    fee_cents: int
    refund_cents: int
    free_days: int
    fee_bps: int


def cancel_terms(db: Session, order: Order, line: OrderLine, today: date | None = None) -> CancelTerms:
    if line.order_id != order.id or line.kind != KIND_CODE:
        raise NotFound(_("Réservation introuvable."))
    if db.exec(select(RoomCancellation.id).where(RoomCancellation.order_line_id == line.id)).first() is not None:
        raise Conflict(_("Cette réservation est déjà annulée."))
    if order.status not in (*PAID, "pending_payment"):
        raise Conflict(_("Cette réservation n'est plus active."))
    day = rules.read_booking(load_options(line.options_json)).day
    today = today or paris_today()
    if day <= today:
        raise Conflict(_("Une réservation du jour même ou passée ne s'annule plus."))
    space = space_of(db, line.offer_id)
    paid = order.status in PAID
    fee = rules.cancellation_fee(line.incl_cents, day, today, space.cancel_free_days, space.cancel_fee_bps) if paid else 0
    return CancelTerms(line, day, fee, line.incl_cents - fee if paid else 0, space.cancel_free_days,
                       space.cancel_fee_bps)


def cancel_booking(db: Session, order: Order, line: OrderLine, user_id: int | None, config,
                   now: datetime | None = None) -> CancelTerms:
    """Give the slot back and refund what the policy leaves (an unpaid order is simply cancelled)."""
    terms = cancel_terms(db, order, line, (now or utcnow()).astimezone(rules.PARIS).date())
    if order.status == "pending_payment" and len(lines_of(db, order.id)) == 1:
        change_order_status(db, order, "cancelled", now)  # nothing paid: the order goes, and its hold
    else:
        ROOM_SLOTS.release(db, line)
        if terms.refund_cents > 0:
            refund_order(db, config, order, terms.refund_cents,
                         _("Annulation de la réservation du %(day)s", day=terms.day.strftime("%d/%m/%Y")),
                         user_id)
    db.add(RoomCancellation(order_line_id=line.id, fee_cents=terms.fee_cents, refunded_cents=terms.refund_cents,
                            by_user_id=user_id))
    queue_email(db, order.billing_email, _("Réservation annulée : %(what)s", what=line.description[:120]),
                _("Bonjour,\n\nVotre réservation « %(what)s » est annulée. Frais d'annulation : %(fee)s ; "
                  "remboursé : %(refund)s, par le moyen de paiement utilisé.\n", what=line.description,
                  fee=format_eur_fr(terms.fee_cents), refund=format_eur_fr(terms.refund_cents)),
                key=f"room-cancelled:{line.id}")
    db.flush()
    return terms


def booking_documents(db: Session, order: Order) -> list[tuple[str, str]]:
    """The order page offers to cancel each room booking still to come."""
    links = []
    for line in lines_of(db, order.id):
        if line.kind != KIND_CODE:
            continue
        try:
            terms = cancel_terms(db, order, line)
        except (Conflict, NotFound):
            continue
        links.append((_("Annuler la réservation du %(day)s", day=terms.day.strftime("%d/%m/%Y")),
                      url_for("rooms.cancel_page", line_id=line.id, t=order.access_token)))
    return links
