"""Pricing rules with DOMAIN.md's figures: coworking passes, member prices, reciprocity, early bird, VAT."""

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.core.errors import PricingError
from marketplace.core.money import format_eur_en, format_eur_fr
from marketplace.pricing.quotes import Quote
from marketplace.pricing.terms import EarlyBird, PartnershipTerms, Variant
from tests.pricing.terms import (
    ANONYMOUS,
    AT,
    ATLANPACK,
    MECABOURG,
    MINUS,
    NBSP,
    NEOPOLIA,
    NNBSP,
    SILICON_SENTIER,
    SOLIAGE,
    WEDNESDAY,
    member_of,
    offer,
    only_line,
    quote,
    refusal,
)

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
    result = quote(COWORKING, ANONYMOUS, quantity, {"variant": variant, "date": WEDNESDAY}, AT)
    line = only_line(result)
    assert (line.incl_cents, line.excl_cents, line.vat_cents, line.units) == (incl, excl, vat, units)
    assert line.prices_include_vat is True
    assert line.unit_price_cents * quantity == incl
    assert (result.total_incl_cents, result.total_excl_cents, result.total_vat_cents) == (incl, excl, vat)


def test_variant_label_is_in_the_description():
    line = only_line(quote(COWORKING, ANONYMOUS, 1, {"variant": "book10_day"}, AT))
    assert line.description == "Coworking La Cantine — Carnet de 10 journées"


def test_a_single_pass_is_for_a_day_to_come_a_book_for_no_day():
    line = only_line(quote(COWORKING, ANONYMOUS, 1, {"variant": "day", "date": WEDNESDAY}, AT))
    assert line.description == "Coworking La Cantine — Journée, 02/12/2026"
    assert refusal("missing_option", COWORKING, ANONYMOUS, 1, {"variant": "half_day"}, AT).field == "date"
    past = refusal("past", COWORKING, ANONYMOUS, 1, {"variant": "day", "date": AT.date() - timedelta(days=1)}, AT)
    assert past.field == "date"
    today = only_line(quote(COWORKING, ANONYMOUS, 1, {"variant": "day", "date": AT.date()}, AT))
    assert today.incl_cents == 1000
    book = only_line(quote(COWORKING, ANONYMOUS, 1, {"variant": "book10_day", "date": AT.date() - timedelta(days=9)},
                           AT))
    assert book.units == 10  # a book is used later, any day: its date is not asked

@pytest.mark.parametrize("options", [{}, None])
def test_variant_must_be_chosen(options):
    assert refusal("missing_option", COWORKING, ANONYMOUS, 1, options, AT).field == "variant"


def test_variant_must_exist():
    assert refusal("unknown_variant", COWORKING, ANONYMOUS, 1, {"variant": "week"}, AT).field == "variant"


def test_variant_on_an_offer_without_variants_is_refused():
    refusal("unknown_variant", offer(list_price_cents=1000), ANONYMOUS, 1, {"variant": "x"}, AT)


def test_variant_member_price():
    passes = offer(SILICON_SENTIER, "coworking", variants=(Variant("day", "Journée", 1000, 800),))
    line = only_line(quote(passes, member_of(SILICON_SENTIER), 1, {"variant": "day", "date": WEDNESDAY}, AT))
    assert line.unit_price_cents == 800
    assert line.adjustments[0].code == "member_price"
    assert line.adjustments[0].label_fr == "Tarif adhérent Silicon Sentier"


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
