"""A cluster's budget per year (forecast and actual lines by origin), its published figures, and its actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime

SCENARIOS = ("forecast", "actual")


class Budget(SQLModel, table=True):
    """One cluster's year: what it published (members, total, ratio) and the hourly cost of its staff."""

    __table_args__ = (UniqueConstraint("cluster_id", "year", name="uq_budget_cluster_year"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    year: int
    members: int | None = Field(default=None, description="members that year, as published (None: counted)")
    declared_total_cents: int | None = Field(default=None, sa_type=BigInteger,
                                             description="the budget total published, for a year kept without detail")
    declared_ratio_permille: int | None = Field(default=None, description="the self-financing ratio published")
    hourly_cost_cents: int = Field(default=0, description="an hour of staff time, for the cost of actions")
    note: str = Field(default="", max_length=500)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BudgetLine(SQLModel, table=True):
    """An amount of one origin in one scenario of a budget, as staff entered or imported it."""

    __table_args__ = (UniqueConstraint("budget_id", "scenario", "origin", name="uq_budget_line"),
                      CheckConstraint("amount_cents >= 0", name="ck_budget_line_amount"))

    id: int | None = Field(default=None, primary_key=True)
    budget_id: int = Field(foreign_key="budget.id", index=True)
    scenario: str = Field(max_length=10, description="forecast or actual")
    origin: str = Field(max_length=40)
    amount_cents: int = Field(sa_type=BigInteger)


class BudgetAction(SQLModel, table=True):
    """An action of the year (collective action, event, service line) and what it costs and brings."""

    __table_args__ = (CheckConstraint("staff_hundredths >= 0 AND direct_costs_cents >= 0 AND subsidy_cents >= 0 "
                                      "AND other_revenue_cents >= 0", name="ck_budget_action_amounts"),)

    id: int | None = Field(default=None, primary_key=True)
    budget_id: int = Field(foreign_key="budget.id", index=True)
    name: str = Field(max_length=160)
    category: str = Field(max_length=1, description="mission category A, B, C or D (public funding caps)")
    public_cap_permille: int | None = Field(default=None, description="category C: the aid scheme's cap")
    offer_id: int | None = Field(default=None, foreign_key="offer.id", description="its sales come from the ledger")
    staff_hundredths: int = Field(default=0, description="staff hours × 100")
    direct_costs_cents: int = Field(default=0, sa_type=BigInteger)
    subsidy_cents: int = Field(default=0, sa_type=BigInteger)
    other_revenue_cents: int = Field(default=0, sa_type=BigInteger, description="sold outside the marketplace")
    price_cents: int | None = Field(default=None, description="one price per participant excl. VAT (break-even)")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
