"""What the pricing engine reads (snapshots, not database rows): an offer's terms, the buyer, partnerships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core.kinds import is_kind
from ..core.members import MembershipFact as MembershipInfo  # a buyer's membership, as prices read it

BUYER_KINDS = frozenset({"company", "individual", "public_body", "service_provider"})


@dataclass(frozen=True)
class Variant:
    """A priced pack of an offer; `units` is the inventory it consumes (a book of 10 tickets = 10)."""

    code: str
    label: str
    list_price_cents: int
    member_price_cents: int | None = None
    units: int = 1

    def __post_init__(self) -> None:
        require(self.list_price_cents >= 0, "variant list price must be >= 0")
        require(self.member_price_cents is None or self.member_price_cents >= 0,
                "variant member price must be >= 0")
        require(self.units >= 1, "a variant consumes at least one unit")


@dataclass(frozen=True)
class EarlyBird:
    """A reduction valid strictly before `until`: a discount on the list price, or a fixed price."""

    until: datetime
    discount_bps: int | None = None
    price_cents: int | None = None

    def __post_init__(self) -> None:
        require((self.discount_bps is None) != (self.price_cents is None),
                "early bird needs exactly one of discount_bps and price_cents")
        require(self.discount_bps is None or 0 <= self.discount_bps <= 10_000, "discount in 0..10000 bps")
        require(self.price_cents is None or self.price_cents >= 0, "early-bird price must be >= 0")


@dataclass(frozen=True)
class OfferTerms:
    """What the pricing engine needs to know about an offer; `kind_terms` is what its kind reads (a rate grid...)."""

    offer_id: int
    cluster_id: int
    cluster_name: str
    kind: str
    title: str
    list_price_cents: int = 0
    prices_include_vat: bool = False
    vat_rate_bps: int | None = 2000  # French standard rate; None = outside VAT / exempt
    vat_exempt_mention: str | None = None
    member_price_cents: int | None = None
    member_discount_bps: int | None = None
    members_only: bool = False
    discovery_scope: bool = True
    included_in_tiers: frozenset[str] = frozenset()
    variants: tuple[Variant, ...] = ()
    early_bird: EarlyBird | None = None
    kind_terms: Any = None
    language: str = "fr"  # of the line descriptions: "fr" or "en"

    def __post_init__(self) -> None:
        require(is_kind(self.kind), f"unknown offer kind {self.kind!r}")
        require(self.list_price_cents >= 0, "list price must be >= 0")
        require(self.vat_rate_bps is None or self.vat_rate_bps >= 0, "VAT rate must be >= 0")
        require(self.member_price_cents is None or self.member_discount_bps is None,
                "give a member price or a member discount, not both")
        require(self.member_price_cents is None or self.member_price_cents >= 0, "member price must be >= 0")
        require(self.member_discount_bps is None or 0 <= self.member_discount_bps <= 10_000,
                "member discount in 0..10000 bps")
        require(len({v.code for v in self.variants}) == len(self.variants), "variant codes must be unique")


@dataclass(frozen=True)
class BuyerContext:
    """Who is buying; BuyerContext() is an anonymous visitor."""

    organization_id: int | None = None
    kind: str | None = None
    headcount: int | None = None
    memberships: tuple[MembershipInfo, ...] = ()
    had_discovery_before: frozenset[int] = frozenset()
    turnover_euros: int | None = None

    def __post_init__(self) -> None:
        require(self.kind is None or self.kind in BUYER_KINDS, f"unknown buyer kind {self.kind!r}")
        require(self.headcount is None or self.headcount >= 0, "headcount must be >= 0")

    def active_memberships(self, cluster_id: int, year: int) -> list[MembershipInfo]:
        """The buyer's active memberships of `cluster_id` for `year`."""
        return [m for m in self.memberships if m.cluster_id == cluster_id and m.year == year and m.status == "active"]


@dataclass(frozen=True)
class PartnershipTerms:
    """An agreement between two clusters granting each other's members a reciprocity discount."""

    cluster_a_id: int
    cluster_b_id: int
    cluster_a_name: str
    cluster_b_name: str
    reciprocity_discount_bps: int

    def __post_init__(self) -> None:
        require(0 <= self.reciprocity_discount_bps <= 10_000, "reciprocity discount in 0..10000 bps")

    def partner_of(self, cluster_id: int) -> tuple[int, str] | None:
        """The other cluster (id, name) of the agreement, or None if `cluster_id` is not part of it."""
        if cluster_id == self.cluster_a_id:
            return self.cluster_b_id, self.cluster_b_name
        if cluster_id == self.cluster_b_id:
            return self.cluster_a_id, self.cluster_a_name
        return None


def require(condition: bool, message: str) -> None:
    """Raise ValueError(message) for inconsistent terms (a programming or data error, not a refusal)."""
    if not condition:
        raise ValueError(message)
