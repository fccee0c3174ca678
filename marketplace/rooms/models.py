"""Rooms: each room offer's rate grid, and the blocks of its days held by orders (never twice)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


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
