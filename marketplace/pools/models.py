"""Pooled support functions and strategic purchases shared by several clusters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of

POOL_KINDS = ("shared_function", "strategic_purchase")
SHARING_KEYS = ("equal", "members", "usage", "fixed")
USAGE_UNITS = ("hours", "days")


class PooledCost(SQLModel, table=True):
    """A cost per month shared by participating clusters with an explicit key; its provider is credited."""

    __table_args__ = (
        CheckConstraint(one_of("kind", POOL_KINDS), name="ck_pooledcost_kind"),
        CheckConstraint(one_of("sharing_key", SHARING_KEYS), name="ck_pooledcost_key"),
        CheckConstraint(one_of("usage_unit", USAGE_UNITS), name="ck_pooledcost_unit"),
        CheckConstraint("monthly_cost_cents > 0", name="ck_pooledcost_cost"),
        CheckConstraint("(provider_cluster_id IS NULL) <> (supplier_name IS NULL)", name="ck_pooledcost_provider"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=160)
    kind: str = Field(default="shared_function", max_length=20)
    description: str = Field(default="", max_length=1000)
    provider_cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    supplier_name: str | None = Field(default=None, max_length=160, description="an outside supplier")
    monthly_cost_cents: int
    sharing_key: str = Field(default="equal", max_length=10)
    usage_unit: str = Field(default="hours", max_length=10)
    starts_on: date
    ends_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PoolParticipant(SQLModel, table=True):
    """A cluster taking part from one day (and until one day); a fixed percentage for the fixed key."""

    __table_args__ = (
        UniqueConstraint("pooled_cost_id", "cluster_id", name="uq_pool_participant"),
        CheckConstraint("fixed_bps IS NULL OR fixed_bps BETWEEN 1 AND 10000", name="ck_pool_participant_bps"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="ck_pool_participant_dates"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pooled_cost_id: int = Field(foreign_key="pooledcost.id", index=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    joined_on: date
    left_on: date | None = None
    fixed_bps: int | None = None


class PoolUsage(SQLModel, table=True):
    """Time a participant used the shared function (hundredths of an hour or a day)."""

    __table_args__ = (CheckConstraint("quantity_centi > 0", name="ck_pool_usage_quantity"),)

    id: int | None = Field(default=None, primary_key=True)
    pooled_cost_id: int = Field(foreign_key="pooledcost.id", index=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    day: date = Field(index=True)
    quantity_centi: int
    note: str = Field(default="", max_length=300)
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PoolAllocation(SQLModel, table=True):
    """One participant's share of one month of a pooled cost, as allocated and posted when the month closed."""

    __table_args__ = (UniqueConstraint("pooled_cost_id", "period", "cluster_id", name="uq_pool_allocation"),)

    id: int | None = Field(default=None, primary_key=True)
    pooled_cost_id: int = Field(foreign_key="pooledcost.id", index=True)
    period: str = Field(max_length=7, index=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    amount_cents: int
    basis: str = Field(max_length=200, description="why this share: days, members, usage or percentage")
    transaction_id: int | None = Field(default=None, foreign_key="ledgertransaction.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
