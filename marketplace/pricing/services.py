"""From database rows to the pure pricing engine: offer terms, buyer context, partnerships, quotes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..catalogue.models import Offer, OfferVariant
from ..clusters.models import Cluster, Partnership
from ..core.errors import NotFound, PricingError
from ..core.kinds import Buyer, get_kind
from ..core.members import members
from ..core.timeutil import utcnow
from .engine import quote
from .quotes import Quote
from .terms import BuyerContext, EarlyBird, OfferTerms, PartnershipTerms, Variant


def _variants(db: Session, offer_ids: list[int]) -> dict[int, list[OfferVariant]]:
    result: dict[int, list[OfferVariant]] = {i: [] for i in offer_ids}
    for variant in db.exec(select(OfferVariant).where(col(OfferVariant.offer_id).in_(offer_ids))
                           .order_by(OfferVariant.position, OfferVariant.id)):
        result[variant.offer_id].append(variant)
    return result


def offer_terms(db: Session, offer: Offer, cluster: Cluster, lang: str = "fr",
                variants: list[OfferVariant] | None = None) -> OfferTerms:
    """The pricing engine's snapshot of an offer: its variants, and what its kind reads (a rate grid, a fee grid)."""
    if variants is None:
        variants = _variants(db, [offer.id])[offer.id]
    kind = get_kind(offer.kind)
    early_bird = None
    if offer.early_bird_until and offer.early_bird_discount_bps:
        early_bird = EarlyBird(offer.early_bird_until, discount_bps=offer.early_bird_discount_bps)
    return OfferTerms(
        offer_id=offer.id, cluster_id=cluster.id, cluster_name=cluster.name, kind=offer.kind,
        title=offer.title_en if lang == "en" else offer.title_fr, list_price_cents=offer.list_price_cents,
        prices_include_vat=offer.prices_include_vat, vat_rate_bps=offer.vat_rate_bps,
        vat_exempt_mention=offer.vat_exempt_mention, member_price_cents=offer.member_price_cents,
        member_discount_bps=offer.member_discount_bps, members_only=offer.members_only,
        discovery_scope=offer.discovery_scope,
        included_in_tiers=frozenset(t for t in offer.included_in_tiers.split(",") if t),
        variants=tuple(Variant(v.code, v.label_en if lang == "en" else v.label_fr, v.list_price_cents,
                               v.member_price_cents, v.units) for v in variants),
        early_bird=early_bird, kind_terms=kind.load_terms(db, offer, lang) if kind.load_terms else None,
        language=lang)


def buyer_context(db: Session, organization_id: int | None) -> BuyerContext:
    """The buyer as the engine sees it: kind, headcount, every membership with its tier."""
    if organization_id is None:
        return BuyerContext()
    found = members().organization_with_memberships(db, organization_id)
    if found is None:
        raise NotFound(_("Organisation introuvable."), field="organization_id")
    organization, facts = found
    had_discovery = frozenset(f.cluster_id for f in facts if f.category == "discovery")
    return BuyerContext(organization_id, organization.kind, organization.headcount, tuple(facts), had_discovery,
                        organization.turnover_euros)


def partnership_terms(db: Session, cluster_id: int) -> tuple[PartnershipTerms, ...]:
    return partnerships_of(db, [cluster_id])[cluster_id]


# Built once: an alias's columns are costly to set up (a catalogue page reads the partnerships on every request).
_CLUSTER_A, _CLUSTER_B = (Cluster.__table__.alias(name) for name in ("a", "b"))


def partnerships_of(db: Session, cluster_ids: list[int]) -> dict[int, tuple[PartnershipTerms, ...]]:
    """Each cluster's partnerships as the engine reads them, for several clusters in one query."""
    a, b = _CLUSTER_A, _CLUSTER_B
    # Plain columns, not entities: building model instances costs more than the query.
    rows = db.exec(select(Partnership.cluster_a_id, Partnership.cluster_b_id, a.c.name, b.c.name,
                          Partnership.reciprocity_discount_bps)
                   .join(a, a.c.id == Partnership.cluster_a_id).join(b, b.c.id == Partnership.cluster_b_id)
                   .where(col(Partnership.cluster_a_id).in_(cluster_ids)
                          | col(Partnership.cluster_b_id).in_(cluster_ids))
                   .order_by(Partnership.id)).all()
    result: dict[int, list[PartnershipTerms]] = {cluster_id: [] for cluster_id in cluster_ids}
    for cluster_a, cluster_b, name_a, name_b, reciprocity_bps in rows:
        terms = PartnershipTerms(cluster_a, cluster_b, name_a, name_b, reciprocity_bps)
        for cluster_id in {cluster_a, cluster_b} & set(result):
            result[cluster_id].append(terms)
    return {cluster_id: tuple(terms) for cluster_id, terms in result.items()}


def price_offer(db: Session, offer: Offer, cluster: Cluster, organization_id: int | None, quantity: int,
                options: dict, at: datetime | None = None, lang: str = "fr", available: bool = False,
                terms: OfferTerms | None = None, buyer: BuyerContext | None = None,
                partnerships: tuple[PartnershipTerms, ...] | None = None) -> Quote:
    """Quote `quantity` of an offer for an organization (None: a visitor); raises PricingError. `terms`, `buyer`
    and `partnerships`: the offer's terms in `lang`, the organization's context and its cluster's partnerships,
    when already at hand.

    With `available`, also say at once what is no longer free (a room slot taken, the desks of a day);
    checkout relies on holding the stock instead. An offer's maximum per order is always enforced.
    """
    if offer.max_per_order is not None and quantity > offer.max_per_order:
        raise PricingError("bad_quantity", f"{offer.max_per_order} au plus par commande.",
                           f"{offer.max_per_order} at most per order.", "quantity")
    # A visitor (no organization) is nobody's member: partnerships cannot change their price.
    if partnerships is None:
        partnerships = partnership_terms(db, cluster.id) if organization_id is not None else ()
    terms = offer_terms(db, offer, cluster, lang) if terms is None else terms
    buyer = buyer_context(db, organization_id) if buyer is None else buyer
    result = quote(terms, buyer, quantity, options, at or utcnow(), partnerships)
    check = get_kind(offer.kind).check_available
    if available and check is not None:
        check(db, offer, options, quantity, Buyer(organization_id))
    return result


@dataclass(frozen=True)
class DisplayPrice:
    """What a catalogue card shows: the list price and, for a member, their own price and why."""

    list_cents: int
    own_cents: int | None
    include_vat: bool
    reason_fr: str = ""
    reason_en: str = ""
    from_price: bool = False


def display_prices(db: Session, rows: list[tuple[Offer, Cluster]], organization_id: int | None,
                   at: datetime | None = None, buyer: BuyerContext | None = None) -> dict[int, DisplayPrice]:
    """One price per offer for listing: the first variant or the base price, for quantity 1 (`buyer`: the
    organization's context when already read)."""
    at = at or utcnow()
    buyer = buyer or buyer_context(db, organization_id)
    variants = _variants(db, [offer.id for offer, _ in rows])
    partnerships = partnerships_of(db, sorted({c.id for _o, c in rows})) if organization_id is not None else {}
    result = {}
    for offer, cluster in rows:
        base = variants[offer.id][0].list_price_cents if variants[offer.id] else offer.list_price_cents
        by_options = get_kind(offer.kind).from_price
        from_price = by_options or len(variants[offer.id]) > 1
        own, reason = None, None
        if organization_id is not None and not by_options:
            terms = offer_terms(db, offer, cluster, variants=variants[offer.id])
            try:
                line = quote(terms, buyer, 1, {}, at, partnerships[cluster.id]).lines[0]
            except PricingError:
                line = None
            if line is not None and line.adjustments:
                own, reason = line.unit_price_cents, line.adjustments[0]
        result[offer.id] = DisplayPrice(base, own, offer.prices_include_vat,
                                        reason.label_fr if reason else "", reason.label_en if reason else "",
                                        from_price)
    return result
