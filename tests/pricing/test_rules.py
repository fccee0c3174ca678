"""Pricing rules with DOMAIN.md's figures: La Cantine rooms, coworking passes, fee grids, member prices."""

from datetime import UTC, date, datetime

import pytest

from marketplace.core.errors import Invalid
from marketplace.pricing.rules import (
    BuyerContext,
    EarlyBird,
    FeeBand,
    MembershipInfo,
    OfferTerms,
    PartnershipTerms,
    PricingError,
    Quote,
    RoomRate,
    Variant,
    format_eur_en,
    format_eur_fr,
    quote,
)

NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"

AT = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
ANONYMOUS = BuyerContext()

SILICON_SENTIER, NEOPOLIA, MECABOURG, ATLANPACK, EMC2, SOLIAGE = 4, 1, 2, 5, 8, 6
NAMES = {SILICON_SENTIER: "Silicon Sentier", NEOPOLIA: "Neopolia", MECABOURG: "Mecabourg", EMC2: "EMC2",
         SOLIAGE: "Soliage", ATLANPACK: "Atlanpack"}

WEDNESDAY, SATURDAY, SUNDAY = date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 6)


def membership(cluster_id, *, year=2026, status="active", category="classic", tier="classic", tier_name=""):
    return MembershipInfo(cluster_id, NAMES[cluster_id], year, tier, category, status, tier_name)


def member_of(*cluster_ids, **kwargs):
    return BuyerContext(organization_id=42, kind="company", headcount=12,
                        memberships=tuple(membership(c, **kwargs) for c in cluster_ids))


def offer(cluster_id=MECABOURG, kind="service", **kwargs):
    return OfferTerms(offer_id=1, cluster_id=cluster_id, cluster_name=NAMES[cluster_id], kind=kind,
                      title=kwargs.pop("title", "Veille marchés"), **kwargs)


def only_line(result: Quote):
    assert len(result.lines) == 1
    return result.lines[0]


def refusal(code, *args, **kwargs) -> PricingError:
    with pytest.raises(PricingError) as caught:
        quote(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


# ---------------------------------------------------------------------------------------------
# La Cantine (Silicon Sentier): the room grid, list and member (−30 %), € excl. VAT

LA_CANTINE = offer(
    SILICON_SENTIER, "room", title="La Cantine", member_discount_bps=3000, room_quote_above=100,
    room_quote_minimum_cents=250_000,
    room_rates=(
        RoomRate("weekday", "full_day", 50, 100, 240_000),
        RoomRate("saturday", "full_day", 50, 100, 300_000),
        RoomRate("sunday", "full_day", 50, 100, 400_000),
        RoomRate("weekday", "half_day", 50, 100, 140_000),
        RoomRate("weekend", "half_day", 50, 100, 180_000),
        RoomRate("weekday", "half_day", 20, 50, 100_000),
        RoomRate("weekend", "half_day", 20, 50, 150_000),
        RoomRate("any", "breakfast", 1, 20, 25_000),
        RoomRate("any", "meeting", 1, 20, 22_000),
        RoomRate("any", "evening", 50, 100, 150_000),
        RoomRate("any", "evening", 20, 50, 80_000),
        RoomRate("any", "evening", 1, 20, 40_000),
    ))

CANTINE_GRID = [
    # slot, day, people, list €, member €
    ("full_day", WEDNESDAY, 80, 2400, 1680),
    ("full_day", SATURDAY, 80, 3000, 2100),
    ("full_day", SUNDAY, 80, 4000, 2800),
    ("half_day", WEDNESDAY, 80, 1400, 980),
    ("half_day", SATURDAY, 80, 1800, 1260),
    ("half_day", SUNDAY, 80, 1800, 1260),
    ("half_day", WEDNESDAY, 30, 1000, 700),
    ("half_day", SATURDAY, 30, 1500, 1050),
    ("half_day", SUNDAY, 30, 1500, 1050),
    ("breakfast", WEDNESDAY, 15, 250, 175),
    ("meeting", WEDNESDAY, 8, 220, 154),
    ("evening", WEDNESDAY, 80, 1500, 1050),
    ("evening", WEDNESDAY, 30, 800, 560),
    ("evening", WEDNESDAY, 10, 400, 280),
    # evening, breakfast and meeting room cost the same whatever the day
    ("evening", SATURDAY, 80, 1500, 1050),
    ("evening", SUNDAY, 30, 800, 560),
    ("evening", SATURDAY, 10, 400, 280),
    ("breakfast", SUNDAY, 20, 250, 175),
    ("meeting", SATURDAY, 1, 220, 154),
    # band boundaries: the tightest band wins, so 20 is in 1–20, 50 in 20–50, 51 in 50–100
    ("half_day", WEDNESDAY, 20, 1000, 700),
    ("half_day", WEDNESDAY, 50, 1000, 700),
    ("half_day", WEDNESDAY, 51, 1400, 980),
    ("half_day", SATURDAY, 50, 1500, 1050),
    ("half_day", SATURDAY, 51, 1800, 1260),
    ("evening", WEDNESDAY, 20, 400, 280),
    ("evening", WEDNESDAY, 21, 800, 560),
    ("evening", WEDNESDAY, 50, 800, 560),
    ("evening", WEDNESDAY, 51, 1500, 1050),
    ("full_day", WEDNESDAY, 50, 2400, 1680),
    ("full_day", SUNDAY, 100, 4000, 2800),
]


@pytest.mark.parametrize(("slot", "day", "people", "list_eur", "member_eur"), CANTINE_GRID)
def test_la_cantine_list_price(slot, day, people, list_eur, member_eur):
    line = only_line(quote(LA_CANTINE, ANONYMOUS, 1, {"date": day, "slot": slot, "people": people}, AT))
    assert line.unit_list_cents == line.unit_price_cents == list_eur * 100
    assert line.excl_cents == list_eur * 100
    assert line.vat_cents == list_eur * 20
    assert line.incl_cents == list_eur * 120
    assert line.adjustments == ()


@pytest.mark.parametrize(("slot", "day", "people", "list_eur", "member_eur"), CANTINE_GRID)
def test_la_cantine_member_price(slot, day, people, list_eur, member_eur):
    buyer = member_of(SILICON_SENTIER)
    line = only_line(quote(LA_CANTINE, buyer, 1, {"date": day, "slot": slot, "people": people}, AT))
    assert line.unit_list_cents == list_eur * 100
    assert line.unit_price_cents == line.excl_cents == member_eur * 100
    (adjustment,) = line.adjustments
    assert adjustment.code == "member_discount"
    assert adjustment.amount_cents == (member_eur - list_eur) * 100
    assert adjustment.label_fr == f"Tarif adhérent Silicon Sentier {MINUS}30{NNBSP}%"
    assert adjustment.label_en == f"Silicon Sentier member rate {MINUS}30%"


def test_room_quantity_multiplies_the_line_and_vat_is_on_the_line():
    line = only_line(quote(LA_CANTINE, member_of(SILICON_SENTIER), 2,
                           {"date": SATURDAY, "slot": "half_day", "people": 40}, AT))
    assert (line.excl_cents, line.vat_cents, line.incl_cents) == (210_000, 42_000, 252_000)
    assert line.adjustments[0].amount_cents == -90_000
    assert line.description == "La Cantine — Demi-journée, 05/12/2026, 40 pers."


def test_over_100_people_is_on_quote_with_the_minimum():
    options = {"date": WEDNESDAY, "slot": "full_day", "people": 101}
    error = refusal("on_quote", LA_CANTINE, ANONYMOUS, 1, options, AT)
    assert error.field == "people"
    assert f"2{NNBSP}500,00{NBSP}€ HT" in error.message_fr
    assert "€2,500.00 excl. VAT" in error.message_en
    assert isinstance(error, Invalid) and error.status == 422


@pytest.mark.parametrize(("slot", "day", "people"), [
    ("full_day", WEDNESDAY, 49),    # no full-day rate under 50 people
    ("breakfast", WEDNESDAY, 21),
    ("meeting", SUNDAY, 30),
])
def test_no_room_rate(slot, day, people):
    error = refusal("no_rate", LA_CANTINE, ANONYMOUS, 1, {"date": day, "slot": slot, "people": people}, AT)
    assert error.field == "slot"


@pytest.mark.parametrize(("options", "field"), [
    ({"slot": "evening", "people": 10}, "date"),
    ({"date": "2026-12-02", "slot": "evening", "people": 10}, "date"),
    ({"date": WEDNESDAY, "slot": "brunch", "people": 10}, "slot"),
    ({"date": WEDNESDAY, "slot": "evening"}, "people"),
    ({"date": WEDNESDAY, "slot": "evening", "people": 0}, "people"),
])
def test_room_options_are_required(options, field):
    assert refusal("missing_option", LA_CANTINE, ANONYMOUS, 1, options, AT).field == field


def test_specific_day_rate_beats_weekend_and_any():
    room = offer(SILICON_SENTIER, "room", room_rates=(
        RoomRate("any", "evening", 1, 20, 40_000),
        RoomRate("weekend", "evening", 1, 20, 50_000),
        RoomRate("sunday", "evening", 1, 20, 60_000),
    ))
    prices = [only_line(quote(room, ANONYMOUS, 1, {"date": day, "slot": "evening", "people": 5}, AT))
              .unit_price_cents for day in (WEDNESDAY, SATURDAY, SUNDAY)]
    assert prices == [40_000, 50_000, 60_000]


# ---------------------------------------------------------------------------------------------
# Coworking passes, priced VAT included at 20 %

COWORKING = offer(
    SILICON_SENTIER, "coworking", title="Coworking La Cantine", prices_include_vat=True, vat_rate_bps=2000,
    variants=(
        Variant("half_day", "Demi-journée", 700),
        Variant("day", "Journée", 1000),
        Variant("book10_half_day", "Carnet de 10 demi-journées", 6300, units=10),
        Variant("book10_day", "Carnet de 10 journées", 9000, units=10),
    ))


@pytest.mark.parametrize(("variant", "quantity", "incl", "excl", "vat", "units"), [
    ("half_day", 1, 700, 583, 117, 1),
    ("day", 1, 1000, 833, 167, 1),
    ("book10_half_day", 1, 6300, 5250, 1050, 10),
    ("book10_day", 1, 9000, 7500, 1500, 10),
    ("half_day", 3, 2100, 1750, 350, 3),
    ("book10_day", 2, 18_000, 15_000, 3000, 20),
])
def test_coworking_passes_vat_included(variant, quantity, incl, excl, vat, units):
    result = quote(COWORKING, ANONYMOUS, quantity, {"variant": variant}, AT)
    line = only_line(result)
    assert (line.incl_cents, line.excl_cents, line.vat_cents, line.units) == (incl, excl, vat, units)
    assert line.prices_include_vat is True
    assert line.unit_price_cents * quantity == incl
    assert (result.total_incl_cents, result.total_excl_cents, result.total_vat_cents) == (incl, excl, vat)


def test_variant_label_is_in_the_description():
    line = only_line(quote(COWORKING, ANONYMOUS, 1, {"variant": "book10_day"}, AT))
    assert line.description == "Coworking La Cantine — Carnet de 10 journées"


@pytest.mark.parametrize("options", [{}, None])
def test_variant_must_be_chosen(options):
    assert refusal("missing_option", COWORKING, ANONYMOUS, 1, options, AT).field == "variant"


def test_variant_must_exist():
    assert refusal("unknown_variant", COWORKING, ANONYMOUS, 1, {"variant": "week"}, AT).field == "variant"


def test_variant_on_an_offer_without_variants_is_refused():
    refusal("unknown_variant", offer(list_price_cents=1000), ANONYMOUS, 1, {"variant": "x"}, AT)


def test_variant_member_price():
    passes = offer(SILICON_SENTIER, "coworking", variants=(Variant("day", "Journée", 1000, 800),))
    line = only_line(quote(passes, member_of(SILICON_SENTIER), 1, {"variant": "day"}, AT))
    assert line.unit_price_cents == 800
    assert line.adjustments[0].code == "member_price"
    assert line.adjustments[0].label_fr == "Tarif adhérent Silicon Sentier"


# ---------------------------------------------------------------------------------------------
# Membership fees

MECABOURG_FEES = offer(
    MECABOURG, "membership", title="Adhésion Mecabourg", vat_rate_bps=None,
    vat_exempt_mention="Cotisation hors champ de la TVA",
    fee_bands=(
        FeeBand("m1", "classic", 0, 4, 69_500, "moins de 5 salariés"),
        FeeBand("m2", "classic", 5, 10, 89_500, "5 à 10 salariés"),
        FeeBand("m3", "classic", 11, 20, 119_500, "11 à 20 salariés"),
        FeeBand("m4", "classic", 21, 30, 149_500, "21 à 30 salariés"),
        FeeBand("m5", "classic", 31, 40, 189_300, "31 à 40 salariés"),
        FeeBand("m6", "classic", 41, 100, 290_000, "41 à 100 salariés"),
        FeeBand("m7", "classic", 101, 500, 480_000, "101 à 500 salariés"),
        FeeBand("m8", "classic", 501, 1000, 720_000, "501 à 1 000 salariés"),
        FeeBand("m9", "classic", 1001, None, 969_800, "plus de 1 000 salariés"),
    ))


def company(headcount, kind="company", **kwargs):
    return BuyerContext(organization_id=7, kind=kind, headcount=headcount, **kwargs)


@pytest.mark.parametrize(("headcount", "fee_cents"), [
    (0, 69_500), (1, 69_500), (4, 69_500),
    (5, 89_500),
    (30, 149_500),
    (31, 189_300), (35, 189_300), (40, 189_300),
    (41, 290_000),
    (1000, 720_000),
    (1001, 969_800), (25_000, 969_800),
])
def test_mecabourg_fee_by_headcount(headcount, fee_cents):
    line = only_line(quote(MECABOURG_FEES, company(headcount), 1, {}, AT))
    assert line.unit_price_cents == line.excl_cents == line.incl_cents == fee_cents
    assert line.vat_rate_bps is None and line.vat_cents == 0
    assert line.vat_exempt_mention == "Cotisation hors champ de la TVA"


EMC2_FEES = offer(
    EMC2, "membership", title="Adhésion EMC2", vat_rate_bps=None,
    fee_bands=(
        FeeBand("partner", "partner", 0, None, 55_000, "Partenaire"),
        FeeBand("discovery", "discovery", 0, None, 19_000, "Découverte"),
        FeeBand("c1", "classic", 0, 19, 19_000, "moins de 20 salariés"),
        FeeBand("c2", "classic", 20, 49, 59_000, "20 à 49 salariés"),
        FeeBand("c3", "classic", 50, 999, 149_000, "50 à 999 salariés"),
        FeeBand("c4", "classic", 1000, 4999, 349_000, "1 000 à 4 999 salariés"),
        FeeBand("c5", "classic", 5000, None, 599_000, "5 000 salariés et plus"),
    ))


@pytest.mark.parametrize(("headcount", "fee_cents"), [
    (0, 19_000), (19, 19_000),
    (20, 59_000), (49, 59_000),
    (50, 149_000), (999, 149_000),
    (1000, 349_000), (4999, 349_000),
    (5000, 599_000), (80_000, 599_000),
])
def test_emc2_classic_thresholds(headcount, fee_cents):
    line = only_line(quote(EMC2_FEES, company(headcount), 1, {"tier": "classic"}, AT))
    assert line.excl_cents == fee_cents


def test_emc2_classic_is_the_default_category():
    line = only_line(quote(EMC2_FEES, company(20), 1, {}, AT))
    assert line.excl_cents == 59_000
    assert line.description == "Adhésion EMC2 — 20 à 49 salariés"


def test_emc2_partner_category_for_service_providers_only():
    line = only_line(quote(EMC2_FEES, company(3, kind="service_provider"), 1, {"category": "partner"}, AT))
    assert line.excl_cents == 55_000
    for buyer in (company(3), company(3, kind="public_body"), ANONYMOUS):
        error = refusal("tier_not_allowed", EMC2_FEES, buyer, 1, {"category": "partner"}, AT)
        assert error.field == "category"


def test_emc2_discovery_once():
    assert only_line(quote(EMC2_FEES, company(12), 1, {"category": "discovery"}, AT)).excl_cents == 19_000
    assert only_line(quote(EMC2_FEES, company(None), 1, {"category": "discovery"}, AT)).excl_cents == 19_000
    again = company(12, had_discovery_before=frozenset({EMC2}))
    refusal("tier_not_allowed", EMC2_FEES, again, 1, {"category": "discovery"}, AT)
    expired_discovery = membership(EMC2, year=2025, status="expired", category="discovery")
    last_year = company(12, memberships=(expired_discovery,))
    refusal("tier_not_allowed", EMC2_FEES, last_year, 1, {"category": "discovery"}, AT)
    elsewhere = company(12, had_discovery_before=frozenset({MECABOURG}))
    assert only_line(quote(EMC2_FEES, elsewhere, 1, {"category": "discovery"}, AT)).excl_cents == 19_000


@pytest.mark.parametrize(("buyer", "options"), [
    (company(None), {"category": "classic"}),      # headcount needed for a banded category
    (company(10), {"category": "premium"}),       # no such category in the grid
])
def test_no_band(buyer, options):
    refusal("no_band", EMC2_FEES, buyer, 1, options, AT)


def test_membership_is_bought_once():
    refusal("bad_quantity", EMC2_FEES, company(10), 2, {}, AT)


def test_overlapping_fee_bands_are_rejected():
    with pytest.raises(ValueError, match="overlapping"):
        offer(kind="membership", fee_bands=(FeeBand("a", "classic", 0, 20, 1, "a"),
                                            FeeBand("b", "classic", 20, None, 2, "b")))


# ---------------------------------------------------------------------------------------------
# Member price: active membership of the owning cluster for the year of `at`

VEILLE = offer(MECABOURG, list_price_cents=100_000, member_price_cents=70_000)


def test_active_member_gets_the_member_price():
    line = only_line(quote(VEILLE, member_of(MECABOURG), 1, {}, AT))
    amounts = (line.unit_price_cents, line.excl_cents, line.vat_cents, line.incl_cents)
    assert amounts == (70_000, 70_000, 14_000, 84_000)
    (adjustment,) = line.adjustments
    assert (adjustment.code, adjustment.amount_cents) == ("member_price", -30_000)
    assert adjustment.label_fr == "Tarif adhérent Mecabourg"
    assert adjustment.label_en == "Mecabourg member rate"


@pytest.mark.parametrize("buyer", [
    ANONYMOUS,
    member_of(MECABOURG, status="pending"),
    member_of(MECABOURG, status="expired"),
    member_of(MECABOURG, status="excluded"),
    member_of(MECABOURG, year=2025),
    member_of(MECABOURG, year=2027),
    member_of(NEOPOLIA),
])
def test_list_price_without_a_current_active_membership(buyer):
    line = only_line(quote(VEILLE, buyer, 1, {}, AT))
    assert line.unit_price_cents == line.excl_cents == 100_000
    assert line.adjustments == ()


def test_member_price_follows_the_year_of_the_quote():
    buyer = member_of(MECABOURG, year=2027)
    assert only_line(quote(VEILLE, buyer, 1, {}, datetime(2027, 1, 1, tzinfo=UTC))).excl_cents == 70_000


def test_discovery_members_and_discovery_scope():
    discovery = member_of(MECABOURG, category="discovery", tier="discovery")
    assert only_line(quote(VEILLE, discovery, 1, {}, AT)).excl_cents == 70_000
    out_of_scope = offer(MECABOURG, list_price_cents=100_000, member_price_cents=70_000,
                         discovery_scope=False)
    assert only_line(quote(out_of_scope, discovery, 1, {}, AT)).excl_cents == 100_000
    assert only_line(quote(out_of_scope, member_of(MECABOURG), 1, {}, AT)).excl_cents == 70_000


def test_member_price_never_above_list():
    odd = offer(list_price_cents=1000, member_price_cents=1200)
    line = only_line(quote(odd, member_of(MECABOURG), 1, {}, AT))
    assert line.unit_price_cents == 1000 and line.adjustments == ()


# ---------------------------------------------------------------------------------------------
# Collective actions: members of the current year only

SALON = offer(MECABOURG, "collective_action", list_price_cents=150_000, members_only=True,
              discovery_scope=False)


def test_collective_action_for_current_members():
    assert only_line(quote(SALON, member_of(MECABOURG), 2, {}, AT)).excl_cents == 300_000


@pytest.mark.parametrize("buyer", [
    ANONYMOUS,
    member_of(MECABOURG, status="expired"),
    member_of(MECABOURG, status="pending"),
    member_of(MECABOURG, year=2025),
    member_of(NEOPOLIA),
    member_of(MECABOURG, category="discovery"),
])
def test_collective_action_refused_to_non_members(buyer):
    error = refusal("members_only", SALON, buyer, 1, {}, AT)
    assert "Mecabourg" in error.message_fr and "2026" in error.message_en


# ---------------------------------------------------------------------------------------------
# Partner reciprocity: never better than a member, best rule for the buyer

SS_SERVICE = offer(SILICON_SENTIER, list_price_cents=100_000, member_discount_bps=3000)
SS_NEOPOLIA_15 = PartnershipTerms(SILICON_SENTIER, NEOPOLIA, "Silicon Sentier", "Neopolia", 1500)


def test_partner_member_gets_reciprocity():
    line = only_line(quote(SS_SERVICE, member_of(NEOPOLIA), 1, {}, AT, [SS_NEOPOLIA_15]))
    assert line.unit_price_cents == 85_000
    (adjustment,) = line.adjustments
    assert (adjustment.code, adjustment.amount_cents) == ("partner_reciprocity", -15_000)
    assert adjustment.label_fr == f"Tarif partenaire (adhérent Neopolia) {MINUS}15{NNBSP}%"
    assert adjustment.label_en == f"Partner rate (Neopolia member) {MINUS}15%"


def test_partnership_is_symmetric():
    reversed_terms = PartnershipTerms(NEOPOLIA, SILICON_SENTIER, "Neopolia", "Silicon Sentier", 1500)
    assert only_line(quote(SS_SERVICE, member_of(NEOPOLIA), 1, {}, AT, [reversed_terms])).excl_cents == 85_000


def test_reciprocity_never_better_than_member_price():
    generous = PartnershipTerms(SILICON_SENTIER, NEOPOLIA, "Silicon Sentier", "Neopolia", 5000)
    line = only_line(quote(SS_SERVICE, member_of(NEOPOLIA), 1, {}, AT, [generous]))
    assert line.unit_price_cents == 70_000
    assert line.adjustments[0].label_fr == (
        "Tarif partenaire (adhérent Neopolia), aligné sur le tarif adhérent Silicon Sentier")


def test_direct_member_price_wins_over_reciprocity():
    line = only_line(quote(SS_SERVICE, member_of(NEOPOLIA, SILICON_SENTIER), 1, {}, AT, [SS_NEOPOLIA_15]))
    assert line.unit_price_cents == 70_000
    assert line.adjustments[0].code == "member_discount"


def test_best_of_several_partnerships():
    soliage_20 = PartnershipTerms(SOLIAGE, SILICON_SENTIER, "Soliage", "Silicon Sentier", 2000)
    buyer = member_of(NEOPOLIA, SOLIAGE)
    line = only_line(quote(SS_SERVICE, buyer, 1, {}, AT, [SS_NEOPOLIA_15, soliage_20]))
    assert line.unit_price_cents == 80_000
    assert line.adjustments[0].params["partner_cluster"] == "Soliage"


@pytest.mark.parametrize(("the_offer", "buyer", "partnerships"), [
    # no member price on the offer: partners pay the list price like members
    (offer(SILICON_SENTIER, list_price_cents=100_000), member_of(NEOPOLIA), [SS_NEOPOLIA_15]),
    (SS_SERVICE, member_of(NEOPOLIA, status="pending"), [SS_NEOPOLIA_15]),
    (SS_SERVICE, member_of(NEOPOLIA, year=2025), [SS_NEOPOLIA_15]),
    (SS_SERVICE, member_of(MECABOURG), [SS_NEOPOLIA_15]),
    (SS_SERVICE, member_of(NEOPOLIA), [PartnershipTerms(MECABOURG, NEOPOLIA, "Mecabourg", "Neopolia", 1500)]),
])
def test_no_reciprocity(the_offer, buyer, partnerships):
    assert only_line(quote(the_offer, buyer, 1, {}, AT, partnerships)).excl_cents == 100_000


# ---------------------------------------------------------------------------------------------
# Included in a membership tier: free, with its real value shown

COACHING = offer(SOLIAGE, list_price_cents=45_000, member_discount_bps=2000,
                 included_in_tiers=frozenset({"premium"}))


def test_included_service_costs_zero_and_shows_its_value():
    buyer = member_of(SOLIAGE, tier="premium", category="premium")
    line = only_line(quote(COACHING, buyer, 1, {}, AT))
    assert (line.unit_price_cents, line.excl_cents, line.vat_cents, line.incl_cents) == (0, 0, 0, 0)
    assert line.real_value_cents == 45_000
    (adjustment,) = line.adjustments
    assert (adjustment.code, adjustment.amount_cents) == ("included_in_tier", -45_000)
    assert adjustment.label_fr == f"Valeur 450,00{NBSP}€ HT, incluse dans votre adhésion Premium"
    assert adjustment.label_en == "Worth €450.00 excl. VAT, included in your Premium membership"


def test_included_value_is_the_line_value_and_uses_the_tier_name():
    buyer = member_of(SOLIAGE, tier="premium", category="premium", tier_name="Premium+")
    line = only_line(quote(COACHING, buyer, 3, {}, AT))
    assert line.real_value_cents == 135_000 and line.incl_cents == 0
    assert line.adjustments[0].label_fr == (
        f"Valeur 1{NNBSP}350,00{NBSP}€ HT, incluse dans votre adhésion Premium+")


@pytest.mark.parametrize(("buyer", "unit"), [
    (member_of(SOLIAGE, tier="premium", category="premium", status="expired"), 45_000),
    (member_of(SOLIAGE, tier="classic"), 36_000),
])
def test_not_included_for_other_tiers_or_lapsed_members(buyer, unit):
    assert only_line(quote(COACHING, buyer, 1, {}, AT)).unit_price_cents == unit


# ---------------------------------------------------------------------------------------------
# Early bird: strictly before `until`, the single best price wins (no stacking)

UNTIL = datetime(2026, 3, 1, tzinfo=UTC)
TICKET = offer(ATLANPACK, "event_ticket", title="VS Pack", list_price_cents=20_000, member_price_cents=15_000,
               early_bird=EarlyBird(UNTIL, discount_bps=1000))


def test_early_bird_before_until():
    line = only_line(quote(TICKET, ANONYMOUS, 2, {}, datetime(2026, 2, 28, 23, 59, tzinfo=UTC)))
    assert line.unit_price_cents == 18_000 and line.excl_cents == 36_000
    (adjustment,) = line.adjustments
    assert (adjustment.code, adjustment.amount_cents) == ("early_bird", -4000)
    assert adjustment.label_fr == f"Tarif inscription anticipée {MINUS}10{NNBSP}%"
    assert adjustment.label_en == f"Early-bird rate {MINUS}10%"


def test_early_bird_ends_at_until():
    assert only_line(quote(TICKET, ANONYMOUS, 1, {}, UNTIL)).unit_price_cents == 20_000


def test_member_price_beats_a_smaller_early_bird():
    line = only_line(quote(TICKET, member_of(ATLANPACK), 1, {}, datetime(2026, 2, 1, tzinfo=UTC)))
    assert line.unit_price_cents == 15_000 and line.adjustments[0].code == "member_price"


def test_a_bigger_early_bird_beats_the_member_price_without_stacking():
    big = offer(ATLANPACK, "event_ticket", list_price_cents=20_000, member_price_cents=15_000,
                early_bird=EarlyBird(UNTIL, discount_bps=4000))
    line = only_line(quote(big, member_of(ATLANPACK), 1, {}, datetime(2026, 2, 1, tzinfo=UTC)))
    assert line.unit_price_cents == 12_000 and [a.code for a in line.adjustments] == ["early_bird"]


def test_early_bird_fixed_price_applies_to_the_base_price_only():
    fixed = offer(ATLANPACK, "event_ticket", list_price_cents=20_000,
                  early_bird=EarlyBird(UNTIL, price_cents=16_000))
    before = datetime(2026, 2, 1, tzinfo=UTC)
    line = only_line(quote(fixed, ANONYMOUS, 1, {}, before))
    assert line.unit_price_cents == 16_000 and line.adjustments[0].label_fr == "Tarif inscription anticipée"
    packs = offer(ATLANPACK, "event_ticket", variants=(Variant("pass3", "Pass 3 jours", 50_000, units=3),),
                  early_bird=EarlyBird(UNTIL, price_cents=16_000))
    assert only_line(quote(packs, ANONYMOUS, 1, {"variant": "pass3"}, before)).unit_price_cents == 50_000


# ---------------------------------------------------------------------------------------------
# VAT per line, quantity, errors, formatting


def test_vat_is_rounded_once_on_the_line_total_not_per_unit():
    line = only_line(quote(offer(list_price_cents=333), ANONYMOUS, 3, {}, AT))
    assert (line.excl_cents, line.vat_cents, line.incl_cents) == (999, 200, 1199)  # per unit: 3 × 67 = 201


def test_vat_half_up_and_reduced_rate():
    line = only_line(quote(offer(list_price_cents=25, vat_rate_bps=1000), ANONYMOUS, 1, {}, AT))
    assert line.vat_cents == 3
    line = only_line(quote(offer(list_price_cents=1000, vat_rate_bps=550), ANONYMOUS, 1, {}, AT))
    assert (line.vat_cents, line.incl_cents) == (55, 1055)


def test_exempt_offer_carries_its_legal_mention():
    franchise = offer(list_price_cents=5000, vat_rate_bps=None, vat_exempt_mention="TVA non applicable, "
                      "art. 293 B du CGI")
    line = only_line(quote(franchise, ANONYMOUS, 1, {}, AT))
    assert (line.vat_cents, line.incl_cents, line.vat_rate_bps) == (0, 5000, None)
    assert line.vat_exempt_mention == "TVA non applicable, art. 293 B du CGI"


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5])
def test_bad_quantity(quantity):
    assert refusal("bad_quantity", VEILLE, ANONYMOUS, quantity, {}, AT).field == "quantity"


def test_pricing_error_has_both_languages():
    error = refusal("members_only", SALON, ANONYMOUS, 1, {}, AT)
    assert error.message_fr.startswith("Réservé aux adhérents Mecabourg")
    assert error.message_en.startswith("Reserved for Mecabourg members")
    assert str(error) == error.message_fr


def test_unknown_error_code_is_a_programming_error():
    with pytest.raises(ValueError):
        PricingError("oops", "x", "y")


def test_quote_totals_must_be_sums_of_lines():
    line = only_line(quote(VEILLE, ANONYMOUS, 1, {}, AT))
    with pytest.raises(ValueError):
        Quote((line, line), 200_000, 40_000, 240_001)
    assert Quote.of([line, line]).total_incl_cents == 240_000


@pytest.mark.parametrize(("cents", "fr", "en"), [
    (0, f"0,00{NBSP}€", "€0.00"),
    (5, f"0,05{NBSP}€", "€0.05"),
    (45_000, f"450,00{NBSP}€", "€450.00"),
    (123_456, f"1{NNBSP}234,56{NBSP}€", "€1,234.56"),
    (123_456_789, f"1{NNBSP}234{NNBSP}567,89{NBSP}€", "€1,234,567.89"),
    (-250, f"{MINUS}2,50{NBSP}€", f"{MINUS}€2.50"),
])
def test_euro_formatting(cents, fr, en):
    assert format_eur_fr(cents) == fr
    assert format_eur_en(cents) == en


@pytest.mark.parametrize("bad", [
    {"member_price_cents": 10, "member_discount_bps": 1000},
    {"member_discount_bps": 10_001},
    {"list_price_cents": -1},
    {"kind": "lottery"},
])
def test_inconsistent_terms_are_rejected(bad):
    with pytest.raises(ValueError):
        offer(**bad)
