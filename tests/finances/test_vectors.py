"""The seed's worked examples come out of the product: ratios, alarms, a budget that does not add up, history."""

from __future__ import annotations

import pytest

from marketplace.demo_finances import load_demo_finances
from marketplace.finances.ratios import Figures, break_even
from marketplace.finances.services import history, year_view
from tests.conftest import login
from tests.factories import PASSWORD

SLUGS = ("cosmetic-valley", "mecabourg", "neopolia", "eco-energies", "atlanpack", "plab")


@pytest.fixture()
def seed(app, db, factories):
    with app.test_request_context():
        clusters = {slug: factories.make_cluster(slug=slug, name=slug.replace("-", " ").title()) for slug in SLUGS}
        load_demo_finances(db, clusters, 2026)
        db.commit()
        return clusters


def _view(app, db, cluster, year=2013):
    with app.test_request_context():
        return year_view(db, cluster, year)


def test_cosmetic_valley_2013_is_49_8_percent_self_financed(app, db, seed):
    view = _view(app, db, seed["cosmetic-valley"])
    figures = view.headline
    assert figures.resources == 216_950_000 and figures.public == 108_950_000 and figures.private == 108_000_000
    assert figures.gross_ratio == 498 and figures.net_ratio == 498 and figures.balances
    assert view.reconciles is True  # published "50 %"
    assert [alarm.code for alarm, _share in figures.alarms()] == ["fees"]  # 9,2 %: what collective awareness?


def test_mecabourg_2013_is_44_8_percent_self_financed(app, db, seed):
    figures = _view(app, db, seed["mecabourg"]).headline
    assert figures.resources == 29_000_000 and figures.gross_ratio == 448 and figures.balances
    assert [(alarm.code, share) for alarm, share in figures.alarms()] == [("sales", 121)]  # 35 000 of 290 000


def test_neopolia_2013_is_50_percent_gross_counting_valued_time(app, db, seed):
    view = _view(app, db, seed["neopolia"])
    figures = view.headline
    assert figures.resources == 122_700_000 and figures.in_kind == 25_000_000
    assert figures.gross_ratio == 513 and view.declared_ratio == 500 and view.reconciles is True
    assert figures.net_ratio == 389  # without the valued time, on both sides
    assert ("company_time", 204) in [(alarm.code, share) for alarm, share in figures.alarms()]


def test_eco_energies_2013_is_flagged_and_its_35_percent_not_reconcilable(app, db, seed):
    view = _view(app, db, seed["eco-energies"])
    figures = view.headline
    assert (figures.resources, figures.expenses) == (72_000_000, 62_000_000) and not figures.balances
    assert figures.balance_cents == 10_000_000
    assert view.declared_ratio == 350 and view.reconciles is False
    with app.test_request_context():
        points = history(db, seed["eco-energies"])
    assert [(p.year, p.ratio, p.members) for p in points] == [(2010, 250, 170), (2011, 250, 200), (2012, 300, 210),
                                                              (2013, 350, 220)]
    assert [p.reconciles for p in points] == [None, None, None, False]


def test_the_dashboard_shows_the_vectors_and_flags(app, client, db, seed, factories):
    admin = factories.make_user("plateforme@federation.fr", is_platform_admin=True)
    login(client, admin.email, PASSWORD)
    cosmetic = client.get("/console/clusters/cosmetic-valley/finances?year=2013").get_data(as_text=True)
    assert "49,8\u202f%" in cosmetic and "Quelle conscience collective ?" in cosmetic
    eco = client.get("/console/clusters/eco-energies/finances?year=2013").get_data(as_text=True)
    assert "Budget déséquilibré" in eco and "Non conciliable" in eco and "100\u202f000,00\u00a0€" in eco
    for ratio in ("25,0", "30,0", "35,0"):
        assert f"{ratio}\u202f%" in eco
    neopolia = client.get("/console/clusters/neopolia/finances?year=2013").get_data(as_text=True)
    assert "51,3\u202f%" in neopolia and "Concorde avec les chiffres" in neopolia and "Est-ce raisonnable ?" in neopolia


def test_the_dashboard_speaks_english(client, seed, factories):
    staff = factories.make_staff(seed["mecabourg"], "manager", email="team@mecabourg.fr", language="en")
    login(client, staff.email, PASSWORD)
    english = client.get("/console/clusters/mecabourg/finances?year=2013").get_data(as_text=True)
    assert "44.8\u202f%" in english and "What added value?" in english
    assert "Invoiced sales under 20\u202f% of the budget" in english


def test_plab_collective_action_breaks_even_with_its_75_percent_fund(app, db, seed):
    """PLAB: one price for every member, the public fund deducted; within category C's cap for its scheme."""
    from marketplace.finances.actions import action_results

    view = _view(app, db, seed["plab"], 2026)
    with app.test_request_context():
        (result,) = action_results(db, view.budget, view.ledger)
    assert result.cost_cents == 40 * 5_000 + 1_800_000 and result.action.subsidy_cents == 1_500_000
    assert result.public_share == 750 and result.cap == 750 and not result.over_cap
    assert result.price_cents == 40_000 and result.break_even == 13  # 5 000 € left, 400 € a participant
    assert result.margin_cents == -500_000


def test_ratios_and_break_even_edges():
    assert Figures({}).gross_ratio is None and Figures({}).alarms() == []
    assert Figures({"region": 1, "membership_fees": 2}).gross_ratio == 667
    assert break_even(1_000, 1_000, 100) == 0 and break_even(1_001, 0, 100) == 11 and break_even(5, 0, None) is None
