"""The finances pages: the budget form, actions, the federation's view, the board's report and the CSV files."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import select

from marketplace.finances.models import Budget, BudgetAction, BudgetLine
from tests.admin.test_permissions import snapshot
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD

BUDGET = "/console/clusters/plab/finances/2026/budget"


@pytest.fixture()
def plab(factories):
    cluster = factories.make_cluster(slug="plab", name="PLAB")
    other = factories.make_cluster(slug="soliage", name="Soliage")
    offer = factories.make_offer(cluster, kind="collective_action", list_price_cents=48_000, member_price_cents=40_000)
    foreign = factories.make_offer(other, kind="service")
    admin = factories.make_staff(cluster, "admin", email="direction@plab.fr")
    return cluster, other, offer, foreign, admin


def _post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/console/")})


def test_the_budget_form_saves_each_line_and_shows_it_back(client, db, plab):
    login(client, plab[4].email, PASSWORD)
    response = _post(client, BUDGET, {"forecast_region": "150 000", "forecast_membership_fees": "120000,50",
                                      "actual_region": "75000", "forecast_operations": "270000,50",
                                      "declared_ratio": "44,4", "hourly_cost": "50", "members": "210"})
    assert response.status_code == 303
    budget = db.exec(select(Budget)).one()
    assert (budget.declared_ratio_permille, budget.hourly_cost_cents, budget.members) == (444, 5_000, 210)
    lines = {(x.scenario, x.origin): x.amount_cents for x in db.exec(select(BudgetLine))}
    assert lines == {("forecast", "region"): 15_000_000, ("forecast", "membership_fees"): 12_000_050,
                     ("actual", "region"): 7_500_000, ("forecast", "operations"): 27_000_050}
    page = client.get(BUDGET).get_data(as_text=True)
    assert 'value="120000,50"' in page and 'value="44,4"' in page
    dashboard = client.get("/console/clusters/plab/finances?year=2026").get_data(as_text=True)
    assert "44,4\u202f%" in dashboard and "44,4\u202f%" in dashboard  # 120 000,50 of 270 000,50
    # clearing a field removes its line
    assert _post(client, BUDGET, {"forecast_region": "150000", "forecast_operations": "270000,50"}).status_code == 303
    db.rollback()
    assert {(x.scenario, x.origin) for x in db.exec(select(BudgetLine))} == {("forecast", "region"),
                                                                             ("forecast", "operations")}


@pytest.mark.parametrize("data,message", [({"forecast_region": "beaucoup"}, "Nombre invalide"),
                                          ({"forecast_region": "-10"}, "Montant positif"),
                                          ({"actual_events": "200000000"}, "100 000 000"),
                                          ({"declared_ratio": "120"}, "de 0 à 100")])
def test_bad_budget_input_is_told_and_changes_nothing(client, db, plab, data, message):
    login(client, plab[4].email, PASSWORD)
    before = snapshot(db)
    response = _post(client, BUDGET, data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_an_action_shows_its_cost_margin_cap_and_break_even(client, db, plab):
    cluster, _other, offer, foreign, admin = plab
    login(client, admin.email, PASSWORD)
    _post(client, BUDGET, {"hourly_cost": "50"})
    response = _post(client, "/console/clusters/plab/finances/2026/actions", {
        "name": "Stand collectif", "category": "C", "public_cap": "50", "offer_id": str(offer.id),
        "staff_hours": "40", "direct_costs": "18000", "subsidy": "15000"})
    assert response.status_code == 303
    page = client.get("/console/clusters/plab/finances?year=2026").get_data(as_text=True)
    assert "20\u202f000,00\u00a0€" in page and "-5\u202f000,00\u00a0€" in page  # cost, net cost
    assert "au-delà du plafond de 50,0\u202f%" in page and "13 participants" in page  # 5 000 € / 400 €
    before = snapshot(db)
    for bad, message in (({"name": "", "category": "C"}, "Nommez l&#39;action."),
                         ({"name": "X", "category": "Z"}, "Catégorie de mission"),
                         ({"name": "X", "category": "A", "offer_id": str(foreign.id)}, "Offre vendue"),
                         ({"name": "X", "category": "A", "subsidy": "-1"}, "Montant positif")):
        told = client.post("/console/clusters/plab/finances/2026/actions", follow_redirects=True,
                           data={**bad, "csrf_token": csrf_token(client, "/console/")}).get_data(as_text=True)
        assert "flash-error" in told and message in told, message
    assert snapshot(db) == before
    action = db.exec(select(BudgetAction)).one()
    assert _post(client, f"/console/clusters/plab/finances/2026/actions/{action.id}/delete", {}).status_code == 303
    db.rollback()
    assert db.exec(select(BudgetAction)).all() == []


def test_the_federation_view_is_the_platform_admins_and_staff_see_their_own(client, db, plab, factories):
    cluster, other, *_rest, admin = plab
    login(client, admin.email, PASSWORD)
    assert client.get("/console/finances").headers["Location"].endswith("/console/clusters/plab/finances")
    assert client.get("/console/clusters/soliage/finances").status_code == 403
    assert client.get("/console/finances/2026.csv").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/console/")})
    platform = factories.make_user("plateforme@federation.fr", is_platform_admin=True)
    login(client, platform.email, PASSWORD)
    page = client.get("/console/finances?year=2026").get_data(as_text=True)
    assert "PLAB" in page and "Soliage" in page
    exported = client.get("/console/finances/2026.csv").get_data(as_text=True)
    assert exported.count("\n") == 3 and "PLAB;2026" in exported


def test_the_annual_report_tells_the_board_the_figures(client, db, plab):
    login(client, plab[4].email, PASSWORD)
    _post(client, BUDGET, {"forecast_region": "600000", "forecast_other_private": "170000",
                           "forecast_operations": "620000", "declared_ratio": "35", "members": "220"})
    response = client.get("/console/clusters/plab/finances/2026/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Rapport financier 2026", "Région", "22,1 % brut", "Budget déséquilibré", "NON CONCILIABLE",
                     "quelle conscience collective ?", "Historique"):
        assert expected in text.replace("\u202f", " ").replace("\xa0", " "), expected
