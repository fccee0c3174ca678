"""Monthly settlements between the federation and each cluster, and their payouts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of

PAYOUT_STATUSES = ("none", "carried", "pending", "prepared", "paid")
PAYOUT_METHODS = ("stripe", "sepa")
# A SEPA file is prepared for the bank; its settlements are paid only once the treasurer confirms the bank
# executed it. A prepared file that was not sent (or was rejected) is cancelled and can be prepared again.
PAYOUT_FILE_STATUSES = ("prepared", "executed", "cancelled")


class Settlement(SQLModel, table=True):
    """A cluster's statement for one closed month: frozen figures and the net amount due."""

    __table_args__ = (
        UniqueConstraint("cluster_id", "period", name="uq_settlement_period"),
        CheckConstraint(one_of("payout_status", PAYOUT_STATUSES), name="ck_settlement_payout_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    period: str = Field(max_length=7, index=True)
    opening_cents: int = Field(description="claim on the federation at the start of the month")
    closing_cents: int = Field(description="claim at the end: > 0 the federation owes it, < 0 it owes")
    figures_json: str = Field(sa_type=Text)
    payout_status: str = Field(default="none", max_length=10)
    payout_method: str | None = Field(default=None, max_length=10)
    payout_reference: str | None = Field(default=None, max_length=64)
    payout_file_id: int | None = Field(default=None, foreign_key="payoutfile.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PayoutFile(SQLModel, table=True):
    """A SEPA credit transfer file (pain.001) for the federation's bank."""

    __table_args__ = (CheckConstraint(one_of("status", PAYOUT_FILE_STATUSES), name="ck_payoutfile_status"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=7)
    message_id: str = Field(max_length=35, unique=True)
    total_cents: int
    count: int
    xml: str = Field(sa_type=Text)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: str = Field(default="prepared", max_length=10)
    executed_on: date | None = Field(default=None, description="the day the bank executed the transfers")
    closed_by: int | None = Field(default=None, foreign_key="user.id", description="who confirmed or cancelled it")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
