"""Tickets: issued when a ticket line is paid, one per unit with its attendee, each with a code the server signs;
voided when the order is cancelled or refunded; admitted once at the entrance, even under concurrent scans.

A code reads `<order line>-<position>-<signature>`; the signature is an HMAC-SHA256 (secret key) of the event,
the line and the position, so a code cannot be made up, nor used at another event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from ..auth.models import User
from ..catalogue.models import Offer
from ..checkout.models import Order, OrderLine
from ..config import signed_by_a_key
from ..core.errors import Conflict, Invalid, NotFound
from ..core.timeutil import utcnow
from .models import Event, Ticket

PARIS = ZoneInfo("Europe/Paris")
CODE_LENGTH = 16  # base32 characters of the signature (80 bits)


def signature(event_id: int, line_id: int, position: int, secret: str | None = None) -> str:
    key = (secret or current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"ticket:{event_id}:{line_id}:{position}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def ticket_code(event_id: int, line_id: int, position: int, secret: str | None = None) -> str:
    return f"{line_id}-{position}-{signature(event_id, line_id, position, secret)}"


def issue_tickets(db: Session, order: Order, line: OrderLine, event_id: int, count: int | None = None,
                  guest_of: str | None = None) -> list[Ticket]:
    """One ticket per unit of the paid line (or `count` invitations a sponsorship gives, for guests of
    `guest_of`), for the attendee named at checkout (else the buyer); once."""
    issued = {t.position: t for t in db.exec(select(Ticket).where(Ticket.order_line_id == line.id)).all()}
    people = json.loads(line.holders_json or "[]")
    if guest_of:
        people = [{"name": f"Invité·e de {guest_of}"}] * (count or 0)
    for position in range(1, (line.quantity if count is None else count) + 1):
        if position in issued:
            continue
        person = people[position - 1] if position <= len(people) else {}
        ticket = Ticket(event_id=event_id, offer_id=line.offer_id, order_line_id=line.id, position=position,
                        code=ticket_code(event_id, line.id, position),
                        attendee_name=(person.get("name") or order.billing_name)[:120],
                        attendee_email=person.get("email"))
        db.add(ticket)
        issued[position] = ticket
    db.flush()
    return [issued[p] for p in sorted(issued)]


def void_tickets(db: Session, line: OrderLine) -> int:
    """The line's tickets no longer admit anyone (its order was cancelled or refunded)."""
    result = db.connection().execute(update(Ticket).where(Ticket.order_line_id == line.id, Ticket.status == "issued")
                                     .values(status="void"))
    return result.rowcount


@dataclass(frozen=True)
class Scan:
    """What the entrance is told of a code: admitted, or why not (with the earlier admission)."""

    outcome: str  # admitted, already, void, other_event, wrong_day, unknown
    ticket: Ticket | None = None
    offer_title: str = ""
    by: str = ""

    @property
    def admitted(self) -> bool:
        return self.outcome == "admitted"


def normalize(code: str) -> str:
    return "".join(str(code).split()).upper()[:60]


def scan(db: Session, event: Event, code: str, staff_id: int, now: datetime | None = None) -> Scan:
    """Admit the ticket of this code at this event, once: a conditional update, so two entrances scanning the
    same code at the same moment admit it once; a forged, voided or other event's code is refused."""
    code = normalize(code)
    ticket = db.exec(select(Ticket).where(Ticket.code == code).execution_options(populate_existing=True)).first()
    if ticket is None or not _signed(ticket):
        return Scan("unknown")
    if ticket.event_id != event.id:
        return Scan("other_event", ticket)
    if ticket.status != "issued":
        return Scan("void", ticket)
    offer = db.get(Offer, ticket.offer_id)
    if not valid_on(offer, now or utcnow()):
        return Scan("wrong_day", ticket, offer.title_fr)
    admitted = db.connection().execute(update(Ticket).where(
        Ticket.id == ticket.id, Ticket.status == "issued", col(Ticket.checked_in_at).is_(None))
        .values(checked_in_at=now or utcnow(), checked_in_by=staff_id))
    db.refresh(ticket)
    by = db.exec(select(User.full_name, User.email).where(User.id == ticket.checked_in_by)).first()
    return Scan("admitted" if admitted.rowcount == 1 else "already", ticket, by=(by[0] or by[1]) if by else "")


def valid_on(offer: Offer, moment: datetime) -> bool:
    """A ticket type dated to some days of the event (a day pass) admits on those days only (Paris dates)."""
    if offer.starts_at is None:
        return True
    day = moment.astimezone(PARIS).date()
    first = offer.starts_at.astimezone(PARIS).date()
    last = (offer.ends_at or offer.starts_at).astimezone(PARIS).date()
    return first <= day <= last


def _signed(ticket: Ticket) -> bool:
    """The code was signed by the current key or a former one (tickets printed before a key rotation admit)."""
    return signed_by_a_key(current_app.config, ticket.code,
                           lambda key: ticket_code(ticket.event_id, ticket.order_line_id, ticket.position, key))


def tickets_of_buyer(db: Session, user_id: int, organization_id: int | None) -> list[tuple[Ticket, Event, Order]]:
    """The tickets of the orders a member may see (their own, their organization's), soonest event first."""
    who = [Order.user_id == user_id] + ([Order.organization_id == organization_id] if organization_id else [])
    return list(db.exec(select(Ticket, Event, Order).join(Event, Event.id == Ticket.event_id)
                        .join(OrderLine, OrderLine.id == Ticket.order_line_id)
                        .join(Order, Order.id == OrderLine.order_id)
                        .where(or_(*who)).order_by(Event.starts_at, Ticket.id)).all())


def rename_attendee(db: Session, ticket: Ticket, name: str, email: str | None, now: datetime | None = None) -> Ticket:
    """The buyer changes who a ticket is for, until the event starts (not once used or void)."""
    event = db.get(Event, ticket.event_id)
    if (now or utcnow()) >= event.starts_at or ticket.checked_in_at is not None or ticket.status != "issued":
        raise Conflict(_("Ce billet ne peut plus changer de participant."))
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise Invalid(_("Indiquez le nom du participant (120 caractères au plus)."), field="name")
    ticket.attendee_name, ticket.attendee_email = name, email
    db.add(ticket)
    db.flush()
    return ticket


def buyer_ticket(db: Session, ticket_id: int, user_id: int, organization_id: int | None) -> tuple[Ticket, Event]:
    for ticket, event, _order in tickets_of_buyer(db, user_id, organization_id):
        if ticket.id == ticket_id:
            return ticket, event
    raise NotFound(_("Billet introuvable."))


@dataclass(frozen=True)
class Admissions:
    """Tickets issued and admitted for one ticket type of an event."""

    offer_id: int
    title: str
    issued: int
    admitted: int


def admissions(db: Session, event_id: int) -> list[Admissions]:
    """Live counts per ticket type (one grouped query)."""
    rows = db.exec(select(Ticket.offer_id, Offer.title_fr, func.count(Ticket.id), func.count(Ticket.checked_in_at))
                   .join(Offer, Offer.id == Ticket.offer_id)
                   .where(Ticket.event_id == event_id, Ticket.status == "issued")
                   .group_by(Ticket.offer_id, Offer.title_fr).order_by(Offer.title_fr)).all()
    return [Admissions(offer_id, title, issued, admitted) for offer_id, title, issued, admitted in rows]


def attendees_of(db: Session, event_id: int) -> list[tuple[Ticket, str, Order]]:
    """Every ticket of the event with its type's title and its order, by attendee name."""
    return list(db.exec(select(Ticket, Offer.title_fr, Order).join(Offer, Offer.id == Ticket.offer_id)
                        .join(OrderLine, OrderLine.id == Ticket.order_line_id)
                        .join(Order, Order.id == OrderLine.order_id)
                        .where(Ticket.event_id == event_id).order_by(Ticket.attendee_name, Ticket.id)).all())
