"""Carts, orders with frozen prices, and the stock they hold (seats, stands, packages, passes, room slots)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of

ORDER_STATUSES = ("awaiting_approval", "pending_payment", "paid", "fulfilled", "expired", "cancelled",
                  "refunded", "partially_refunded")
PAYMENT_METHODS = ("bank_transfer", "stripe")



class Cart(SQLModel, table=True):
    """A visitor's or member's cart; a visitor's is found by the token kept in their session."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CartLine(SQLModel, table=True):
    __table_args__ = (CheckConstraint("quantity >= 1", name="ck_cartline_quantity"),)

    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id", index=True)
    offer_id: int = Field(foreign_key="offer.id")
    quantity: int = Field(default=1)
    options_json: str = Field(default="{}", max_length=500, description="canonical JSON of the quote options")


class Order(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("status", ORDER_STATUSES), name="ck_order_status"),
        CheckConstraint(one_of("payment_method", PAYMENT_METHODS), name="ck_order_payment_method"),
        CheckConstraint("total_excl_cents + total_vat_cents = total_incl_cents", name="ck_order_totals"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True, description="public number, e.g. C2026-000042")
    idempotency_key: str = Field(max_length=80, unique=True)
    request_fingerprint: str | None = Field(default=None, max_length=64,
                                            description="digest of the request that created it: a replay must match")
    access_token: str = Field(max_length=64, description="lets a guest buyer open the order page from its link")
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    status: str = Field(default="pending_payment", max_length=20, index=True)
    payment_method: str = Field(default="bank_transfer", max_length=20)
    payment_reference: str = Field(max_length=35, unique=True, description="ISO 11649 creditor reference")
    stripe_session_id: str | None = Field(default=None, max_length=255, index=True)
    currency: str = Field(default="EUR", max_length=3)
    total_excl_cents: int
    total_vat_cents: int
    total_incl_cents: int
    paid_cents: int = Field(default=0)
    billing_name: str = Field(max_length=200)
    billing_email: str = Field(max_length=254)
    billing_siret: str | None = Field(default=None, max_length=14)
    billing_vat_number: str | None = Field(default=None, max_length=20)
    billing_address: str = Field(default="", max_length=300)
    billing_postal_code: str = Field(default="", max_length=10)
    billing_city: str = Field(default="", max_length=80)
    terms_accepted_at: datetime = Field(sa_type=UTCDateTime)
    hold_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True,
                                             description="unpaid by then, the order expires (and releases its stock)")
    holds_stock: bool = Field(default=False, description="it holds seats, stands, desks or slots until paid")
    reminder_days: str | None = Field(default=None, max_length=40,
                                      description="days before the deadline its buyer is reminded (e.g. 7,2)")
    reminders_sent: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_reason: str | None = Field(default=None, max_length=1000, description="why staff must approve it first")
    review_decision: str | None = Field(default=None, max_length=1000, description="staff's decision and reason")


class OrderLine(SQLModel, table=True):
    """A line with its price frozen at ordering time; later price changes never touch it."""

    __table_args__ = (CheckConstraint("excl_cents + vat_cents = incl_cents", name="ck_orderline_totals"),
                      CheckConstraint("quantity >= 1 AND units >= 1", name="ck_orderline_quantity"))

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True, description="the issuer of the invoice")
    kind: str = Field(max_length=30)
    description: str = Field(max_length=400)
    options_json: str = Field(default="{}", max_length=500)
    quantity: int
    units: int = Field(description="inventory units held: quantity × units of the option")
    unit_list_cents: int
    unit_price_cents: int
    prices_include_vat: bool = Field(default=False)
    excl_cents: int
    vat_rate_bps: int | None
    vat_exempt_mention: str | None = Field(default=None, max_length=200)
    vat_cents: int
    incl_cents: int
    adjustments_text: str = Field(default="", sa_type=Text, description="the discounts, as the buyer read them")
    holders_json: str = Field(default="[]", sa_type=Text,
                              description="who each unit is for (a ticket's attendee): [{name, email}, ...]")
