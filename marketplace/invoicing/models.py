"""Invoices and credit notes, one per issuing cluster, numbered per issuer without gaps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime


class InvoiceSequence(SQLModel, table=True):
    """The last number an issuer used in a year; incremented under its row lock, so never a gap."""

    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = Field(default=0)


class ReceiptSequence(SQLModel, table=True):
    """The last tax receipt number an issuer used in a year (receipts are numbered apart from invoices)."""

    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = Field(default=0)


class Invoice(SQLModel, table=True):
    """An invoice (or a credit note, kind "credit_note", or a tax receipt for a gift, kind "tax_receipt") frozen at
    issue: later edits change nothing."""

    __table_args__ = (
        UniqueConstraint("cluster_id", "number", name="uq_invoice_number"),
        CheckConstraint("kind IN ('invoice', 'credit_note', 'tax_receipt')", name="ck_invoice_kind"),
        CheckConstraint("total_excl_cents + total_vat_cents = total_incl_cents", name="ck_invoice_totals"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="invoice", max_length=20)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    credited_invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    refund_id: int | None = Field(default=None, foreign_key="refund.id", index=True,
                                  description="a credit note: the refund it documents")
    number: str = Field(max_length=40)
    sequence: int
    issued_on: date
    issuer_json: str = Field(sa_type=Text, description="legal identity of the issuing cluster at issue time")
    buyer_json: str = Field(sa_type=Text)
    lines_json: str = Field(sa_type=Text)
    total_excl_cents: int
    total_vat_cents: int
    total_incl_cents: int
    payment_reference: str = Field(default="", max_length=35)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
