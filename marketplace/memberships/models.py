"""Memberships: each cluster's fee grid (tiers) and which organization is a member of which cluster, each year."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of
from .rules import BASES, MEMBERSHIP_STATUSES, TIER_CATEGORIES


class MembershipTier(SQLModel, table=True):
    """One row of a cluster's fee grid: a category and a band of headcount or of turnover with its yearly fee.

    A fee is outside VAT unless the tier buys a specific service (`vat_rate_bps` set).
    """

    __table_args__ = (
        UniqueConstraint("cluster_id", "code", name="uq_tier_code"),
        CheckConstraint(one_of("category", TIER_CATEGORIES), name="ck_tier_category"),
        CheckConstraint(one_of("basis", BASES), name="ck_tier_basis"),
        CheckConstraint("fee_cents >= 0", name="ck_tier_fee"),
        CheckConstraint("min_headcount >= 0 AND (max_headcount IS NULL OR max_headcount >= min_headcount)",
                        name="ck_tier_band"),
        CheckConstraint("min_turnover_euros >= 0 AND (max_turnover_euros IS NULL "
                        "OR max_turnover_euros >= min_turnover_euros)", name="ck_tier_turnover_band"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    code: str = Field(max_length=40)
    category: str = Field(default="classic", max_length=20)
    name_fr: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    basis: str = Field(default="headcount", max_length=10, description="what the band measures: headcount, turnover")
    min_headcount: int = Field(default=0)
    max_headcount: int | None = Field(default=None)
    min_turnover_euros: int = Field(default=0, sa_type=BigInteger)
    max_turnover_euros: int | None = Field(default=None, sa_type=BigInteger)
    fee_cents: int
    vat_rate_bps: int | None = Field(default=None, description="None: outside VAT (no individual counterpart)")
    max_years: int | None = Field(default=None, description="discovery: one year at most")
    description_fr: str = Field(default="")
    description_en: str = Field(default="")
    position: int = Field(default=0)


class Membership(SQLModel, table=True):
    """An organization's membership of one cluster for one calendar year."""

    __table_args__ = (
        UniqueConstraint("organization_id", "cluster_id", "year", name="uq_membership_year"),
        CheckConstraint(one_of("status", MEMBERSHIP_STATUSES), name="ck_membership_status"),
        CheckConstraint("fee_cents >= 0", name="ck_membership_fee"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    tier_id: int = Field(foreign_key="membershiptier.id")
    year: int
    status: str = Field(default="pending", max_length=20)
    fee_cents: int = Field(description="frozen from the tier when the membership is created")
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True,
                                 description="the order paying it (joining online, or a renewal)")
    renewal_of_id: int | None = Field(default=None, foreign_key="membership.id")
    grace_until: date | None = Field(default=None, description="a renewal counts as active until then, unpaid")
    reminders_sent: int = Field(default=0)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RenewalRun(SQLModel, table=True):
    """A cluster's renewal of its members for a year, once: its index and who ran it."""

    __table_args__ = (UniqueConstraint("cluster_id", "year", name="uq_renewal_run"),
                      CheckConstraint("index_bps >= -10000", name="ck_renewal_index"))

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    year: int
    index_bps: int = Field(default=0, description="fees of the grid raised by this rate (INSEE inflation...)")
    renewals: int = Field(default=0)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
