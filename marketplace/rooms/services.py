"""Use cases of rooms: the rate grid of a room offer, and the slots its orders hold (never twice)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..core.errors import Conflict, Invalid, PricingError
from ..core.kinds import load_options
from ..db import get_owned
from . import rules
from .models import RoomBooking, RoomRate

KIND_CODE = "room"


def rates_of(db: Session, offer_id: int) -> list[RoomRate]:
    return list(db.exec(select(RoomRate).where(RoomRate.offer_id == offer_id)
                        .order_by(RoomRate.slot, RoomRate.day_type, RoomRate.min_people, RoomRate.id)).all())


def room_terms(db: Session, offer, lang: str = "fr") -> rules.RoomTerms:
    """What prices the room: its grid and the size above which it is on quote."""
    return rules.RoomTerms(
        tuple(rules.RoomRate(r.day_type, r.slot, r.min_people, r.max_people, r.list_price_cents)
              for r in rates_of(db, offer.id)),
        offer.room_quote_above, offer.room_quote_minimum_cents)


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


def check_free(db: Session, offer, options: Mapping[str, Any], quantity: int = 1, buyer=None) -> None:
    """Say at once that the slot asked is taken (checkout's booking is what holds it for good)."""
    booking = rules.read_booking(options)
    taken = db.exec(select(RoomBooking.id).where(RoomBooking.offer_id == offer.id, RoomBooking.day == booking.day,
                                                 col(RoomBooking.block).in_(booking.blocks))).first()
    if taken is not None:
        raise PricingError("taken", f"Ce créneau est déjà réservé le {booking.day:%d/%m/%Y} : choisissez un autre "
                           "créneau ou une autre date.", f"This slot is already booked on {booking.day:%Y-%m-%d}: "
                           "choose another slot or date.", "slot")


class RoomSlots:
    """A room order line holds the blocks of its slot on its date; the unique key refuses a second holder."""

    name = "room_slots"

    def hold(self, db: Session, lines: Sequence[tuple[Any, Any]]) -> None:
        for line, offer in lines:
            booking = rules.read_booking(load_options(line.options_json))
            try:
                with db.begin_nested():
                    for block in booking.blocks:
                        db.add(RoomBooking(offer_id=offer.id, day=booking.day, block=block, order_line_id=line.id))
                    db.flush()
            except IntegrityError as exc:
                raise Conflict(_("Ce créneau de « %(title)s » est déjà réservé le %(day)s.", title=offer.title_fr,
                                 day=booking.day.strftime("%d/%m/%Y"))) from exc

    def release(self, db: Session, line) -> None:
        for booking in db.exec(select(RoomBooking).where(RoomBooking.order_line_id == line.id)).all():
            db.delete(booking)
        db.flush()

    def available(self, db: Session, offer, options: Mapping[str, Any]) -> int | None:
        return None


ROOM_SLOTS = RoomSlots()
