"""Waiting lists: when a ticket type is sold out, visitors leave a name and an email; when places come back
(an order expired, cancelled or refunded, or more places), the worker offers them in turn: an order holds a
place for the next person, and the email links to it; unpaid in time, it expires and the next one is offered."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..catalogue.search import Viewer
from ..checkout.models import Cart, CartLine, Order
from ..checkout.orders import Billing, order_link, place_order
from ..core.errors import Conflict, DomainError, Invalid
from ..mail.services import queue_email
from ..web.i18n import moment
from .models import Event, WaitlistEntry
from .stock import QUOTAS


def join_waitlist(db: Session, event: Event, offer: Offer, name: str, email: str) -> WaitlistEntry:
    """Wait for a sold-out ticket type of the event (once per email and ticket type)."""
    if offer.event_id != event.id:
        raise Invalid(_("Ce billet n'est pas vendu pour cet événement."), field="offer_id")
    left = QUOTAS.available(db, offer, {})
    if left is None or left > 0:
        raise Conflict(_("Il reste des places : réservez-les directement."), field="offer_id")
    existing = db.exec(select(WaitlistEntry).where(WaitlistEntry.offer_id == offer.id, WaitlistEntry.email == email,
                                                   col(WaitlistEntry.status).in_(("waiting", "offered")))).first()
    if existing is not None:
        return existing
    entry = WaitlistEntry(event_id=event.id, offer_id=offer.id, name=name, email=email)
    db.add(entry)
    db.flush()
    return entry


def serve_waitlists(db: Session, now: datetime, hold_hours: int) -> int:
    """Offer each place that came back to the next person waiting; returns how many were offered."""
    _settle(db)
    offered = 0
    waiting = db.exec(select(WaitlistEntry).where(WaitlistEntry.status == "waiting")
                      .order_by(WaitlistEntry.created_at, WaitlistEntry.id).with_for_update(skip_locked=True)).all()
    for entry in waiting:
        offer = db.get(Offer, entry.offer_id)
        event = db.get(Event, entry.event_id)
        if event.status != "published" or now >= event.starts_at:
            continue
        left = QUOTAS.available(db, offer, {})
        if left is not None and left < 1:
            continue
        try:
            with db.begin_nested():
                order = _hold_for(db, entry, offer, now, hold_hours)
        except DomainError:
            continue  # taken meanwhile: the next round tries again
        entry.status, entry.order_id, entry.offered_at = "offered", order.id, now
        db.add(entry)
        _tell(db, entry, event, order)
        offered += 1
    db.flush()
    return offered


def _hold_for(db: Session, entry: WaitlistEntry, offer: Offer, now: datetime, hold_hours: int) -> Order:
    cart = Cart(token=f"waitlist-{entry.id}")
    db.add(cart)
    db.flush()
    line = CartLine(cart_id=cart.id, offer_id=offer.id, quantity=1)
    db.add(line)
    db.flush()
    order, _created = place_order(db, cart, Viewer(), None, Billing(entry.name, entry.email), f"waitlist:{entry.id}",
                                  hold_hours * 60, now=now,
                                  holders={line.id: [{"name": entry.name, "email": entry.email}]})
    db.delete(cart)
    return order


def _settle(db: Session) -> None:
    """An offered place paid is served; one left to expire goes back to whoever waits next."""
    for entry, order in db.exec(select(WaitlistEntry, Order).join(Order, Order.id == WaitlistEntry.order_id)
                                .where(WaitlistEntry.status == "offered")).all():
        if order.status in ("paid", "fulfilled"):
            entry.status = "served"
        elif order.status in ("expired", "cancelled"):
            entry.status = "withdrawn"
        db.add(entry)


def _tell(db: Session, entry: WaitlistEntry, event: Event, order: Order) -> None:
    link, deadline = order_link(order), moment(order.hold_expires_at)
    queue_email(db, entry.email, _("Une place pour %(event)s vous attend", event=event.title_fr),
                _("Bonjour,\n\nUne place s'est libérée pour %(event)s : elle vous est réservée jusqu'au %(deadline)s. "
                  "Réglez-la ici (virement ou carte) :\n%(link)s\n\nPassé ce délai, elle est proposée à la personne "
                  "suivante de la liste d'attente.\n", event=event.title_fr, deadline=deadline, link=link),
                key=f"waitlist:{entry.id}")
