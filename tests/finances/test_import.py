"""Importing budget lines from CSV: simulated first, every bad line reported, nothing written unless all are good;
the budget exported from the console imports back as it is."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from marketplace.finances.importing import export_budget, import_budget
from marketplace.finances.models import Budget, BudgetLine
from tests.admin.test_permissions import snapshot
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD

GOOD = ("annee;scenario;origine;montant\n"
        "2013;prévu;region;50 000\n2013;prévu;Intercommunalités et agglomérations;50000,00\n"
        "2013;prévu;department;60000\n2013;prévu;membership_fees;95 000\n2013;prévu;collective_actions;35000\n"
        "2013;réalisé;region;48000\n")
BAD = ("annee;scenario;origine;montant\n"
       "2013;prévu;region;50 000\n"
       "13;prévu;region;1\n"
       "2013;budget;region;1\n"
       "2013;prévu;loterie;1\n"
       "2013;prévu;state;-5\n"
       "2013;prévu;state;12,345\n"
       "2013;prévu;region;3\n"
       "2013;prévu;state;=1+1\n")


@pytest.fixture()
def cluster(factories):
    return factories.make_cluster(slug="mecabourg", name="Mecabourg")


def test_bad_lines_are_each_reported_and_nothing_is_imported(app, db, cluster):
    before = snapshot(db)
    with app.test_request_context():
        report = import_budget(db, cluster, BAD, dry_run=False)
    db.commit()
    assert [line for line, _message in report.errors] == [3, 4, 5, 6, 7, 8, 9]
    messages = dict(report.errors)
    assert "année" in messages[3] and "scénario" in messages[4] and "loterie" in messages[5]
    assert "hors limites" in messages[6] and "illisible" in messages[7] and "ligne 2" in messages[8]
    assert not report.written and snapshot(db) == before


def test_a_simulation_shows_the_changes_and_writes_nothing(app, db, cluster):
    before = snapshot(db)
    with app.test_request_context():
        report = import_budget(db, cluster, GOOD, dry_run=True)
    db.commit()
    assert not report.errors and len(report.lines) == 6 and not report.written
    assert report.lines[1].origin == "intercommunality" and report.lines[1].cents == 5_000_000
    assert snapshot(db) == before


def test_an_import_sets_the_lines_and_the_export_reads_back(app, db, cluster):
    with app.test_request_context():
        report = import_budget(db, cluster, GOOD, dry_run=False)
        db.commit()
        assert report.written
        exported = export_budget(db, cluster, 2013).decode("utf-8-sig")
        assert "2013;prévu;Ressources publiques;region;Région;50000,00;0,00;50000,00" in exported
        again = import_budget(db, cluster, exported, dry_run=False)
        db.commit()
    assert not again.errors and all(line.before_cents == line.cents for line in again.lines)
    db.rollback()
    budget = db.exec(select(Budget).where(Budget.cluster_id == cluster.id)).one()
    lines = {(line.scenario, line.origin): line.amount_cents
             for line in db.exec(select(BudgetLine).where(BudgetLine.budget_id == budget.id))}
    assert lines[("forecast", "membership_fees")] == 9_500_000 and lines[("actual", "region")] == 4_800_000
    assert len(lines) == 6


@pytest.mark.parametrize("text,reason", [("nom;montant\nx;1\n", "colonnes manquantes"),
                                         ("annee;scenario;origine;montant\n" + "2013;prévu;region;1\n" * 2001,
                                          "au plus")])
def test_a_file_of_the_wrong_shape_is_refused_whole(app, db, cluster, text, reason):
    with app.test_request_context():
        report = import_budget(db, cluster, text, dry_run=False)
    assert report.errors and reason in report.errors[0][1] and not report.written


def test_the_import_page_reports_errors_and_keeps_nothing(client, db, cluster, factories):
    admin = factories.make_staff(cluster, "admin", email="direction@mecabourg.fr")
    login(client, admin.email, PASSWORD)
    before = snapshot(db)
    response = client.post("/console/clusters/mecabourg/finances/import", data={
        "csrf_token": csrf_token(client, "/console/clusters/mecabourg/finances/import"),
        "file": (io.BytesIO(BAD.encode()), "budget.csv")})
    assert response.status_code == 422
    assert "Fichier refusé" in response.get_data(as_text=True) and snapshot(db) == before
    response = client.post("/console/clusters/mecabourg/finances/import", data={
        "csrf_token": csrf_token(client, "/console/clusters/mecabourg/finances/import"),
        "file": (io.BytesIO(b"\xff\xfe bad"), "budget.csv")})
    assert response.status_code == 422 and "UTF-8" in response.get_data(as_text=True)
    response = client.post("/console/clusters/mecabourg/finances/import", data={
        "csrf_token": csrf_token(client, "/console/clusters/mecabourg/finances/import"),
        "file": (io.BytesIO(GOOD.encode()), "budget.csv")})
    assert response.status_code == 303 and response.headers["Location"].endswith("year=2013")
