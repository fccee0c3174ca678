"""The JSON API's request and response shapes: one source for validation, serialisation and OpenAPI."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

OfferKind = Literal["service", "collective_action", "event_ticket", "stand", "sponsorship", "patronage", "room",
                    "coworking", "shared_function", "membership"]


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
    kind: OfferKind
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
