"""Use cases of rooms: the rate grid of a room offer, and the slots its orders hold (never twice)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from flask import current_app, g, has_app_context, has_request_context
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..catalogue.freshness import catalogue_version, read_with_version, version_is_read, with_version
from ..core.errors import Conflict, Invalid, PricingError
from ..core.kinds import load_options
from ..core.timeutil import utcnow
from ..db import get_owned
from . import rules
from .models import RoomBooking, RoomClosure, RoomDay, RoomHours, RoomQuote, RoomRate, RoomSpace

KIND_CODE = "room"


def rates_of(db: Session, offer_id: int) -> list[RoomRate]:
    return list(db.exec(select(RoomRate).where(RoomRate.offer_id == offer_id)
                        .order_by(RoomRate.slot, RoomRate.day_type, RoomRate.min_people, RoomRate.id)).all())


def room_terms(db: Session, offer, lang: str = "fr") -> rules.RoomTerms:
    """What prices the room: its grid and the size above which it is on quote."""
    agreed = {q.id: (q.token, q.price_cents) for q in db.exec(select(RoomQuote).where(
        RoomQuote.offer_id == offer.id, RoomQuote.status == "accepted"))}
    return rules.RoomTerms(
        tuple(rules.RoomRate(r.day_type, r.slot, r.min_people, r.max_people, r.list_price_cents)
              for r in rates_of(db, offer.id)),
        offer.room_quote_above, offer.room_quote_minimum_cents, agreed)


@dataclass(frozen=True)
class RateInput:
    """A line of a room's rate grid: which days, which slot, a band of people (bounds included), a price."""

    day_type: str
    slot: str
    min_people: int
    max_people: int
    list_price_cents: int


def add_rate(db: Session, offer, rate: RateInput) -> RoomRate:
    """A new line of a room's grid; its people band may not overlap another of the same slot and days."""
    if offer.kind != KIND_CODE:
        raise Invalid(_("Une grille tarifaire ne s'ajoute qu'à une location de salle."))
    if not 1 <= rate.min_people <= rate.max_people:
        raise Invalid(_("Le maximum doit être supérieur ou égal au minimum."), field="rate_max_people")
    new = rules.RoomRate(**asdict(rate))
    for row in rates_of(db, offer.id):
        same = (row.day_type, row.slot, row.min_people, row.max_people) == (
            rate.day_type, rate.slot, rate.min_people, rate.max_people)
        if same:
            raise Conflict(_("Ce créneau a déjà un tarif pour ces jours et ce nombre de personnes."),
                           field="rate_min_people")
        if new.overlaps(rules.RoomRate(row.day_type, row.slot, row.min_people, row.max_people, row.list_price_cents)):
            raise Conflict(_("Cette tranche chevauche celle de %(low)d à %(high)d personnes pour ce créneau et ces "
                             "jours : les tranches se suivent (1 à 20, 21 à 50, 51 à 100...).",
                             low=row.min_people, high=row.max_people), field="rate_min_people")
    row = RoomRate(offer_id=offer.id, **asdict(rate))
    db.add(row)
    db.flush()
    return row


def remove_rate(db: Session, offer, rate_id: int) -> None:
    db.delete(get_owned(db, RoomRate, rate_id, _("Tarif introuvable."), offer_id=offer.id))
    db.flush()


def space_of(db: Session, offer_id: int) -> RoomSpace:
    return db.get(RoomSpace, offer_id) or RoomSpace(offer_id=offer_id)


def hours_of(db: Session, offer_id: int) -> dict[int, tuple]:
    return {h.weekday: (h.opens, h.closes) for h in db.exec(select(RoomHours).where(RoomHours.offer_id == offer_id))}


def closures_of(db: Session, offer_id: int, first=None, last=None) -> dict:
    """The room's closed days (day → reason), between `first` and `last` when given."""
    return {c.day: c.reason for c in closure_rows(db, offer_id, first, last)}


def closure_rows(db: Session, offer_id: int, first=None, last=None) -> list[RoomClosure]:
    query = select(RoomClosure).where(RoomClosure.offer_id == offer_id).order_by(RoomClosure.day)
    if first is not None:
        query = query.where(RoomClosure.day >= first, RoomClosure.day <= last)
    return list(db.exec(query).all())


def booked_blocks(db: Session, offer_id: int, day) -> list[str]:
    return list(db.exec(select(RoomBooking.block).where(RoomBooking.offer_id == offer_id, RoomBooking.day == day)))


# The bookings of a run of days and maybe one more (a calendar and its quote's day), alone or with the catalogue's
# version: built once, so that a page does not compile them again.
_SHOWN_DAYS = and_(RoomBooking.offer_id == bindparam("offer"),
                   or_(col(RoomBooking.day).between(bindparam("first"), bindparam("last")),
                       RoomBooking.day == bindparam("also")))
_SHOWN = select(RoomBooking.day, RoomBooking.block).where(_SHOWN_DAYS).order_by(RoomBooking.day, RoomBooking.block)
_SHOWN_WITH_VERSION = with_version(RoomBooking.day, RoomBooking.block).outerjoin(RoomBooking, _SHOWN_DAYS)\
    .order_by(RoomBooking.day, RoomBooking.block)


def shown_bookings(db: Session, offer_id: int, days: Sequence, also=None, with_version: bool = False) -> dict:
    """The blocks booked on each of `days` (consecutive) and on `also` (day -> blocks in order), read in one
    statement for a page that shows them (a room's calendar) and remembered until the request ends, so that its
    quote does not ask for its day again (see `check_free`); `with_version`: the catalogue's version read in the
    same statement, if not read yet. Never for holding a slot: checkout reads under the day's lock."""
    known: dict = g.setdefault("room_bookings", {}).setdefault(offer_id, {}) if has_request_context() else {}
    wanted = [*days, also] if also is not None else list(days)
    if any(day not in known for day in wanted):
        params = {"offer": offer_id, "first": days[0], "last": days[-1], "also": also}
        rows = read_with_version(db, _SHOWN_WITH_VERSION, params) if with_version and not version_is_read(db) \
            else None
        if rows is None:  # asked alone, or the version's row is missing (then it is read on its own)
            rows = db.connection().execute(_SHOWN, params).all()
        known.update((day, []) for day in wanted)
        for day, block in rows:
            if day is not None:  # the version's row with no booking
                known[day].append(block)
    return {day: known[day] for day in wanted}


def _shown_on(offer_id: int, day) -> list[str] | None:
    """The day's booked blocks if this request's page read them already (else None: read them)."""
    return g.get("room_bookings", {}).get(offer_id, {}).get(day) if has_request_context() else None


def last_bookable_day(space: RoomSpace, now=None):
    """The last day the room takes bookings for: its horizon from today (Paris)."""
    today = (now or utcnow()).astimezone(rules.PARIS).date()
    return today + timedelta(days=space.horizon_days)


@dataclass(frozen=True)
class RoomRules:
    """What staff set that decides whether a slot may be booked, bookings aside."""

    space: RoomSpace  # out of any session: only read
    hours: dict[int, tuple]
    closures: dict  # day -> reason


def room_rules(db: Session, offer_id: int, day=None) -> RoomRules:
    """The room's rules (its closures on `day` only, when given)."""
    space = space_of(db, offer_id)
    if space in db:
        db.expunge(space)
    return RoomRules(space, hours_of(db, offer_id), closures_of(db, offer_id, day, day))


def kept_room_rules(db: Session, offer_id: int) -> RoomRules:
    """The room's rules kept by this worker under the catalogue's version (they are watched: see kind.py)."""
    if not has_app_context():
        return room_rules(db, offer_id)
    return current_app.extensions["fragments"].kept(("room-rules", offer_id), lambda: (room_rules(db, offer_id), None),
                                                    catalogue_version(db))


def refusal(db: Session, offer, booking: rules.Booking, kept: RoomRules | None = None,
            booked: list[str] | None = None) -> PricingError | None:
    """Why this booking cannot be taken now: beyond the room's horizon, the room closed then, the slot or a
    neighbour too close taken. `kept`, `booked`: the room's rules and the day's booked blocks already at hand
    (else read)."""
    room = kept or room_rules(db, offer.id, booking.day)
    space = room.space
    last = last_bookable_day(space)
    if booking.day > last:
        return PricingError("too_far", f"Cette salle se réserve jusqu'au {last:%d/%m/%Y} au plus tard.",
                            f"This room can be booked up to {last:%Y-%m-%d}.", "date")
    problem = rules.opening_problem(booking.day, booking.blocks, room.hours, room.closures)
    if problem is not None:
        return PricingError("closed", *problem, "date")
    booked = booked_blocks(db, offer.id, booking.day) if booked is None else booked
    if set(booking.blocks) & set(booked):
        return PricingError("taken", f"Ce créneau est déjà réservé le {booking.day:%d/%m/%Y} : choisissez un autre "
                            "créneau ou une autre date.", f"This slot is already booked on {booking.day:%Y-%m-%d}: "
                            "choose another slot or date.", "slot")
    buffer = space.buffer_minutes
    if rules.buffer_clash(booking.blocks, booked, buffer):
        return PricingError("taken", f"Trop près d'une réservation le {booking.day:%d/%m/%Y} : la salle garde "
                            f"{buffer} minutes libres entre deux réservations.", f"Too close to a booking on "
                            f"{booking.day:%Y-%m-%d}: the room keeps {buffer} minutes free between bookings.", "slot")
    return None


def check_free(db: Session, offer, options: Mapping[str, Any], quantity: int = 1, buyer=None) -> None:
    """Say at once that the slot asked cannot be booked (checkout's booking is what holds it for good)."""
    booking = rules.read_booking(options)
    problem = refusal(db, offer, booking, kept_room_rules(db, offer.id), _shown_on(offer.id, booking.day))
    if problem is not None:
        raise problem


class RoomSlots:
    """A room order line holds the blocks of its slot on its date; the unique key refuses a second holder."""

    name = "room_slots"

    def hold(self, db: Session, lines: Sequence[tuple[Any, Any]]) -> None:
        """Take each line's blocks, room and day in a fixed order, the room's day locked while its opening hours
        and the time kept free between bookings are checked; refuse and take nothing otherwise."""
        wanted = sorted(((offer.id, rules.read_booking(load_options(line.options_json)).day, line.id), line, offer)
                        for line, offer in lines)
        for (_offer_id, day, _line_id), line, offer in wanted:
            booking = rules.read_booking(load_options(line.options_json))
            self._lock(db, offer.id, day)
            problem = refusal(db, offer, booking)
            if problem is not None:
                raise Conflict(_("« %(title)s » le %(day)s : %(why)s", title=offer.title_fr,
                                 day=day.strftime("%d/%m/%Y"), why=problem.message), code=problem.code)
            try:
                with db.begin_nested():
                    for block in booking.blocks:
                        db.add(RoomBooking(offer_id=offer.id, day=day, block=block, order_line_id=line.id))
                    db.flush()
            except IntegrityError as exc:
                raise Conflict(_("Ce créneau de « %(title)s » est déjà réservé le %(day)s.", title=offer.title_fr,
                                 day=day.strftime("%d/%m/%Y")), code="taken") from exc

    @staticmethod
    def _lock(db: Session, offer_id: int, day) -> None:
        insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.connection().execute(insert(RoomDay).values(offer_id=offer_id, day=day).on_conflict_do_nothing())
        db.exec(select(RoomDay).where(RoomDay.offer_id == offer_id, RoomDay.day == day).with_for_update()).one()

    def release(self, db: Session, line) -> None:
        for booking in db.exec(select(RoomBooking).where(RoomBooking.order_line_id == line.id)).all():
            db.delete(booking)
        db.flush()

    def available(self, db: Session, offer, options: Mapping[str, Any]) -> int | None:
        return None


ROOM_SLOTS = RoomSlots()


@dataclass(frozen=True)
class SpaceInput:
    capacity: int | None
    equipment: str
    buffer_minutes: int
    cancel_free_days: int
    cancel_fee_bps: int
    horizon_days: int = 365


def save_space(db: Session, offer, space: SpaceInput) -> RoomSpace:
    row = db.get(RoomSpace, offer.id) or RoomSpace(offer_id=offer.id)
    for name, value in asdict(space).items():
        setattr(row, name, value)
    db.add(row)
    db.flush()
    return row


def set_hours(db: Session, offer, hours: dict[int, tuple]) -> None:
    """Replace the room's opening hours (weekday → opens, closes); none at all means 8:00 to 23:00 daily."""
    for row in db.exec(select(RoomHours).where(RoomHours.offer_id == offer.id)).all():
        db.delete(row)
    db.flush()
    db.add_all([RoomHours(offer_id=offer.id, weekday=day, opens=opens, closes=closes)
                for day, (opens, closes) in sorted(hours.items())])
    db.flush()


def add_closure(db: Session, offer, day, reason: str) -> RoomClosure:
    """Close the room a day; a day with bookings cannot be closed (cancel them first)."""
    if db.exec(select(RoomBooking.id).where(RoomBooking.offer_id == offer.id, RoomBooking.day == day)).first():
        raise Conflict(_("Des réservations existent ce jour-là : annulez-les d'abord."), field="day")
    if db.exec(select(RoomClosure.id).where(RoomClosure.offer_id == offer.id, RoomClosure.day == day)).first():
        raise Conflict(_("La salle est déjà fermée ce jour-là."), field="day")
    row = RoomClosure(offer_id=offer.id, day=day, reason=reason)
    db.add(row)
    db.flush()
    return row


def remove_closure(db: Session, offer, closure_id: int) -> None:
    db.delete(get_owned(db, RoomClosure, closure_id, _("Fermeture introuvable."), offer_id=offer.id))
    db.flush()
