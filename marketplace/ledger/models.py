"""The ledger: append-only transactions of balanced lines on accounts of the federation and of each cluster."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime


class LedgerAccount(SQLModel, table=True):
    """An account of the French chart of accounts (PCG code), owned by the federation or by one cluster."""

    __table_args__ = (UniqueConstraint("key", name="uq_ledger_account_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, description="owner:code, e.g. federation:512 or cluster-7:706")
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    code: str = Field(max_length=12)
    name: str = Field(max_length=120)


class LedgerTransaction(SQLModel, table=True):
    """A balanced posting; never updated nor deleted (a correction is a reversing transaction)."""

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=120, unique=True)
    fingerprint: str = Field(max_length=64)
    description: str = Field(max_length=300)
    occurred_on: date = Field(index=True)
    kind: str = Field(default="other", max_length=20, description="sale, refund, payment, pooled_cost, payout...")
    journal: str = Field(default="OD", max_length=4, description="FEC journal: VT sales, BQ bank, OD other")
    period: str = Field(max_length=7, index=True, description="settlement month YYYY-MM (the first open one)")
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    reverses_id: int | None = Field(default=None, foreign_key="ledgertransaction.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LedgerLine(SQLModel, table=True):
    """One side of a posting; its transaction's period and kind are copied so statements read lines only."""

    __table_args__ = (
        Index("ix_ledgerline_period_account", "period", "account_id"),
        CheckConstraint("debit_cents >= 0 AND credit_cents >= 0 AND (debit_cents = 0) <> (credit_cents = 0)",
                        name="ck_ledger_line_one_side"),
    )

    id: int | None = Field(default=None, primary_key=True)
    transaction_id: int = Field(foreign_key="ledgertransaction.id", index=True)
    account_id: int = Field(foreign_key="ledgeraccount.id", index=True)
    debit_cents: int = Field(default=0)
    credit_cents: int = Field(default=0)
    label: str = Field(default="", max_length=300)
    period: str = Field(max_length=7)
    kind: str = Field(max_length=20)


class LedgerCalendar(SQLModel, table=True):
    """One row: the last settlement month closed. Posting reads it shared, closing locks it."""

    id: int = Field(default=1, primary_key=True)
    closed_through: str | None = Field(default=None, max_length=7)
