"""Memberships: each cluster's fee grid (tiers) and which organization is a member of which cluster, each year."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of
from .rules import MEMBERSHIP_STATUSES, TIER_CATEGORIES


class MembershipTier(SQLModel, table=True):
    """One row of a cluster's fee grid: a category and a headcount band with its yearly fee."""

    __table_args__ = (
        UniqueConstraint("cluster_id", "code", name="uq_tier_code"),
        CheckConstraint(one_of("category", TIER_CATEGORIES), name="ck_tier_category"),
        CheckConstraint("fee_cents >= 0", name="ck_tier_fee"),
        CheckConstraint("min_headcount >= 0 AND (max_headcount IS NULL OR max_headcount >= min_headcount)",
                        name="ck_tier_band"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    code: str = Field(max_length=40)
    category: str = Field(default="classic", max_length=20)
    name_fr: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    min_headcount: int = Field(default=0)
    max_headcount: int | None = Field(default=None)
    fee_cents: int
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
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
