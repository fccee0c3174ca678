"""Agreements: group purchasing with a year-end rebate, and success fees on a service."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime


class SupplierAgreement(SQLModel, table=True):
    """A purchasing agreement a cluster negotiated: the supplier pays back a rebate on the year's turnover."""

    __table_args__ = (
        UniqueConstraint("cluster_id", "supplier_name", "year", name="uq_supplier_agreement"),
        CheckConstraint("rebate_bps BETWEEN 1 AND 10000", name="ck_supplier_agreement_bps"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    supplier_name: str = Field(max_length=160)
    year: int
    rebate_bps: int
    description: str = Field(default="", max_length=500)
    rebate_cents: int | None = Field(default=None, description="set when the year is closed")
    closed_on: date | None = None
    redistributed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SupplierPurchase(SQLModel, table=True):
    """Turnover a member made with the supplier through the agreement (amount excl. VAT)."""

    __table_args__ = (CheckConstraint("amount_cents > 0", name="ck_supplier_purchase_amount"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="supplieragreement.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    day: date
    amount_cents: int
    note: str = Field(default="", max_length=300)
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RebateShare(SQLModel, table=True):
    """A member's part of a redistributed rebate, pro rata of its purchases."""

    __table_args__ = (UniqueConstraint("agreement_id", "organization_id", name="uq_rebate_share"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="supplieragreement.id", index=True)
    organization_id: int = Field(foreign_key="organization.id")
    purchases_cents: int
    amount_cents: int


class SuccessFeeAgreement(SQLModel, table=True):
    """A success fee on a service: a rate of the declared outcome, with a minimum and a cap."""

    __table_args__ = (
        CheckConstraint("rate_bps BETWEEN 1 AND 10000", name="ck_success_fee_bps"),
        CheckConstraint("min_cents >= 0 AND (cap_cents IS NULL OR cap_cents >= min_cents)",
                        name="ck_success_fee_bounds"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    rate_bps: int
    min_cents: int = Field(default=0)
    cap_cents: int | None = None
    description: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SuccessFeeDeclaration(SQLModel, table=True):
    """An outcome declared by staff (a won tender, a funded project) and the order raised for its fee."""

    __table_args__ = (CheckConstraint("declared_cents > 0 AND fee_cents >= 0", name="ck_success_declaration"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="successfeeagreement.id", index=True)
    outcome: str = Field(max_length=300)
    declared_cents: int
    fee_cents: int
    order_id: int | None = Field(default=None, foreign_key="order.id")
    declared_by: int | None = Field(default=None, foreign_key="user.id")
    idempotency_key: str = Field(max_length=80, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
