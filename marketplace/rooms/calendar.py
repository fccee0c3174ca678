"""A room's availability, a week or a month at a time: each slot of its grid on each day, free, taken, closed
or past; staff also see who booked. And the bookings as an .ics feed for staff calendars (a signed address)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlmodel import Session, col, select

from ..checkout.models import Order, OrderLine
from ..config import signed_by_a_key
from . import rules
from .models import RoomBooking
from .services import closures_of, hours_of, last_bookable_day, rates_of, space_of


@dataclass(frozen=True)
class Choice:
    """A bookable slot of the grid as the calendar offers it (a half day is two: morning, afternoon)."""

    slot: str
    half: str | None
    blocks: tuple[str, ...]
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class Cell:
    day: date
    choice: Choice
    state: str  # free, taken, closed, past
    booked_by: str = ""


def choices_of(db: Session, offer_id: int) -> list[Choice]:
    """The slots the room's grid prices, in the day's order."""
    priced = {rate.slot for rate in rates_of(db, offer_id)}
    out = []
    for code, slot in rules.SLOTS.items():
        if code not in priced:
            continue
        if slot.afternoon:
            out += [Choice(code, half, slot.blocks_for(half), f"{slot.label_fr} ({fr})", f"{slot.label_en} ({en})")
                    for half, (fr, en) in rules.HALF_LABELS.items()]
        else:
            out.append(Choice(code, None, slot.blocks, slot.label_fr, slot.label_en))
    return sorted(out, key=lambda c: rules.span(c.blocks))


def days_from(start: date, view: str) -> list[date]:
    if view == "month":
        first = start.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return [first + timedelta(days=n) for n in range((following - first).days)]
    monday = start - timedelta(days=start.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def availability(db: Session, offer, days: list[date], now: datetime, staff: bool = False) -> list[list[Cell]]:
    """A row per day of cells per choice; who booked only for staff (the public sees free or taken)."""
    choices = choices_of(db, offer.id)
    hours, closed = hours_of(db, offer.id), closures_of(db, offer.id, days[0], days[-1])
    space = space_of(db, offer.id)
    buffer, last_day = space.buffer_minutes, last_bookable_day(space, now)
    booked: dict[date, dict[str, str]] = {}
    rows = db.exec(select(RoomBooking, Order.billing_name).join(OrderLine, OrderLine.id == RoomBooking.order_line_id)
                   .join(Order, Order.id == OrderLine.order_id)
                   .where(RoomBooking.offer_id == offer.id, col(RoomBooking.day).between(days[0], days[-1]))).all()
    for booking, name in rows:
        booked.setdefault(booking.day, {})[booking.block] = name
    table = []
    for day in days:
        taken = booked.get(day, {})
        cells = []
        for choice in choices:
            start = datetime.combine(day, rules.span(choice.blocks)[0], tzinfo=rules.PARIS)
            if start <= now:
                state = "past"
            elif day > last_day or rules.opening_problem(day, choice.blocks, hours, closed):
                state = "closed"
            elif set(choice.blocks) & set(taken) or rules.buffer_clash(choice.blocks, list(taken), buffer):
                state = "taken"
            else:
                state = "free"
            who = ", ".join(sorted({taken[b] for b in choice.blocks if b in taken})) if staff else ""
            cells.append(Cell(day, choice, state, who))
        table.append(cells)
    return table


def feed_token(offer_id: int, key: str | None = None) -> str:
    key = (key or current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"room-feed:{offer_id}".encode(), hashlib.sha256).hexdigest()[:32]


def is_feed_token(offer_id: int, token: str) -> bool:
    """A feed address given before a key rotation keeps working while the former key is a fallback."""
    return signed_by_a_key(current_app.config, token, lambda key: feed_token(offer_id, key))


def bookings_ics(db: Session, offer, since: date, now: datetime) -> bytes:
    """The room's bookings from `since` on, one event per booked slot, the booker in the title (for staff)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Place de marché des clusters//Salles//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Réservations — {offer.title_fr}")
    rows = db.exec(select(RoomBooking, Order).join(OrderLine, OrderLine.id == RoomBooking.order_line_id)
                   .join(Order, Order.id == OrderLine.order_id)
                   .where(RoomBooking.offer_id == offer.id, RoomBooking.day >= since)
                   .order_by(RoomBooking.day, RoomBooking.block)).all()
    for booking, order in rows:
        start, end = rules.BLOCK_TIMES[booking.block]
        entry = CalendarEvent()
        entry.add("uid", f"room-{booking.id}@clusters.marketplace")
        entry.add("dtstamp", now)
        entry.add("dtstart", datetime.combine(booking.day, start, tzinfo=rules.PARIS))
        entry.add("dtend", datetime.combine(booking.day, end, tzinfo=rules.PARIS))
        entry.add("summary", f"{order.billing_name} — {order.number}")
        entry.add("status", "CONFIRMED" if order.status in ("paid", "fulfilled") else "TENTATIVE")
        calendar.add_component(entry)
    return calendar.to_ical()
