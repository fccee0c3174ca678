"""Pricing engine: an offer's terms + a buyer + options + a moment -> a quote (pure: no Flask, no DB).

How one unit price is chosen (rules never stack, the single best price for the buyer wins):
  candidates are the unit list price (of the offer, the chosen variant or the matching room rate) and
  every rule that applies, each computed on that list price:
    1. included_in_tier     0, for an active member whose tier is in `included_in_tiers`;
    2. member price         explicit member price, or list − member discount (rooms: discount only);
    3. partner reciprocity  max(member price, list − reciprocity discount): never better than a member;
                            only on offers that have a member price (members paying list -> partners too);
    4. early bird           strictly before `until`: list − discount_bps, or price_cents (base price only).
  The lowest unit price wins; ties go to the lower number above. A rule that does not lower the
  list price is ignored. "Eligible member" = an ACTIVE membership of the cluster for `at.year`;
  discovery-category memberships count only on offers whose `discovery_scope` is True.

Amounts: unit prices are in the offer's price basis (excl. VAT, or incl. VAT when
`prices_include_vat`); VAT is computed once per line on the line total, rounded half-up, and
incl == excl + vat on every line; quote totals are sums of lines.

Rooms: the day type comes from options["date"]; among matching rates the tightest people band wins,
so with bands 1–20 / 20–50 / 50–100 a group of 20 is in 1–20, 50 in 20–50 and 51 in 50–100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..core.errors import Invalid
from ..core.money import MINUS, NNBSP, apply_bps, format_eur_fr, format_hundredths, split_inclusive, vat_cents

OFFER_KINDS = frozenset({"service", "collective_action", "event_ticket", "stand", "sponsorship", "patronage", "room",
                         "coworking", "shared_function", "membership"})
BUYER_KINDS = frozenset({"company", "individual", "public_body", "service_provider"})
TIER_CATEGORIES = frozenset({"classic", "discovery", "partner", "premium", "basic", "sector"})
MEMBERSHIP_STATUSES = frozenset({"pending", "active", "expired", "excluded"})
DAY_TYPES = frozenset({"weekday", "saturday", "sunday", "weekend", "any"})
ROOM_SLOTS = {"full_day": ("Journée", "Full day"), "half_day": ("Demi-journée", "Half day"),
              "evening": ("Soirée", "Evening"), "breakfast": ("Petit-déjeuner", "Breakfast"),
              "meeting": ("Salle de réunion, demi-journée", "Meeting room, half day")}
ERROR_CODES = frozenset({"members_only", "on_quote", "no_rate", "unknown_variant", "tier_not_allowed",
                         "bad_quantity", "no_band", "missing_option"})



# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class Variant:
    """A priced pack of an offer; `units` is the inventory it consumes (a book of 10 tickets = 10)."""

    code: str
    label: str
    list_price_cents: int
    member_price_cents: int | None = None
    units: int = 1

    def __post_init__(self) -> None:
        _require(self.list_price_cents >= 0, "variant list price must be >= 0")
        _require(self.member_price_cents is None or self.member_price_cents >= 0,
                 "variant member price must be >= 0")
        _require(self.units >= 1, "a variant consumes at least one unit")


@dataclass(frozen=True)
class EarlyBird:
    """A reduction valid strictly before `until`: a discount on the list price, or a fixed price."""

    until: datetime
    discount_bps: int | None = None
    price_cents: int | None = None

    def __post_init__(self) -> None:
        _require((self.discount_bps is None) != (self.price_cents is None),
                 "early bird needs exactly one of discount_bps and price_cents")
        _require(self.discount_bps is None or 0 <= self.discount_bps <= 10_000, "discount in 0..10000 bps")
        _require(self.price_cents is None or self.price_cents >= 0, "early-bird price must be >= 0")


@dataclass(frozen=True)
class RoomRate:
    """A room price for a day type, a slot and a people band (bounds inclusive)."""

    day_type: str
    slot: str
    min_people: int
    max_people: int
    list_price_cents: int

    def __post_init__(self) -> None:
        _require(self.day_type in DAY_TYPES, f"unknown day type {self.day_type!r}")
        _require(self.slot in ROOM_SLOTS, f"unknown slot {self.slot!r}")
        _require(1 <= self.min_people <= self.max_people, "people band must satisfy 1 <= min <= max")
        _require(self.list_price_cents >= 0, "room rate must be >= 0")


@dataclass(frozen=True)
class FeeBand:
    """One row of a membership fee grid: category, headcount band (max None = unbounded), fee."""

    tier_code: str
    category: str
    min_headcount: int
    max_headcount: int | None
    fee_cents: int
    label: str

    def __post_init__(self) -> None:
        _require(self.category in TIER_CATEGORIES, f"unknown category {self.category!r}")
        _require(self.min_headcount >= 0, "min headcount must be >= 0")
        _require(self.max_headcount is None or self.max_headcount >= self.min_headcount,
                 "max headcount must be >= min headcount")
        _require(self.fee_cents >= 0, "fee must be >= 0")

    def covers(self, headcount: int) -> bool:
        """True when min <= headcount <= max (max None = no upper bound)."""
        above_min = self.min_headcount <= headcount
        return above_min and (self.max_headcount is None or headcount <= self.max_headcount)


@dataclass(frozen=True)
class OfferTerms:
    """What the pricing engine needs to know about an offer (a snapshot, not a database row)."""

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
    room_rates: tuple[RoomRate, ...] = ()
    room_quote_above: int | None = None
    room_quote_minimum_cents: int | None = None
    fee_bands: tuple[FeeBand, ...] = ()
    language: str = "fr"  # of the line descriptions: "fr" or "en"

    def __post_init__(self) -> None:
        _require(self.kind in OFFER_KINDS, f"unknown offer kind {self.kind!r}")
        _require(self.list_price_cents >= 0, "list price must be >= 0")
        _require(self.vat_rate_bps is None or self.vat_rate_bps >= 0, "VAT rate must be >= 0")
        _require(self.member_price_cents is None or self.member_discount_bps is None,
                 "give a member price or a member discount, not both")
        _require(self.member_price_cents is None or self.member_price_cents >= 0, "member price must be >= 0")
        _require(self.member_discount_bps is None or 0 <= self.member_discount_bps <= 10_000,
                 "member discount in 0..10000 bps")
        _require(len({v.code for v in self.variants}) == len(self.variants), "variant codes must be unique")
        _check_bands_disjoint(self.fee_bands)


@dataclass(frozen=True)
class MembershipInfo:
    """A buyer's membership of one cluster for one year."""

    cluster_id: int
    cluster_name: str
    year: int
    tier_code: str
    category: str
    status: str
    tier_name: str = ""

    def __post_init__(self) -> None:
        _require(self.category in TIER_CATEGORIES, f"unknown category {self.category!r}")
        _require(self.status in MEMBERSHIP_STATUSES, f"unknown status {self.status!r}")

    @property
    def tier_label(self) -> str:
        """The tier's display name, falling back on its code."""
        return self.tier_name or self.tier_code.capitalize()


@dataclass(frozen=True)
class BuyerContext:
    """Who is buying; BuyerContext() is an anonymous visitor."""

    organization_id: int | None = None
    kind: str | None = None
    headcount: int | None = None
    memberships: tuple[MembershipInfo, ...] = ()
    had_discovery_before: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        _require(self.kind is None or self.kind in BUYER_KINDS, f"unknown buyer kind {self.kind!r}")
        _require(self.headcount is None or self.headcount >= 0, "headcount must be >= 0")


@dataclass(frozen=True)
class PartnershipTerms:
    """An agreement between two clusters granting each other's members a reciprocity discount."""

    cluster_a_id: int
    cluster_b_id: int
    cluster_a_name: str
    cluster_b_name: str
    reciprocity_discount_bps: int

    def __post_init__(self) -> None:
        _require(0 <= self.reciprocity_discount_bps <= 10_000, "reciprocity discount in 0..10000 bps")

    def partner_of(self, cluster_id: int) -> tuple[int, str] | None:
        """The other cluster (id, name) of the agreement, or None if `cluster_id` is not part of it."""
        if cluster_id == self.cluster_a_id:
            return self.cluster_b_id, self.cluster_b_name
        if cluster_id == self.cluster_b_id:
            return self.cluster_a_id, self.cluster_a_name
        return None


# ---------------------------------------------------------------------------------------------
# Outputs


@dataclass(frozen=True)
class Adjustment:
    """Why a line's price differs from the list: amount_cents < 0 is a reduction on the whole line."""

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    amount_cents: int = 0

    @property
    def label_fr(self) -> str:
        """The sentence a French-speaking buyer reads."""
        return _LABELS[self.code][0](self.params)

    @property
    def label_en(self) -> str:
        """The sentence an English-speaking buyer reads."""
        return _LABELS[self.code][1](self.params)


@dataclass(frozen=True)
class QuoteLine:
    """One priced line; unit prices in the offer's basis, and excl + vat == incl always."""

    description: str
    quantity: int
    unit_list_cents: int
    unit_price_cents: int
    excl_cents: int
    vat_rate_bps: int | None
    vat_cents: int
    incl_cents: int
    units: int
    real_value_cents: int
    adjustments: tuple[Adjustment, ...] = ()
    prices_include_vat: bool = False
    vat_exempt_mention: str | None = None

    def __post_init__(self) -> None:
        _require(self.excl_cents + self.vat_cents == self.incl_cents, "excl + vat must equal incl")


@dataclass(frozen=True)
class Quote:
    """Priced lines whose totals are exactly the sums of the lines."""

    lines: tuple[QuoteLine, ...]
    total_excl_cents: int
    total_vat_cents: int
    total_incl_cents: int

    def __post_init__(self) -> None:
        _require(self.total_excl_cents == sum(line.excl_cents for line in self.lines), "excl total != lines")
        _require(self.total_vat_cents == sum(line.vat_cents for line in self.lines), "VAT total != lines")
        _require(self.total_incl_cents == sum(line.incl_cents for line in self.lines), "incl total != lines")

    @classmethod
    def of(cls, lines: Sequence[QuoteLine]) -> Quote:
        """A quote whose totals are the sums of `lines`."""
        return cls(tuple(lines), sum(line.excl_cents for line in lines),
                   sum(line.vat_cents for line in lines), sum(line.incl_cents for line in lines))


class PricingError(Invalid):
    """A refusal the buyer must read: a stable code, French and English messages, the field at fault."""

    def __init__(self, code: str, message_fr: str, message_en: str, field: str | None = None):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown pricing error code {code!r}")
        super().__init__(message_fr, field=field)
        self.code = code
        self.message_fr = message_fr
        self.message_en = message_en


# ---------------------------------------------------------------------------------------------
# The engine


def quote(offer: OfferTerms, buyer: BuyerContext, quantity: int, options: Mapping[str, Any] | None,
          at: datetime, partnerships: Sequence[PartnershipTerms] = ()) -> Quote:
    """Price `quantity` of `offer` for `buyer` at `at`: never negative, totals == sums of lines."""
    _check_quantity(quantity)
    options = options or {}
    if offer.kind == "membership":
        return Quote.of((_membership_line(offer, buyer, quantity, options, at.year),))
    _check_members_only(offer, buyer, at.year)
    item = _room_item(offer, options) if offer.kind == "room" else _catalogue_item(offer, options)
    best = _best(_candidates(offer, item, buyer, at, partnerships), item.list_cents)
    adjustments = () if best is None else (_adjustment(best, item, quantity, offer),)
    unit = item.list_cents if best is None else best.unit_cents
    return Quote.of((_line(offer, item, quantity, unit, adjustments),))


@dataclass(frozen=True)
class _Item:
    """What is being priced before any rule: description, unit list price, member price, units."""

    description: str
    list_cents: int
    member: _MemberPrice | None
    units: int
    is_base_price: bool


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


def _active_memberships(buyer: BuyerContext, cluster_id: int, year: int) -> list[MembershipInfo]:
    """The buyer's active memberships of `cluster_id` for `year`."""
    return [m for m in buyer.memberships
            if m.cluster_id == cluster_id and m.year == year and m.status == "active"]


def _eligible_membership(buyer: BuyerContext, cluster_id: int, year: int,
                         offer: OfferTerms) -> MembershipInfo | None:
    """An active membership for `year` that the offer's scope accepts (discovery only if in scope)."""
    for membership in _active_memberships(buyer, cluster_id, year):
        if membership.category != "discovery" or offer.discovery_scope:
            return membership
    return None


def _catalogue_item(offer: OfferTerms, options: Mapping[str, Any]) -> _Item:
    """The offer itself, or the variant named in options["variant"] (required when variants exist)."""
    code = options.get("variant")
    if not offer.variants and code is None:
        return _Item(offer.title, offer.list_price_cents, _member_unit(offer, offer.list_price_cents,
                     offer.member_price_cents), 1, True)
    choices = ", ".join(v.code for v in offer.variants) or "—"
    if code is None:
        raise _missing("variant", f"Choisissez une formule ({choices}).", f"Choose an option ({choices}).")
    variant = next((v for v in offer.variants if v.code == code), None)
    if variant is None:
        raise PricingError("unknown_variant", f"Formule inconnue « {code} » (choix : {choices}).",
                           f"Unknown option “{code}” (choices: {choices}).", "variant")
    member = _member_unit(offer, variant.list_price_cents, variant.member_price_cents)
    return _Item(f"{offer.title} — {variant.label}", variant.list_price_cents, member, variant.units, False)


def _member_unit(offer: OfferTerms, list_cents: int, explicit_cents: int | None) -> _MemberPrice | None:
    """Member unit price: the explicit one, else list − member discount, never above list; None if none."""
    if explicit_cents is not None:
        return _MemberPrice(min(explicit_cents, list_cents), None)
    if offer.member_discount_bps is not None:
        discount_bps = offer.member_discount_bps
        return _MemberPrice(list_cents - apply_bps(list_cents, discount_bps), discount_bps)
    return None


def _room_item(offer: OfferTerms, options: Mapping[str, Any]) -> _Item:
    """The room rate for options date/slot/people; above `room_quote_above` people it is on quote."""
    day, slot, people = _room_options(options)
    if offer.room_quote_above is not None and people > offer.room_quote_above:
        raise _on_quote(offer, people)
    rate = _room_rate(offer.room_rates, day_type(day), slot, people)
    if rate is None:
        raise PricingError("no_rate", f"Pas de tarif pour {ROOM_SLOTS[slot][0].lower()} le {day:%d/%m/%Y} "
                           f"à {people} personnes.", f"No rate for {ROOM_SLOTS[slot][1].lower()} on "
                           f"{day:%Y-%m-%d} for {people} people.", "slot")
    if offer.language == "en":
        description = f"{offer.title} — {ROOM_SLOTS[slot][1]}, {day:%Y-%m-%d}, {people} people"
    else:
        description = f"{offer.title} — {ROOM_SLOTS[slot][0]}, {day:%d/%m/%Y}, {people} pers."
    member = _member_unit(offer, rate.list_price_cents, None)
    return _Item(description, rate.list_price_cents, member, 1, False)


def _room_options(options: Mapping[str, Any]) -> tuple[date, str, int]:
    """Read and check options date (a date), slot (a known slot) and people (an int >= 1)."""
    day, slot, people = options.get("date"), options.get("slot"), options.get("people")
    if not isinstance(day, date):
        raise _missing("date", "Choisissez une date.", "Choose a date.")
    if slot not in ROOM_SLOTS:
        raise _missing("slot", "Choisissez un créneau.", "Choose a time slot.")
    if isinstance(people, bool) or not isinstance(people, int) or people < 1:
        raise _missing("people", "Indiquez un nombre de personnes (au moins 1).",
                       "Give a number of people (at least 1).")
    return day, slot, people


def _missing(field_name: str, message_fr: str, message_en: str) -> PricingError:
    """A missing or invalid option."""
    return PricingError("missing_option", message_fr, message_en, field_name)


def _on_quote(offer: OfferTerms, people: int) -> PricingError:
    """The refusal for groups above `room_quote_above`, naming the minimum amount if there is one."""
    minimum = offer.room_quote_minimum_cents
    fr = f"Au-delà de {offer.room_quote_above} personnes, la location est sur devis"
    en = f"Above {offer.room_quote_above} people the room is on quote"
    if minimum is not None:
        fr += f" (minimum {format_eur_fr(minimum)} HT)"
        en += f" (minimum {format_eur_en(minimum)} excl. VAT)"
    return PricingError("on_quote", fr + ".", en + ".", "people")


def day_type(day: date) -> str:
    """'weekday', 'saturday' or 'sunday' for a date."""
    return {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekday")


def _day_specificity(rate_day_type: str, actual: str) -> int | None:
    """0 exact day type, 1 'weekend' matching Saturday/Sunday, 2 'any'; None when it does not match."""
    if rate_day_type == actual:
        return 0
    if rate_day_type == "weekend" and actual in ("saturday", "sunday"):
        return 1
    return 2 if rate_day_type == "any" else None


def _room_rate(rates: Sequence[RoomRate], actual_day: str, slot: str, people: int) -> RoomRate | None:
    """The matching rate with the tightest people band (then the most specific day type), or None."""
    matching = [(r.max_people, spec, i, r) for i, r in enumerate(rates)
                if r.slot == slot and r.min_people <= people <= r.max_people
                and (spec := _day_specificity(r.day_type, actual_day)) is not None]
    return min(matching)[3] if matching else None


def _candidates(offer: OfferTerms, item: _Item, buyer: BuyerContext, at: datetime,
                partnerships: Sequence[PartnershipTerms]) -> list[_Candidate]:
    """Every unit price a rule grants this buyer, in tie-break order."""
    found = [_included_candidate(offer, buyer, at.year), _member_candidate(offer, item, buyer, at.year)]
    found += _partner_candidates(offer, item, buyer, at.year, partnerships)
    found.append(_early_bird_candidate(offer, item, at))
    return [c for c in found if c is not None]


def _best(candidates: list[_Candidate], list_cents: int) -> _Candidate | None:
    """The lowest unit price strictly below list (first one on ties), or None: the list price applies."""
    lowering = [c for c in candidates if c.unit_cents < list_cents]
    return min(lowering, key=lambda c: c.unit_cents) if lowering else None


def _included_candidate(offer: OfferTerms, buyer: BuyerContext, year: int) -> _Candidate | None:
    """0 when an active membership of the owner this year has a tier that includes the offer."""
    for membership in _active_memberships(buyer, offer.cluster_id, year):
        if membership.tier_code in offer.included_in_tiers:
            return _Candidate(0, "included_in_tier", {"cluster": offer.cluster_name,
                                                      "tier": membership.tier_label})
    return None


def _member_candidate(offer: OfferTerms, item: _Item, buyer: BuyerContext, year: int) -> _Candidate | None:
    """The member price for an eligible member of the owning cluster."""
    member = item.member
    if member is None or _eligible_membership(buyer, offer.cluster_id, year, offer) is None:
        return None
    if member.discount_bps is None:
        return _Candidate(member.unit_cents, "member_price", {"cluster": offer.cluster_name})
    return _Candidate(member.unit_cents, "member_discount",
                      {"cluster": offer.cluster_name, "discount_bps": member.discount_bps})


def _partner_candidates(offer: OfferTerms, item: _Item, buyer: BuyerContext, year: int,
                        partnerships: Sequence[PartnershipTerms]) -> list[_Candidate]:
    """Reciprocity prices: max(member price, list − discount) for eligible members of partner clusters."""
    if item.member is None:
        return []
    member_cents = item.member.unit_cents
    found = []
    for partnership in partnerships:
        partner = partnership.partner_of(offer.cluster_id)
        if partner is None or _eligible_membership(buyer, partner[0], year, offer) is None:
            continue
        discounted = item.list_cents - apply_bps(item.list_cents, partnership.reciprocity_discount_bps)
        found.append(_Candidate(max(member_cents, discounted), "partner_reciprocity", {
            "cluster": offer.cluster_name, "partner_cluster": partner[1],
            "discount_bps": partnership.reciprocity_discount_bps,
            "at_member_price": discounted <= member_cents}))
    return found


def _early_bird_candidate(offer: OfferTerms, item: _Item, at: datetime) -> _Candidate | None:
    """Early-bird price strictly before `until`; a fixed early-bird price applies to the base price only."""
    early = offer.early_bird
    if early is None or not at < early.until:
        return None
    if early.discount_bps is not None:
        unit = item.list_cents - apply_bps(item.list_cents, early.discount_bps)
        return _Candidate(unit, "early_bird", {"discount_bps": early.discount_bps})
    if item.is_base_price and early.price_cents is not None:
        return _Candidate(min(early.price_cents, item.list_cents), "early_bird", {"discount_bps": None})
    return None


def _adjustment(best: _Candidate, item: _Item, quantity: int, offer: OfferTerms) -> Adjustment:
    """The line's adjustment: (unit − list) × quantity, with the line's real value for included ones."""
    params = dict(best.params)
    if best.code == "included_in_tier":
        params |= {"value_cents": item.list_cents * quantity, "vat_included": offer.prices_include_vat}
    return Adjustment(best.code, params, (best.unit_cents - item.list_cents) * quantity)


def _line(offer: OfferTerms, item: _Item, quantity: int, unit_cents: int,
          adjustments: tuple[Adjustment, ...]) -> QuoteLine:
    """A line with VAT computed once on the line total, in the offer's price basis."""
    excl, vat, incl = line_amounts(unit_cents * quantity, offer.vat_rate_bps, offer.prices_include_vat)
    mention = offer.vat_exempt_mention if offer.vat_rate_bps is None else None
    return QuoteLine(item.description, quantity, item.list_cents, unit_cents, excl, offer.vat_rate_bps, vat,
                     incl, item.units * quantity, item.list_cents * quantity, adjustments,
                     offer.prices_include_vat, mention)


def line_amounts(total_cents: int, rate_bps: int | None, include_vat: bool) -> tuple[int, int, int]:
    """(excl, vat, incl) of a line total given excl. or incl. VAT; excl + vat == incl; None rate = no VAT."""
    if rate_bps is None:
        return total_cents, 0, total_cents
    if include_vat:
        excl, vat = split_inclusive(total_cents, rate_bps)
        return excl, vat, total_cents
    vat = vat_cents(total_cents, rate_bps)
    return total_cents, vat, total_cents + vat


# ---------------------------------------------------------------------------------------------
# Memberships


def _membership_line(offer: OfferTerms, buyer: BuyerContext, quantity: int, options: Mapping[str, Any],
                     year: int) -> QuoteLine:
    """The yearly fee from the band of the requested category covering the buyer's headcount."""
    if quantity != 1:
        raise PricingError("bad_quantity", "Une adhésion s'achète une fois par an.",
                           "A membership is bought once a year.", "quantity")
    category = str(options.get("category", options.get("tier", "classic")))
    _check_category_allowed(offer, buyer, category, year)
    band = _fee_band(offer, category, buyer.headcount)
    item = _Item(f"{offer.title} — {band.label}", band.fee_cents, None, 1, False)
    return _line(offer, item, 1, band.fee_cents, ())


def _check_category_allowed(offer: OfferTerms, buyer: BuyerContext, category: str, year: int) -> None:
    """Discovery at most once per cluster; the partner category is for service providers only."""
    if category == "discovery" and _had_discovery(buyer, offer.cluster_id, year):
        raise PricingError("tier_not_allowed",
                           f"L'adhésion découverte {offer.cluster_name} ne dure qu'un an : choisissez une "
                           "autre formule.",
                           f"The {offer.cluster_name} discovery membership lasts one year only: choose "
                           "another category.", "category")
    if category == "partner" and buyer.kind != "service_provider":
        raise PricingError("tier_not_allowed", "L'adhésion partenaire est réservée aux prestataires.",
                           "The partner membership is for service providers only.", "category")


def _had_discovery(buyer: BuyerContext, cluster_id: int, year: int) -> bool:
    """True if the buyer already used its discovery year with this cluster."""
    return cluster_id in buyer.had_discovery_before or any(
        m.cluster_id == cluster_id and m.category == "discovery" and m.year < year
        and m.status in ("active", "expired") for m in buyer.memberships)


def _fee_band(offer: OfferTerms, category: str, headcount: int | None) -> FeeBand:
    """The band of `category` covering `headcount`; without a headcount only a flat band (0..∞) fits."""
    for band in offer.fee_bands:
        fits = band.covers(headcount) if headcount is not None else (
            band.min_headcount == 0 and band.max_headcount is None)
        if band.category == category and fits:
            return band
    size_fr = f"un effectif de {headcount}" if headcount is not None else "un effectif non renseigné"
    size_en = f"a headcount of {headcount}" if headcount is not None else "an unknown headcount"
    raise PricingError("no_band", f"Aucune cotisation « {category} » pour {size_fr}.",
                       f"No “{category}” membership fee for {size_en}.", "category")


def _check_bands_disjoint(bands: Sequence[FeeBand]) -> None:
    """Within a category, headcount bands must not overlap (one fee per headcount)."""
    for category in {b.category for b in bands}:
        ordered = sorted((b for b in bands if b.category == category), key=lambda b: b.min_headcount)
        for lower, upper in zip(ordered, ordered[1:], strict=False):
            _require(lower.max_headcount is not None and lower.max_headcount < upper.min_headcount,
                     f"overlapping {category} bands {lower.tier_code} and {upper.tier_code}")


# ---------------------------------------------------------------------------------------------
# Labels and the tiny euro formatter (Babel formats money in the web layer; labels are built here)


def format_eur_en(cents: int) -> str:
    """'€1,234.56'."""
    sign = MINUS if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}€{euros:,}.{rest:02d}"


def _off_fr(bps: int | None) -> str:
    return "" if bps is None else f" {MINUS}{format_hundredths(bps, ',')}{NNBSP}%"


def _off_en(bps: int | None) -> str:
    return "" if bps is None else f" {MINUS}{format_hundredths(bps, '.')}%"


def _partner_fr(p: dict[str, Any]) -> str:
    if p["at_member_price"]:
        return (f"Tarif partenaire (adhérent {p['partner_cluster']}), "
                f"aligné sur le tarif adhérent {p['cluster']}")
    return f"Tarif partenaire (adhérent {p['partner_cluster']}){_off_fr(p['discount_bps'])}"


def _partner_en(p: dict[str, Any]) -> str:
    if p["at_member_price"]:
        return f"Partner rate ({p['partner_cluster']} member), same as the {p['cluster']} member rate"
    return f"Partner rate ({p['partner_cluster']} member){_off_en(p['discount_bps'])}"


def _included_fr(p: dict[str, Any]) -> str:
    basis = "TTC" if p["vat_included"] else "HT"
    return f"Valeur {format_eur_fr(p['value_cents'])} {basis}, incluse dans votre adhésion {p['tier']}"


def _included_en(p: dict[str, Any]) -> str:
    basis = "incl. VAT" if p["vat_included"] else "excl. VAT"
    return f"Worth {format_eur_en(p['value_cents'])} {basis}, included in your {p['tier']} membership"


_LABELS = {
    "member_price": (lambda p: f"Tarif adhérent {p['cluster']}", lambda p: f"{p['cluster']} member rate"),
    "member_discount": (lambda p: f"Tarif adhérent {p['cluster']}{_off_fr(p['discount_bps'])}",
                        lambda p: f"{p['cluster']} member rate{_off_en(p['discount_bps'])}"),
    "partner_reciprocity": (_partner_fr, _partner_en),
    "included_in_tier": (_included_fr, _included_en),
    "early_bird": (lambda p: f"Tarif inscription anticipée{_off_fr(p['discount_bps'])}",
                   lambda p: f"Early-bird rate{_off_en(p['discount_bps'])}"),
}


def _require(condition: bool, message: str) -> None:
    """Raise ValueError(message) for inconsistent terms (a programming or data error, not a refusal)."""
    if not condition:
        raise ValueError(message)
