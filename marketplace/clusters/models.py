"""Clusters, their partnerships, and organizations (member companies, buyers, service providers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of

VAT_REGIMES = ("liable", "franchise", "exempt")
ORGANIZATION_KINDS = ("company", "individual", "public_body", "service_provider")


class Cluster(SQLModel, table=True):
    __table_args__ = (CheckConstraint(one_of("vat_regime", VAT_REGIMES), name="ck_cluster_vat_regime"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=120)
    legal_name: str = Field(max_length=200)
    siret: str = Field(max_length=14)
    vat_number: str | None = Field(default=None, max_length=20)
    vat_regime: str = Field(default="liable", max_length=20)
    vat_exempt_mention: str | None = Field(default=None, max_length=200)
    region: str = Field(max_length=80)
    sector: str = Field(max_length=120)
    city: str = Field(default="", max_length=80)
    website: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    description_fr: str = Field(default="")
    description_en: str = Field(default="")
    staff_fte: int = Field(default=0, ge=0)
    iban: str | None = Field(default=None, max_length=34)
    bic: str | None = Field(default=None, max_length=11)
    stripe_account_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Partnership(SQLModel, table=True):
    """An agreement between two clusters: reciprocity price for members, default revenue shares."""

    __table_args__ = (
        UniqueConstraint("cluster_a_id", "cluster_b_id", name="uq_partnership_pair"),
        CheckConstraint("cluster_a_id < cluster_b_id", name="ck_partnership_order"),
        CheckConstraint("reciprocity_discount_bps BETWEEN 0 AND 10000", name="ck_partnership_discount"),
        CheckConstraint("share_a_bps >= 0 AND share_b_bps >= 0 AND share_a_bps + share_b_bps = 10000",
                        name="ck_partnership_shares"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_a_id: int = Field(foreign_key="cluster.id", index=True)
    cluster_b_id: int = Field(foreign_key="cluster.id", index=True)
    reciprocity_discount_bps: int = Field(default=0)
    share_a_bps: int = Field(default=5000)
    share_b_bps: int = Field(default=5000)
    platform_fee_bps: int | None = Field(default=None, ge=0, le=10000,
                                         description="overrides the federation's platform fee")
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Organization(SQLModel, table=True):
    """A member company, person, public body or service provider."""

    __table_args__ = (
        CheckConstraint(one_of("kind", ORGANIZATION_KINDS), name="ck_organization_kind"),
        CheckConstraint("headcount >= 0", name="ck_organization_headcount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(default="company", max_length=20)
    siret: str | None = Field(default=None, max_length=14, index=True)
    vat_number: str | None = Field(default=None, max_length=20)
    headcount: int = Field(default=0)
    turnover_euros: int | None = Field(default=None, sa_type=BigInteger, description="yearly, for grids by turnover")
    email: str | None = Field(default=None, max_length=254)
    address: str = Field(default="", max_length=300)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
