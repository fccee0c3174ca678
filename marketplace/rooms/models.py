"""Rooms: each room offer's rate grid, and the blocks of its days held by orders (never twice)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of


class RoomRate(SQLModel, table=True):
    """A room price by day type, slot and people band (bounds inclusive; bands of a slot never overlap)."""

    __table_args__ = (CheckConstraint("min_people >= 1 AND max_people >= min_people", name="ck_room_band"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    day_type: str = Field(max_length=10)
    slot: str = Field(max_length=20)
    min_people: int
    max_people: int
    list_price_cents: int


class RoomBooking(SQLModel, table=True):
    """One block of a room on one day, held by one order line: the unique key forbids double booking."""

    __table_args__ = (UniqueConstraint("offer_id", "day", "block", name="uq_room_block"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    day: date
    block: str = Field(max_length=20)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)


class RoomSpace(SQLModel, table=True):
    """How a room is run: its size and equipment, the time kept free between two bookings, its cancellation
    policy (free until some days before, then a fee in % of the price)."""

    __table_args__ = (CheckConstraint("buffer_minutes >= 0 AND cancel_free_days >= 0 AND "
                                      "cancel_fee_bps >= 0 AND cancel_fee_bps <= 10000", name="ck_room_space"),)

    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    capacity: int | None = Field(default=None)
    equipment: str = Field(default="", max_length=1000)
    buffer_minutes: int = Field(default=0)
    cancel_free_days: int = Field(default=14)
    cancel_fee_bps: int = Field(default=5000)
    horizon_days: int = Field(default=365, description="bookings are taken up to this many days ahead")


class RoomHours(SQLModel, table=True):
    """When a room is open on a weekday (0 Monday … 6 Sunday, Paris time); a weekday without hours is closed,
    a room without any hours is open from 8:00 to 23:00 every day."""

    __table_args__ = (CheckConstraint("weekday >= 0 AND weekday <= 6 AND closes > opens", name="ck_room_hours"),)

    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    weekday: int = Field(primary_key=True)
    opens: time
    closes: time


class RoomClosure(SQLModel, table=True):
    """A day the room is closed (a holiday, works)."""

    __table_args__ = (UniqueConstraint("offer_id", "day", name="uq_room_closure"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    day: date
    reason: str = Field(default="", max_length=200)


class RoomDay(SQLModel, table=True):
    """A row per room and day with bookings, locked while a booking of that day is checked (the time kept
    free between bookings holds under concurrency)."""

    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    day: date = Field(primary_key=True)


class RoomCancellation(SQLModel, table=True):
    """A booking cancelled by its buyer: its slot given back, the fee kept, the rest refunded (once)."""

    __table_args__ = (UniqueConstraint("order_line_id", name="uq_room_cancellation"),)

    id: int | None = Field(default=None, primary_key=True)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)
    fee_cents: int
    refunded_cents: int
    cancelled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    by_user_id: int | None = Field(default=None, foreign_key="user.id")


QUOTE_STATUSES = ("requested", "proposed", "accepted", "declined")


class RoomQuote(SQLModel, table=True):
    """A request for a room above its grid (a large group): staff answer a price, the requester accepts it and
    books at that price through the normal checkout."""

    __table_args__ = (CheckConstraint(one_of("status", QUOTE_STATUSES), name="ck_room_quote_status"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    day: date
    slot: str = Field(max_length=20)
    half: str | None = Field(default=None, max_length=10)
    people: int
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    message: str = Field(default="", max_length=2000)
    status: str = Field(default="requested", max_length=10)
    price_cents: int | None = Field(default=None, description="excl. VAT, as staff propose it")
    staff_note: str = Field(default="", max_length=1000)
    token: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RoomPhoto(SQLModel, table=True):
    """A photo of a room shown on its page, as the server re-encoded it (a JPEG of at most 1600 px a side)."""

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    data: bytes = Field(sa_type=LargeBinary)
    caption: str = Field(default="", max_length=200)
    position: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
