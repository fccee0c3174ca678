"""Membership fees with DOMAIN.md's grids: Mecabourg by headcount, EMC2's categories and thresholds."""

import pytest

from marketplace.memberships.rules import FeeBand, FeeGrid
from tests.pricing.terms import (
    ANONYMOUS,
    AT,
    EMC2,
    MECABOURG,
    SILICON_SENTIER,
    company,
    membership,
    offer,
    only_line,
    quote,
    refusal,
)

MECABOURG_FEES = offer(
    MECABOURG, "membership", title="Adhésion Mecabourg", vat_rate_bps=None,
    vat_exempt_mention="Cotisation hors champ de la TVA",
    kind_terms=FeeGrid((
        FeeBand("m1", "classic", 0, 4, 69_500, "moins de 5 salariés"),
        FeeBand("m2", "classic", 5, 10, 89_500, "5 à 10 salariés"),
        FeeBand("m3", "classic", 11, 20, 119_500, "11 à 20 salariés"),
        FeeBand("m4", "classic", 21, 30, 149_500, "21 à 30 salariés"),
        FeeBand("m5", "classic", 31, 40, 189_300, "31 à 40 salariés"),
        FeeBand("m6", "classic", 41, 100, 290_000, "41 à 100 salariés"),
        FeeBand("m7", "classic", 101, 500, 480_000, "101 à 500 salariés"),
        FeeBand("m8", "classic", 501, 1000, 720_000, "501 à 1 000 salariés"),
        FeeBand("m9", "classic", 1001, None, 969_800, "plus de 1 000 salariés"),
    )))


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
    assert line.vat_exempt_mention == "Cotisation hors champ de la TVA (sans contrepartie individuelle)"


EMC2_FEES = offer(
    EMC2, "membership", title="Adhésion EMC2", vat_rate_bps=None,
    kind_terms=FeeGrid((
        FeeBand("partner", "partner", 0, None, 55_000, "Partenaire"),
        FeeBand("discovery", "discovery", 0, None, 19_000, "Découverte"),
        FeeBand("c1", "classic", 0, 19, 19_000, "moins de 20 salariés"),
        FeeBand("c2", "classic", 20, 49, 59_000, "20 à 49 salariés"),
        FeeBand("c3", "classic", 50, 999, 149_000, "50 à 999 salariés"),
        FeeBand("c4", "classic", 1000, 4999, 349_000, "1 000 à 4 999 salariés"),
        FeeBand("c5", "classic", 5000, None, 599_000, "5 000 salariés et plus"),
    )))


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
    assert line.description == f"Adhésion EMC2 {AT.year} — 20 à 49 salariés"


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
        FeeGrid((FeeBand("a", "classic", 0, 20, 1, "a"), FeeBand("b", "classic", 20, None, 2, "b")))




# Silicon Sentier: companies by turnover, 10 € for individuals (DOMAIN.md)
SILICON_FEES = offer(
    SILICON_SENTIER, "membership", title="Adhésion Silicon Sentier", vat_rate_bps=None,
    kind_terms=FeeGrid((
        FeeBand("individual", "basic", 0, None, 1_000, "Adhésion individuelle"),
        FeeBand("ca-1", "classic", 0, None, 25_000, "CA jusqu'à 500 k€", "turnover", 0, 499_999),
        FeeBand("ca-2", "classic", 0, None, 75_000, "CA de 500 k€ à 5 M€", "turnover", 500_000, 4_999_999),
        FeeBand("ca-3", "classic", 0, None, 200_000, "CA de 5 M€ et plus", "turnover", 5_000_000, None),
        FeeBand("service", "premium", 0, None, 120_000, "Premium avec accompagnement", vat_rate_bps=2000),
    )))


@pytest.mark.parametrize(("turnover", "fee_cents"), [(0, 25_000), (499_999, 25_000), (500_000, 75_000),
                                                      (4_999_999, 75_000), (5_000_000, 200_000)])
def test_silicon_sentier_companies_pay_by_turnover(turnover, fee_cents):
    line = only_line(quote(SILICON_FEES, company(3, turnover_euros=turnover), 1, {}, AT))
    assert line.excl_cents == fee_cents and line.vat_cents == 0


def test_individuals_pay_ten_euros_and_a_turnover_is_needed_for_companies():
    assert only_line(quote(SILICON_FEES, company(0, kind="individual"), 1, {"category": "basic"}, AT)).excl_cents \
        == 1_000
    assert refusal("no_band", SILICON_FEES, company(3), 1, {}, AT).field == "turnover"


def test_a_visitor_joining_declares_its_size_and_kind():
    visitor = ANONYMOUS
    assert only_line(quote(SILICON_FEES, visitor, 1, {"turnover": 800_000}, AT)).excl_cents == 75_000
    assert only_line(quote(EMC2_FEES, visitor, 1, {"headcount": 60}, AT)).excl_cents == 149_000
    provider = {"category": "partner", "kind": "service_provider"}
    assert only_line(quote(EMC2_FEES, visitor, 1, provider, AT)).excl_cents == 55_000
    # an organization's own size is the one that counts, whatever is declared
    assert only_line(quote(EMC2_FEES, company(3), 1, {"headcount": 60}, AT)).excl_cents == 19_000


def test_a_fee_is_outside_vat_unless_its_tier_buys_a_service():
    service = only_line(quote(SILICON_FEES, company(3), 1, {"category": "premium"}, AT))
    assert (service.excl_cents, service.vat_rate_bps, service.vat_cents, service.incl_cents) == (
        120_000, 2000, 24_000, 144_000)
    assert service.vat_exempt_mention is None


def test_bands_of_a_category_measure_one_thing():
    with pytest.raises(ValueError, match="mix"):
        FeeGrid((FeeBand("a", "classic", 0, 9, 1, "a"), FeeBand("b", "classic", 0, None, 2, "b", "turnover", 10, None)))


def test_a_fee_is_for_this_year_or_next_year_only():
    assert only_line(quote(EMC2_FEES, company(20), 1, {"year": AT.year + 1}, AT)).description.startswith(
        f"Adhésion EMC2 {AT.year + 1} —")
    for year in (AT.year - 1, AT.year + 2, "2027", True):
        assert refusal("bad_year", EMC2_FEES, company(20), 1, {"year": year}, AT).field == "year"
