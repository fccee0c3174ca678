"""Money received: each payment once (bank statement entries are deduplicated), matched or left for staff."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of

PAYMENT_SOURCES = ("manual", "statement", "stripe")
# matched: settles its order exactly; partial: less than due; excess: more than due;
# unmatched: no order carries that reference; late: the order is no longer payable (expired, cancelled).
MATCH_STATUSES = ("matched", "partial", "excess", "unmatched", "late")



class Payment(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("source", PAYMENT_SOURCES), name="ck_payment_source"),
        CheckConstraint(one_of("match_status", MATCH_STATUSES), name="ck_payment_match"),
        CheckConstraint("amount_cents > 0", name="ck_payment_amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    source: str = Field(max_length=20)
    external_id: str | None = Field(default=None, max_length=120, unique=True,
                                    description="bank entry reference or Stripe id: the same money is recorded once")
    amount_cents: int
    currency: str = Field(default="EUR", max_length=3)
    reference: str = Field(default="", max_length=140, description="the reference the payer wrote")
    payer: str = Field(default="", max_length=140)
    booked_on: date
    match_status: str = Field(max_length=20, index=True)
    resolved: bool = Field(default=False, description="staff dealt with a partial, excess, unmatched or late payment")
    note: str = Field(default="", max_length=500)
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatementImport(SQLModel, table=True):
    """A bank statement file imported once (same file again: nothing new)."""

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    filename: str = Field(max_length=200)
    entries: int
    recorded: int
    imported_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StripeEvent(SQLModel, table=True):
    """A webhook event handled once: Stripe retries and replays find it here and change nothing."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=255, unique=True)
    type: str = Field(max_length=100)
    outcome: str = Field(default="", max_length=200)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Refund(SQLModel, table=True):
    """Money given back on an order; its credit notes carry the same amount, to the cent."""

    __table_args__ = (CheckConstraint("amount_cents > 0", name="ck_refund_amount"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    amount_cents: int
    reason: str = Field(default="", max_length=500)
    method: str = Field(max_length=20, description="stripe: refunded on the card; bank_transfer: paid back by staff")
    stripe_refund_id: str | None = Field(default=None, max_length=255, unique=True)
    request_key: str | None = Field(default=None, max_length=80, unique=True,
                                    description="the API caller's idempotency key: a retry finds this refund")
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ShareTransfer(SQLModel, table=True):
    """A Stripe Transfer of one cluster's share of a card-paid order to its connected account."""

    __table_args__ = (
        UniqueConstraint("order_id", "cluster_id", name="uq_share_transfer"),
        CheckConstraint("amount_cents > 0 AND reversed_cents >= 0 AND reversed_cents <= amount_cents",
                        name="ck_share_transfer_amounts"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    amount_cents: int
    reversed_cents: int = Field(default=0)
    stripe_transfer_id: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TransferReversal(SQLModel, table=True):
    """A refund's proportional part of a share transfer taken back (or owed, when Stripe refused)."""

    __table_args__ = (
        UniqueConstraint("transfer_id", "refund_id", name="uq_transfer_reversal"),
        CheckConstraint(one_of("status", ("reversed", "failed")), name="ck_transfer_reversal_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    transfer_id: int = Field(foreign_key="sharetransfer.id", index=True)
    refund_id: int = Field(foreign_key="refund.id", index=True)
    amount_cents: int
    status: str = Field(max_length=10)
    stripe_reversal_id: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
