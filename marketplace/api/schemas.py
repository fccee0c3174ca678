"""The JSON API's request and response shapes: one source for validation, serialisation and OpenAPI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.kinds import kind_codes


def kind_enum(schema: dict) -> None:
    """The kinds of offer, read from the registry when the document is built (never a second list)."""
    schema["enum"] = kind_codes()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeeTierOut(Strict):
    code: str
    category: str
    name_fr: str
    name_en: str
    min_headcount: int
    max_headcount: int | None
    fee_cents: int = Field(description="yearly fee, outside VAT, in euro cents")
    max_years: int | None


class ClusterOut(Strict):
    id: int
    slug: str
    name: str
    legal_name: str
    region: str
    sector: str
    city: str
    website: str | None
    description_fr: str
    description_en: str
    active_members: int
    url: str
    fee_grid: list[FeeTierOut]


class ClusterList(Strict):
    clusters: list[ClusterOut]


class VariantOut(Strict):
    code: str
    label_fr: str
    label_en: str
    list_price_cents: int
    member_price_cents: int | None
    units: int


class RoomRateOut(Strict):
    day_type: Literal["weekday", "saturday", "sunday", "weekend", "any"]
    slot: str
    min_people: int
    max_people: int
    list_price_cents: int


class CoOwnerOut(Strict):
    cluster_slug: str
    share_bps: int


class OfferOut(Strict):
    id: int
    cluster_slug: str
    cluster_name: str
    kind: str = Field(json_schema_extra=kind_enum, description="the offer's kind")
    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str
    visibility: Literal["public", "members", "partners"]
    themes: list[str]
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    location: str
    list_price_cents: int = Field(description="excl. VAT unless prices_include_vat")
    prices_include_vat: bool
    vat_rate_bps: int | None = Field(description="None: exempt or outside VAT, see vat_exempt_mention")
    vat_exempt_mention: str | None
    member_price_cents: int | None
    member_discount_bps: int | None
    members_only: bool
    url: str


class OfferDetail(OfferOut):
    description_fr: str
    description_en: str
    includes_fr: str
    includes_en: str
    capacity: int | None
    variants: list[VariantOut]
    room_rates: list[RoomRateOut]
    co_owners: list[CoOwnerOut]


class OfferList(Strict):
    offers: list[OfferOut]
    total: int
    page: int
    pages: int


class QuoteOptions(Strict):
    variant: str | None = None
    date: dt.date | None = Field(default=None, description="rooms: the day booked")
    slot: Literal["full_day", "half_day", "evening", "breakfast", "meeting"] | None = None
    people: int | None = Field(default=None, ge=1)
    category: str | None = Field(default=None, description="memberships: classic, discovery, partner...")
    headcount: int | None = Field(default=None, ge=0, le=10_000_000, description=(
        "memberships: headcount declared when joining (an organization's own headcount counts when it has one)"))
    turnover: int | None = Field(default=None, ge=0, le=10**13, description=(
        "memberships: yearly turnover in euros declared when joining, for grids by turnover"))
    kind: Literal["company", "service_provider", "public_body", "individual"] | None = Field(
        default=None, description="memberships: who joins (partner fees are for service providers)")
    year: int | None = Field(default=None, description="memberships: the year paid, this year (default) or next")


class QuoteRequest(Strict):
    offer_id: int
    quantity: int = Field(default=1, ge=1, le=10_000)
    options: QuoteOptions = QuoteOptions()
    organization_id: int | None = Field(
        default=None, description="price for this organization (the signed-in member's own, or any for staff)")


class AdjustmentOut(Strict):
    code: str
    label_fr: str
    label_en: str
    amount_cents: int


class QuoteLineOut(Strict):
    description: str
    quantity: int
    units: int
    unit_list_cents: int
    unit_price_cents: int
    excl_cents: int
    vat_rate_bps: int | None
    vat_cents: int
    incl_cents: int
    real_value_cents: int
    prices_include_vat: bool
    vat_exempt_mention: str | None
    adjustments: list[AdjustmentOut]


class QuoteOut(Strict):
    currency: str
    lines: list[QuoteLineOut]
    total_excl_cents: int
    total_vat_cents: int
    total_incl_cents: int


class ErrorBody(Strict):
    status: int
    message: str
    code: str | None = None
    fields: dict[str, str] = Field(default_factory=dict, description="field name -> what is wrong")


class ErrorOut(Strict):
    error: ErrorBody


class AttendeeIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OrderLineIn(Strict):
    offer_id: int
    quantity: int = Field(default=1, ge=1, le=10_000)
    options: QuoteOptions = QuoteOptions()
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=10_000, description=(
        "event tickets: who each ticket is for, in order (a ticket without one is in the buyer's name)"))


class BuyerIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    siret: str | None = Field(default=None, description="checked (Luhn) when given")
    vat_number: str | None = Field(default=None, description="checked when given")
    address: str = Field(min_length=1, max_length=300)
    postal_code: str = Field(pattern=r"^\d{5}$")
    city: str = Field(min_length=1, max_length=80)


class OrderIn(Strict):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=50)
    buyer: BuyerIn
    payment_method: Literal["bank_transfer", "stripe"] = "bank_transfer"
    idempotency_key: str = Field(min_length=16, max_length=80,
                                 description="a new random key (e.g. a UUID) per order: retrying the same request "
                                             "with it returns the same order; any other request with it is refused "
                                             "(409)")


class OrderLineOut(Strict):
    offer_id: int
    cluster_id: int
    description: str
    quantity: int
    units: int
    unit_price_cents: int
    excl_cents: int
    vat_rate_bps: int | None
    vat_cents: int
    incl_cents: int


class PaymentInstructions(Strict):
    method: Literal["bank_transfer", "stripe"]
    beneficiary: str
    iban: str
    bic: str
    reference: str = Field(description="ISO 11649 structured creditor reference to quote on the transfer")
    amount_cents: int
    due_before: dt.datetime | None
    card_payment_url: str | None = Field(default=None, description="opens Stripe Checkout (stripe orders)")


class OrderOut(Strict):
    id: int
    number: str
    status: str
    currency: str
    total_excl_cents: int
    total_vat_cents: int
    total_incl_cents: int
    paid_cents: int
    created_at: dt.datetime
    lines: list[OrderLineOut]
    payment: PaymentInstructions
    url: str = Field(description="the order page (the link carries the buyer's access token)")
    invoices: list[str] = Field(description="numbers of the invoices and credit notes issued")


class PaymentIn(Strict):
    amount_cents: int = Field(gt=0)
    booked_on: dt.date
    note: str = Field(default="", max_length=500)


class PaymentOut(Strict):
    id: int
    order_number: str
    amount_cents: int
    match_status: Literal["matched", "partial", "excess", "unmatched", "late"]
    order_status: str


class RefundIn(Strict):
    amount_cents: int = Field(gt=0)
    reason: str = Field(min_length=1, max_length=500)


class RefundOut(Strict):
    id: int
    order_number: str
    amount_cents: int
    method: str
    order_status: str
    credit_notes: list[str]


class StatementRowOut(Strict):
    kind: str = Field(description="sale, success_fee, refund, payment_fee, pooled_cost, rebate, transfer, "
                                  "transfer_reversal, payout, other")
    account: str = Field(description="the cluster's account (French chart of accounts)")
    label: str
    amount_cents: int = Field(description="what it did to the cluster's claim on the federation (+ owed to it)")
    entries_url: str = Field(description="the ledger entries behind the figure (CSV)")


class StatementOut(Strict):
    cluster: str
    period: str = Field(description="YYYY-MM")
    closed: bool = Field(description="true: the month is closed and these figures are frozen")
    opening_cents: int
    rows: list[StatementRowOut]
    closing_cents: int = Field(description="> 0: the federation owes the cluster; < 0: the cluster owes it")
    payout_status: Literal["none", "carried", "pending", "paid"] | None


class UsageIn(Strict):
    cluster: str = Field(description="slug of the participating cluster that used the function")
    day: dt.date
    quantity: Decimal = Field(gt=0, le=10_000, decimal_places=2,
                              description="hours or days (the pooled cost's unit), two decimals at most")
    note: str = Field(default="", max_length=300)


class UsageOut(Strict):
    id: int
    pooled_cost_id: int
    cluster: str
    day: dt.date
    quantity_centi: int = Field(description="hundredths of the pooled cost's unit")
