"""Coworking passes: books of tickets with their balance (who holds them, until when), and each ticket used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime


class PassBook(SQLModel, table=True):
    """A paid book of tickets (10 half days, 10 days): its holder, its balance, its expiry."""

    __table_args__ = (UniqueConstraint("order_line_id", "position", name="uq_passbook_position"),
                      UniqueConstraint("code", name="uq_passbook_code"),
                      CheckConstraint("units >= 1 AND used_units >= 0 AND used_units <= units", name="ck_passbook_use"))

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)
    position: int = Field(default=1, description="1..quantity: several books in one line")
    label: str = Field(max_length=200, description="what a ticket is worth (a half day, a day)")
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    holder_name: str = Field(max_length=200)
    holder_email: str = Field(max_length=254)
    code: str = Field(max_length=24, description="shown by the holder at the desk")
    units: int
    used_units: int = Field(default=0)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    void: bool = Field(default=False, description="its order was cancelled or refunded")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PassRedemption(SQLModel, table=True):
    """One ticket of a book used, when, by whom (staff at the desk, or the holder with the desk's code)."""

    id: int | None = Field(default=None, primary_key=True)
    book_id: int = Field(foreign_key="passbook.id", index=True)
    used_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    by_user_id: int | None = Field(default=None, foreign_key="user.id")
    by_staff: bool = Field(default=False)
    note: str = Field(default="", max_length=200)


class PassDesk(SQLModel, table=True):
    """A coworking space's settings: how long a book lasts, and the code posted at the desk today."""

    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    validity_months: int = Field(default=12, ge=1, le=60)
    desk_code: str = Field(default="", max_length=20, description="members type it to use a ticket on site")
