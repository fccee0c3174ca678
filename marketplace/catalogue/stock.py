"""Stock of offers with a capacity: seats, stands and packages for good, or desks per day (coworking).

Units are held by conditional updates (`held + n <= capacity`) taken in increasing (offer, day) order,
so two buyers of the same offers queue on the same rows in the same order and never deadlock; this
works the same on SQLite (writers serialised by BEGIN IMMEDIATE) and PostgreSQL (row locks). An offer
without a capacity is never limited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import ngettext
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from ..core.errors import Conflict
from ..core.kinds import load_options
from .models import Offer, OfferDayStock, OfferStock


def _insert(db: Session):
    return pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert


def _wanted(lines: Sequence[tuple[Any, Offer]], key) -> tuple[dict[tuple, int], dict[int, Offer]]:
    """Units wanted per stock key (None: not limited), and the offers by id."""
    wanted: dict[tuple, int] = {}
    offers: dict[int, Offer] = {}
    for line, offer in lines:
        stock_key = key(line, offer)
        if offer.capacity is not None and stock_key is not None:
            wanted[stock_key] = wanted.get(stock_key, 0) + line.units
            offers[offer.id] = offer
    return wanted, offers


class CapacityStock:
    """An offer's capacity for good: every unit sold is one seat, stand or package less."""

    name = "capacity"

    def hold(self, db: Session, lines: Sequence[tuple[Any, Offer]]) -> None:
        wanted, offers = _wanted(lines, lambda line, offer: (offer.id,))
        known = db.info.get("placing", {}).get("stock_rows", set())  # rows read while the order was checked
        for (offer_id,) in sorted(wanted):
            if offer_id not in known:
                db.connection().execute(_insert(db)(OfferStock).values(offer_id=offer_id, held_units=0)
                                        .on_conflict_do_nothing())
        for (offer_id,), units in sorted(wanted.items()):
            offer = offers[offer_id]
            held = db.connection().execute(update(OfferStock).where(
                OfferStock.offer_id == offer_id, OfferStock.held_units + units <= offer.capacity)
                .values(held_units=OfferStock.held_units + units))
            if held.rowcount != 1:
                raise Conflict(ngettext("Complet : « %(title)s » n'a plus que %(num)d place disponible.",
                                        "Complet : « %(title)s » n'a plus que %(num)d places disponibles.",
                                        self.available(db, offer, {}), title=offer.title_fr), code="sold_out")

    def release(self, db: Session, line) -> None:
        db.connection().execute(update(OfferStock).where(OfferStock.offer_id == line.offer_id)
                                .values(held_units=OfferStock.held_units - line.units))

    def available(self, db: Session, offer: Offer, options: Mapping[str, Any]) -> int | None:
        if offer.capacity is None:
            return None
        held = db.exec(select(OfferStock.held_units).where(OfferStock.offer_id == offer.id)).first()
        placing = db.info.get("placing")
        if placing is not None and held is not None:
            placing.setdefault("stock_rows", set()).add(offer.id)  # the hold need not create it
        return max(offer.capacity - (held or 0), 0)


def _day(options: Mapping[str, Any]) -> date | None:
    day = options.get("date")
    return day if isinstance(day, date) else None


def _pass_day(line) -> date | None:
    """The day a line's passes take a desk; None for a book of tickets (several units per item), used later."""
    return _day(load_options(line.options_json)) if line.units == line.quantity else None


class DailyStock:
    """An offer's capacity each day (desks): a pass for a date takes a desk of that date; a book of
    tickets, used later on any day, takes none."""

    name = "daily"

    def hold(self, db: Session, lines: Sequence[tuple[Any, Offer]]) -> None:
        wanted, offers = _wanted(lines, lambda line, offer: (offer.id, day) if (day := _pass_day(line)) else None)
        for offer_id, day in sorted(wanted):
            db.connection().execute(_insert(db)(OfferDayStock).values(offer_id=offer_id, day=day, held_units=0)
                                    .on_conflict_do_nothing())
        for (offer_id, day), units in sorted(wanted.items()):
            offer = offers[offer_id]
            held = db.connection().execute(update(OfferDayStock).where(
                OfferDayStock.offer_id == offer_id, OfferDayStock.day == day,
                OfferDayStock.held_units + units <= offer.capacity)
                .values(held_units=OfferDayStock.held_units + units))
            if held.rowcount != 1:
                raise Conflict(ngettext("Complet le %(day)s : « %(title)s » n'a plus que %(num)d place ce jour-là.",
                                        "Complet le %(day)s : « %(title)s » n'a plus que %(num)d places ce jour-là.",
                                        self.available(db, offer, {"date": day}), day=day.strftime("%d/%m/%Y"),
                                        title=offer.title_fr), code="sold_out")

    def release(self, db: Session, line) -> None:
        day = _pass_day(line)
        if day is not None:
            db.connection().execute(update(OfferDayStock).where(
                OfferDayStock.offer_id == line.offer_id, OfferDayStock.day == day)
                .values(held_units=OfferDayStock.held_units - line.units))

    def available(self, db: Session, offer: Offer, options: Mapping[str, Any]) -> int | None:
        day = _day(options)
        if offer.capacity is None or day is None:
            return None
        held = db.exec(select(OfferDayStock.held_units).where(OfferDayStock.offer_id == offer.id,
                                                              OfferDayStock.day == day)).first() or 0
        return max(offer.capacity - held, 0)


CAPACITY = CapacityStock()
DAILY = DailyStock()
