"""Pricing properties for any terms: never negative, member <= partner <= list, lines add up."""

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

import marketplace.catalogue  # noqa: F401  (registers the catalogue's kinds)
from marketplace.core.errors import PricingError
from marketplace.core.money import MAX_ORDER_CENTS
from marketplace.pricing.engine import quote
from marketplace.pricing.quotes import Quote
from marketplace.pricing.terms import (
    BuyerContext,
    EarlyBird,
    MembershipInfo,
    OfferTerms,
    PartnershipTerms,
    Variant,
)

OWNER, PARTNER, OTHER = 1, 2, 3
AT = datetime(2026, 6, 1, tzinfo=UTC)
vat_rates = st.sampled_from([None, 0, 210, 550, 1000, 2000])


@st.composite
def offers(draw) -> OfferTerms:
    list_cents = draw(st.integers(min_value=0, max_value=10**7))
    member = draw(st.sampled_from(["none", "price", "discount"]))
    early = draw(st.none() | st.builds(
        EarlyBird, until=st.sampled_from([AT - timedelta(days=1), AT + timedelta(days=1)]),
        discount_bps=st.integers(min_value=0, max_value=10_000)))
    variants = draw(st.lists(st.builds(
        Variant, code=st.just("v"), label=st.just("V"), list_price_cents=st.integers(0, 10**6),
        member_price_cents=st.none() | st.integers(0, 10**6), units=st.integers(1, 20)), max_size=1))
    return OfferTerms(
        offer_id=1, cluster_id=OWNER, cluster_name="Owner", kind="service", title="Offer",
        list_price_cents=list_cents, prices_include_vat=draw(st.booleans()), vat_rate_bps=draw(vat_rates),
        member_price_cents=draw(st.integers(0, list_cents)) if member == "price" else None,
        member_discount_bps=draw(st.integers(0, 10_000)) if member == "discount" else None,
        discovery_scope=draw(st.booleans()),
        included_in_tiers=draw(st.sampled_from([frozenset(), frozenset({"premium"})])),
        variants=tuple(variants), early_bird=early)


def buyer_of(*cluster_ids: int, status: str = "active", tier: str = "classic", category: str = "classic"):
    return BuyerContext(organization_id=9, kind="company", headcount=10, memberships=tuple(
        MembershipInfo(c, f"C{c}", AT.year, tier, category, status) for c in cluster_ids))


@st.composite
def buyers(draw) -> BuyerContext:
    cluster_ids = sorted(draw(st.sets(st.sampled_from([OWNER, PARTNER, OTHER]))))
    return buyer_of(*cluster_ids, status=draw(st.sampled_from(["pending", "active", "expired", "excluded"])),
                    tier=draw(st.sampled_from(["classic", "premium", "discovery"])),
                    category=draw(st.sampled_from(["classic", "premium", "discovery"])))


partnerships = st.builds(PartnershipTerms, st.just(OWNER), st.just(PARTNER), st.just("Owner"),
                         st.just("Partner"), st.integers(0, 10_000))


def options_for(offer: OfferTerms) -> dict:
    return {"variant": offer.variants[0].code} if offer.variants else {}


def unit_of(offer: OfferTerms, buyer: BuyerContext, partnership: PartnershipTerms) -> int:
    return quote(offer, buyer, 1, options_for(offer), AT, [partnership]).lines[0].unit_price_cents


def assert_adds_up(result: Quote) -> None:
    for line in result.lines:
        assert line.excl_cents + line.vat_cents == line.incl_cents
        assert min(line.excl_cents, line.vat_cents, line.incl_cents, line.unit_price_cents) >= 0
        assert 0 <= line.unit_price_cents <= line.unit_list_cents
        assert line.real_value_cents == line.unit_list_cents * line.quantity
        assert sum(a.amount_cents for a in line.adjustments) == (
            (line.unit_price_cents - line.unit_list_cents) * line.quantity)
    assert result.total_excl_cents == sum(line.excl_cents for line in result.lines)
    assert result.total_vat_cents == sum(line.vat_cents for line in result.lines)
    assert result.total_incl_cents == sum(line.incl_cents for line in result.lines)


@given(offers(), buyers(), partnerships, st.integers(min_value=1, max_value=500))
def test_any_quote_is_non_negative_and_adds_up(offer, buyer, partnership, quantity):
    try:
        result = quote(offer, buyer, quantity, options_for(offer), AT, [partnership])
    except PricingError as refused:  # above what one order may total: refused, never overflowing
        assert refused.code == "too_large"
        assert max([offer.list_price_cents, *(v.list_price_cents for v in offer.variants)]) * quantity * 2 > \
            MAX_ORDER_CENTS
        return
    assert_adds_up(result)
    assert result.total_incl_cents <= MAX_ORDER_CENTS
    line = result.lines[0]
    price_basis_total = line.unit_price_cents * quantity
    assert (line.incl_cents if offer.prices_include_vat else line.excl_cents) == price_basis_total


@given(offers(), partnerships)
def test_member_unit_at_most_partner_unit_at_most_list(offer, partnership):
    list_unit = unit_of(offer, BuyerContext(), partnership)
    member_unit = unit_of(offer, buyer_of(OWNER), partnership)
    partner_unit = unit_of(offer, buyer_of(PARTNER), partnership)
    both_unit = unit_of(offer, buyer_of(OWNER, PARTNER), partnership)
    assert 0 <= member_unit <= partner_unit <= list_unit
    assert both_unit == member_unit


@given(offers(), st.integers(min_value=1, max_value=500))
def test_vat_on_excl_lines_matches_decimal_half_up(offer, quantity):
    try:
        line = quote(offer, BuyerContext(), quantity, options_for(offer), AT).lines[0]
    except PricingError as refused:
        assert refused.code == "too_large"
        return
    if offer.vat_rate_bps is None:
        assert line.vat_cents == 0 and line.excl_cents == line.incl_cents
    elif not offer.prices_include_vat:
        exact = Decimal(line.excl_cents) * offer.vat_rate_bps / 10_000
        assert line.vat_cents == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    else:
        exact = Decimal(line.incl_cents) * 10_000 / (10_000 + offer.vat_rate_bps)
        assert line.excl_cents == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
