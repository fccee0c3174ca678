"""The JSON API's request and response shapes: one source for validation, serialisation and OpenAPI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..core.kinds import kind_codes
from ..core.money import MAX_ORDER_CENTS
from ..core.text import is_storable
from ..dbtypes import MAX_ROW_ID

# Bounds that keep every value inside the database's integer columns and every total from overflowing.
MAX_ID = MAX_ROW_ID
MAX_QUANTITY = 10_000
MAX_AMOUNT_CENTS = MAX_ORDER_CENTS  # a payment or a refund is never above what one order may total
NO_CONTROL = r"^[^\u0000-\u001f\u007f-\u009f]*$"
NO_CONTROL_BUT_LINES = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


def _one_line(value: str) -> str:
    if not is_storable(value):
        raise ValueError("control_character")
    return value


def _lines(value: str) -> str:
    if not is_storable(value, multiline=True):
        raise ValueError("control_character")
    return value


def Text(max_length: int, min_length: int = 0, multiline: bool = False, **kwargs):  # noqa: N802 - a type
    """A string as a person types it: bounded by its column, without control characters (nor lone surrogates)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length,
                                pattern=NO_CONTROL_BUT_LINES if multiline else NO_CONTROL, **kwargs),
                     AfterValidator(_lines if multiline else _one_line)]


Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
Day = Annotated[dt.date, Field(strict=True)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True)]
Amount = Annotated[int, Field(gt=0, le=MAX_AMOUNT_CENTS, strict=True)]


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
    variant: Text(40) | None = None
    date: Day | None = Field(default=None, description=(
        "rooms: the day booked, from today to the room's booking horizon (a year ahead unless the room says)"))
    slot: Literal["full_day", "half_day", "evening", "breakfast", "meeting"] | None = None
    half: Literal["morning", "afternoon"] | None = Field(default=None, description="rooms: which half day")
    people: int | None = Field(default=None, ge=1, le=100_000, strict=True)
    category: Text(40) | None = Field(default=None, description="memberships: classic, discovery, partner...")
    headcount: int | None = Field(default=None, ge=0, le=10_000_000, strict=True, description=(
        "memberships: headcount declared when joining (an organization's own headcount counts when it has one)"))
    turnover: int | None = Field(default=None, ge=0, le=10**13, strict=True, description=(
        "memberships: yearly turnover in euros declared when joining, for grids by turnover"))
    kind: Literal["company", "service_provider", "public_body", "individual"] | None = Field(
        default=None, description="memberships: who joins (partner fees are for service providers)")
    year: int | None = Field(default=None, ge=2000, le=2100, strict=True,
                             description="memberships: the year paid, this year (default) or next")


class QuoteRequest(Strict):
    offer_id: Id
    quantity: Quantity = 1
    options: QuoteOptions = QuoteOptions()
    organization_id: Id | None = Field(
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
    message: str = Field(description="in the request's language: French, or English with Accept-Language: en")
    code: str = Field(description="stable, for programs: not_found, invalid, bad_json, sold_out, taken...")
    fields: dict[str, str] = Field(default_factory=dict, description="field name -> what is wrong")


class ErrorOut(Strict):
    error: ErrorBody


EMAIL = r"^[^@\s\u0000-\u001f\u007f-\u009f]+@[^@\s\u0000-\u001f\u007f-\u009f]+\.[^@\s\u0000-\u001f\u007f-\u009f]+$"
Email = Annotated[str, Field(min_length=3, max_length=254, pattern=EMAIL), AfterValidator(_one_line)]


class AttendeeIn(Strict):
    name: Text(120, 1)
    email: Email | None = None


class OrderLineIn(Strict):
    offer_id: Id
    quantity: Quantity = 1
    options: QuoteOptions = QuoteOptions()
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=10_000, description=(
        "event tickets: who each ticket is for, in order (a ticket without one is in the buyer's name)"))


class BuyerIn(Strict):
    name: Text(200, 1)
    email: Email
    siret: Text(20) | None = Field(default=None, description="checked (Luhn) when given")
    vat_number: Text(20) | None = Field(default=None, description="checked when given")
    address: Text(300, 1)
    postal_code: str = Field(pattern=r"^[0-9]{5}$")
    city: Text(80, 1)


class OrderIn(Strict):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=50)
    buyer: BuyerIn
    payment_method: Literal["bank_transfer", "stripe"] = "bank_transfer"
    idempotency_key: str = Field(min_length=16, max_length=80, pattern=r"^[A-Za-z0-9._:-]+$",
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
    access_token: str = Field(description="lets whoever placed the order read it: GET /api/v1/orders/{id}?t=...")
    invoices: list[str] = Field(description="numbers of the invoices and credit notes issued")


class PaymentIn(Strict):
    amount_cents: Amount
    booked_on: Day = Field(description="the day the bank booked it: not before the order, not after today")
    note: Text(500) = ""


class PaymentOut(Strict):
    id: int
    order_number: str
    amount_cents: int
    match_status: Literal["matched", "partial", "excess", "unmatched", "late"]
    order_status: str


class RefundIn(Strict):
    amount_cents: Amount
    reason: Text(500, 1)
    idempotency_key: str | None = Field(default=None, min_length=16, max_length=80, pattern=r"^[A-Za-z0-9._:-]+$",
                                        description="a new random key per refund: a retry (after a timeout or a "
                                                    "503) with it returns the refund made, never a second one")


class RefundOut(Strict):
    id: int
    order_number: str
    amount_cents: int
    method: str
    order_status: str
    credit_notes: list[str] = Field(description="the credit notes this call issued (none on a replay: see the order)")


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
    payout_status: Literal["none", "carried", "pending", "prepared", "paid"] | None


class UsageIn(Strict):
    cluster: str = Field(max_length=60, pattern=r"^[a-z0-9-]+$",
                         description="slug of the participating cluster that used the function")
    day: Day = Field(description="a day of a month not yet shared out, within the last years")
    quantity: Decimal = Field(gt=0, le=10_000, decimal_places=2,
                              description="hours or days (the pooled cost's unit), two decimals at most")
    note: Text(300) = ""


class UsageOut(Strict):
    id: int
    pooled_cost_id: int
    cluster: str
    day: dt.date
    quantity_centi: int = Field(description="hundredths of the pooled cost's unit")
