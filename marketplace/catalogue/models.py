"""The catalogue: one Offer model for everything a cluster sells, with its variants, rates and co-owners."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, CheckConstraint, Text, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of

VISIBILITIES = ("public", "members", "partners")
VAT_RATES_BPS = (2000, 1000, 550, 210)



class Offer(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("visibility", VISIBILITIES), name="ck_offer_visibility"),
        CheckConstraint("list_price_cents >= 0", name="ck_offer_price"),
        CheckConstraint("member_price_cents IS NULL OR member_discount_bps IS NULL", name="ck_offer_member_rule"),
        CheckConstraint("vat_rate_bps IS NOT NULL OR vat_exempt_mention IS NOT NULL", name="ck_offer_vat_mention"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_offer_capacity"),
        UniqueConstraint("cluster_id", "slug", name="uq_offer_slug"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    kind: str = Field(max_length=30, index=True, description="a code of the kind registry (core.kinds)")
    slug: str = Field(max_length=80)
    title_fr: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    summary_fr: str = Field(default="", max_length=300)
    summary_en: str = Field(default="", max_length=300)
    description_fr: str = Field(default="", sa_type=Text)
    description_en: str = Field(default="", sa_type=Text)
    includes_fr: str = Field(default="", max_length=1000, description="what the price includes")
    includes_en: str = Field(default="", max_length=1000)
    visibility: str = Field(default="public", max_length=20)
    is_published: bool = Field(default=True, index=True)
    sale_starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sale_ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    location: str = Field(default="", max_length=200)
    capacity: int | None = Field(default=None)
    list_price_cents: int = Field(default=0, index=True)
    prices_include_vat: bool = Field(default=False)
    # No column default: an exempt offer's None must be stored as NULL, not replaced by 20 % on INSERT.
    vat_rate_bps: int | None = Field(default=2000, sa_column_kwargs={"default": None})
    platform_fee_bps: int | None = Field(default=None, ge=0, le=10000,
                                         description="overrides the federation's platform fee")
    vat_exempt_mention: str | None = Field(default=None, max_length=200)
    member_price_cents: int | None = Field(default=None)
    member_discount_bps: int | None = Field(default=None)
    members_only: bool = Field(default=False)
    discovery_scope: bool = Field(default=True)
    included_in_tiers: str = Field(default="", max_length=200, description="comma-separated tier codes")
    early_bird_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    early_bird_discount_bps: int | None = Field(default=None)
    room_quote_above: int | None = Field(default=None)
    room_quote_minimum_cents: int | None = Field(default=None)
    max_per_order: int | None = Field(default=None, ge=1, description="most units one order may take")
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True,
                                 description="the event it is sold for (a ticket type, a stand, a sponsorship)")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OfferTheme(SQLModel, table=True):
    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    theme: str = Field(max_length=40, primary_key=True, index=True)


class OfferVariant(SQLModel, table=True):
    """A priced pack of an offer (a book of 10 coworking tickets consumes 10 units)."""

    __table_args__ = (UniqueConstraint("offer_id", "code", name="uq_variant_code"),
                      CheckConstraint("units >= 1 AND list_price_cents >= 0", name="ck_variant"))

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    code: str = Field(max_length=40)
    label_fr: str = Field(max_length=120)
    label_en: str = Field(max_length=120)
    list_price_cents: int
    member_price_cents: int | None = Field(default=None)
    units: int = Field(default=1)
    position: int = Field(default=0)


class OfferCoOwner(SQLModel, table=True):
    """A partner cluster that co-produces an offer and receives `share_bps` of its revenue excl. VAT."""

    __table_args__ = (CheckConstraint("share_bps > 0 AND share_bps < 10000", name="ck_coowner_share"),)

    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    share_bps: int


class OfferStock(SQLModel, table=True):
    """Units of an offer held by orders that are pending or paid; never above the offer's capacity."""

    __table_args__ = (CheckConstraint("held_units >= 0", name="ck_stock_held"),)

    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    held_units: int = Field(default=0)


class OfferDayStock(SQLModel, table=True):
    """Units of an offer held on one day (desks of a coworking space); never above its capacity per day."""

    __table_args__ = (CheckConstraint("held_units >= 0", name="ck_day_stock_held"),)

    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    day: date = Field(primary_key=True)
    held_units: int = Field(default=0)


class CatalogueVersion(SQLModel, table=True):
    """One row (id 1): the catalogue's version, moved on by every write to what its pages show (freshness.py)."""

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)


# The row exists from the table's creation on (migration 0029 does the same for migrated databases).
event.listen(CatalogueVersion.__table__, "after_create",
             DDL("INSERT INTO catalogueversion (id, version) VALUES (1, 0)"))
