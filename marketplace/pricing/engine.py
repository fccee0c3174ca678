"""Pricing engine: an offer's terms + a buyer + options + a moment -> a quote (pure: no Flask, no DB).

How one unit price is chosen (rules never stack, the single best price for the buyer wins):
  the unit and its list price come from the offer's kind (the offer or its variant, a room's rate, a
  membership fee: `OfferKind.price_unit`), then every rule that applies is computed on that list price:
    1. included_in_tier     0, for an active member whose tier is in `included_in_tiers`;
    2. member price         explicit member price, or list − member discount (rooms: discount only);
    3. partner reciprocity  max(member price, list − reciprocity discount): never better than a member;
                            only on offers that have a member price (members paying list -> partners too);
    4. early bird           strictly before `until`: list − discount_bps, or price_cents (base price only).
  The lowest unit price wins; ties go to the lower number above. A rule that does not lower the
  list price is ignored. "Eligible member" = an ACTIVE membership of the cluster for `at.year`;
  discovery-category memberships count only on offers whose `discovery_scope` is True. A unit without
  `discounts` (a membership fee) is sold at its list price.

Amounts: unit prices are in the offer's price basis (excl. VAT, or incl. VAT when
`prices_include_vat`); VAT is computed once per line on the line total, rounded half-up, and
incl == excl + vat on every line; quote totals are sums of lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..catalogue.units import offer_unit
from ..core.errors import PricingError
from ..core.kinds import Unit, get_kind
from ..core.money import MAX_ORDER_CENTS, TOO_LARGE_EN, TOO_LARGE_FR, apply_bps
from .quotes import Adjustment, Quote, QuoteLine, line_amounts
from .terms import BuyerContext, MembershipInfo, OfferTerms, PartnershipTerms


def quote(offer: OfferTerms, buyer: BuyerContext, quantity: int, options: Mapping[str, Any] | None,
          at: datetime, partnerships: Sequence[PartnershipTerms] = ()) -> Quote:
    """Price `quantity` of `offer` for `buyer` at `at`: never negative, totals == sums of lines."""
    _check_quantity(quantity)
    _check_members_only(offer, buyer, at.year)
    unit = (get_kind(offer.kind).price_unit or offer_unit)(offer, options or {}, buyer, at, quantity)
    if not unit.discounts:
        return _bounded(Quote.of((_line(offer, unit, quantity, unit.list_cents, ()),)))
    member = _member_price(offer, unit)
    best = _best(_candidates(offer, unit, member, buyer, at, partnerships), unit.list_cents)
    adjustments = () if best is None else (_adjustment(best, unit, quantity, offer),)
    price = unit.list_cents if best is None else best.unit_cents
    return _bounded(Quote.of((_line(offer, unit, quantity, price, adjustments),)))


def _bounded(result: Quote) -> Quote:
    """A quote an order can hold: at most MAX_ORDER_CENTS."""
    if result.total_incl_cents > MAX_ORDER_CENTS:
        raise PricingError("too_large", TOO_LARGE_FR, TOO_LARGE_EN, "quantity")
    return result


@dataclass(frozen=True)
class _MemberPrice:
    """A member unit price and the discount it comes from (None for an explicit member price)."""

    unit_cents: int
    discount_bps: int | None


@dataclass(frozen=True)
class _Candidate:
    """A unit price one rule would grant, with what its label needs."""

    unit_cents: int
    code: str
    params: dict[str, Any]


def _check_quantity(quantity: int) -> None:
    """Refuse anything but an integer >= 1."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise PricingError("bad_quantity", "La quantité doit être un entier supérieur ou égal à 1.",
                           "Quantity must be a whole number of at least 1.", "quantity")


def _check_members_only(offer: OfferTerms, buyer: BuyerContext, year: int) -> None:
    """Members-only offers (collective actions) need an eligible membership of the owner this year."""
    if offer.members_only and _eligible_membership(buyer, offer.cluster_id, year, offer) is None:
        raise PricingError("members_only",
                           f"Réservé aux adhérents {offer.cluster_name} à jour de leur cotisation {year}.",
                           f"Reserved for {offer.cluster_name} members with a {year} membership.")


def _eligible_membership(buyer: BuyerContext, cluster_id: int, year: int,
                         offer: OfferTerms) -> MembershipInfo | None:
    """An active membership for `year` that the offer's scope accepts (discovery only if in scope)."""
    for membership in buyer.active_memberships(cluster_id, year):
        if membership.category != "discovery" or offer.discovery_scope:
            return membership
    return None


def _member_price(offer: OfferTerms, unit: Unit) -> _MemberPrice | None:
    """Member unit price: the unit's explicit one, else list − member discount, never above list; None if none."""
    if unit.member_cents is not None:
        return _MemberPrice(min(unit.member_cents, unit.list_cents), None)
    if offer.member_discount_bps is not None:
        discount_bps = offer.member_discount_bps
        return _MemberPrice(unit.list_cents - apply_bps(unit.list_cents, discount_bps), discount_bps)
    return None


def _candidates(offer: OfferTerms, unit: Unit, member: _MemberPrice | None, buyer: BuyerContext, at: datetime,
                partnerships: Sequence[PartnershipTerms]) -> list[_Candidate]:
    """Every unit price a rule grants this buyer, in tie-break order."""
    found = [_included_candidate(offer, buyer, at.year), _member_candidate(offer, member, buyer, at.year)]
    found += _partner_candidates(offer, unit, member, buyer, at.year, partnerships)
    found.append(_early_bird_candidate(offer, unit, at))
    return [c for c in found if c is not None]


def _best(candidates: list[_Candidate], list_cents: int) -> _Candidate | None:
    """The lowest unit price strictly below list (first one on ties), or None: the list price applies."""
    lowering = [c for c in candidates if c.unit_cents < list_cents]
    return min(lowering, key=lambda c: c.unit_cents) if lowering else None


def _included_candidate(offer: OfferTerms, buyer: BuyerContext, year: int) -> _Candidate | None:
    """0 when an active membership of the owner this year has a tier that includes the offer."""
    for membership in buyer.active_memberships(offer.cluster_id, year):
        if membership.tier_code in offer.included_in_tiers:
            return _Candidate(0, "included_in_tier", {"cluster": offer.cluster_name,
                                                      "tier": membership.tier_label})
    return None


def _member_candidate(offer: OfferTerms, member: _MemberPrice | None, buyer: BuyerContext,
                      year: int) -> _Candidate | None:
    """The member price for an eligible member of the owning cluster."""
    if member is None or _eligible_membership(buyer, offer.cluster_id, year, offer) is None:
        return None
    if member.discount_bps is None:
        return _Candidate(member.unit_cents, "member_price", {"cluster": offer.cluster_name})
    return _Candidate(member.unit_cents, "member_discount",
                      {"cluster": offer.cluster_name, "discount_bps": member.discount_bps})


def _partner_candidates(offer: OfferTerms, unit: Unit, member: _MemberPrice | None, buyer: BuyerContext,
                        year: int, partnerships: Sequence[PartnershipTerms]) -> list[_Candidate]:
    """Reciprocity prices: max(member price, list − discount) for eligible members of partner clusters."""
    if member is None:
        return []
    member_cents = member.unit_cents
    found = []
    for partnership in partnerships:
        partner = partnership.partner_of(offer.cluster_id)
        if partner is None or _eligible_membership(buyer, partner[0], year, offer) is None:
            continue
        discounted = unit.list_cents - apply_bps(unit.list_cents, partnership.reciprocity_discount_bps)
        found.append(_Candidate(max(member_cents, discounted), "partner_reciprocity", {
            "cluster": offer.cluster_name, "partner_cluster": partner[1],
            "discount_bps": partnership.reciprocity_discount_bps,
            "at_member_price": discounted <= member_cents}))
    return found


def _early_bird_candidate(offer: OfferTerms, unit: Unit, at: datetime) -> _Candidate | None:
    """Early-bird price strictly before `until`; a fixed early-bird price applies to the base price only."""
    early = offer.early_bird
    if early is None or not at < early.until:
        return None
    if early.discount_bps is not None:
        price = unit.list_cents - apply_bps(unit.list_cents, early.discount_bps)
        return _Candidate(price, "early_bird", {"discount_bps": early.discount_bps})
    if unit.is_base_price and early.price_cents is not None:
        return _Candidate(min(early.price_cents, unit.list_cents), "early_bird", {"discount_bps": None})
    return None


def _adjustment(best: _Candidate, unit: Unit, quantity: int, offer: OfferTerms) -> Adjustment:
    """The line's adjustment: (unit − list) × quantity, with the line's real value for included ones."""
    params = dict(best.params)
    if best.code == "included_in_tier":
        params |= {"value_cents": unit.list_cents * quantity, "vat_included": offer.prices_include_vat}
    return Adjustment(best.code, params, (best.unit_cents - unit.list_cents) * quantity)


def _line(offer: OfferTerms, unit: Unit, quantity: int, unit_cents: int,
          adjustments: tuple[Adjustment, ...]) -> QuoteLine:
    """A line with VAT computed once on the line total, in the offer's price basis (or its unit's own VAT)."""
    rate, mention = (unit.vat_rate_bps, unit.vat_mention) if unit.own_vat else (offer.vat_rate_bps,
                                                                                 offer.vat_exempt_mention)
    excl, vat, incl = line_amounts(unit_cents * quantity, rate, offer.prices_include_vat)
    mention = mention if rate is None else None
    return QuoteLine(unit.description, quantity, unit.list_cents, unit_cents, excl, rate, vat,
                     incl, unit.units * quantity, unit.list_cents * quantity, adjustments,
                     offer.prices_include_vat, mention)


