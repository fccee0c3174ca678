"""The demo federation's last month: pooled costs allocated to the cent, a co-produced trade show's
sales split, every statement balanced and every FEC file in the legal format."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from marketplace.clusters.models import Cluster
from marketplace.demo import DEMO_PASSWORD, load_demo
from marketplace.ledger.models import LedgerAccount, LedgerLine
from marketplace.ledger.services import balance, of_cluster, owed_to
from marketplace.pools.models import PoolAllocation, PooledCost
from marketplace.settlements.models import Settlement
from marketplace.settlements.services import figures, statements
from tests.conftest import login
from tests.ledger.fec_format import check_fec

TODAY = date(2026, 11, 27)
MONTH = "2026-10"


@pytest.fixture()
def demo(app, db):
    with app.test_request_context():
        load_demo(db, today=TODAY)
        db.commit()
    return {c.slug: c for c in db.exec(select(Cluster))}


def _allocations(db, name: str) -> dict[str, int]:
    pool = db.exec(select(PooledCost).where(PooledCost.name == name)).one()
    rows = db.exec(select(PoolAllocation, Cluster).join(Cluster, Cluster.id == PoolAllocation.cluster_id)
                   .where(PoolAllocation.pooled_cost_id == pool.id, PoolAllocation.period == MONTH)).all()
    return {cluster.slug: allocation.amount_cents for allocation, cluster in rows}


def test_the_veille_and_the_shared_accountant_are_allocated_to_the_cent(db, demo):
    veille = _allocations(db, "Veille composites et matériaux")
    assert veille == {"emc2": 33_333, "neopolia": 33_334, "atlanpack": 33_333}  # 1 000,00 € in three
    accountant = _allocations(db, "Comptable partagé (mi-temps)")
    assert set(accountant) == {"mecabourg", "eco-energies", "soliage", "plab"}
    assert sum(accountant.values()) == 385_000
    hours = {"mecabourg": 3150, "eco-energies": 2400, "soliage": 1775, "plab": 1800}
    for slug, cents in accountant.items():  # each within a cent of its exact share of the hours
        assert abs(cents * 9125 - 385_000 * hours[slug]) < 9125
    # The accountant's employer is paid by the three others; the veille's supplier is owed by the federation.
    assert balance(db, of_cluster(demo["mecabourg"].id, "708")) == -(385_000 - accountant["mecabourg"])
    graphic = _allocations(db, "Graphiste partagée")
    assert sum(graphic.values()) == 240_000 and graphic["cosmetic-valley"] < graphic["plab"]  # joined mid-month


def test_the_co_produced_trade_show_sales_are_split(db, demo):
    atlanpack, neopolia = demo["atlanpack"], demo["neopolia"]
    s_atlanpack = statements(db, MONTH, atlanpack.id)[atlanpack.id]
    s_neopolia = statements(db, MONTH, neopolia.id)[neopolia.id]
    sales = {row["code"]: row["cents"] for row in s_atlanpack.rows if row["kind"] == "sale"}
    neo_sales = {row["code"]: row["cents"] for row in s_neopolia.rows if row["kind"] == "sale"}
    # Neopolia co-owns 20 % of the show; the platform keeps 3 % (their partnership's fee); Atlanpack the rest.
    total_excl = sales["706"] + neo_sales["706"]
    assert abs(neo_sales["706"] * 10_000 - total_excl * 2000) < 10_000
    assert -sales["622"] == pytest.approx(total_excl * 0.03, abs=1)
    assert "44571" in sales and "44571" not in neo_sales  # VAT stays with the issuer


def test_every_statement_balances_and_matches_the_ledger(db, demo):
    settlements = db.exec(select(Settlement).where(Settlement.period == MONTH)).all()
    assert len(settlements) == 9
    for settlement in settlements:
        frozen = figures(settlement)
        assert frozen.balances and frozen.closing_cents == frozen.opening_cents + frozen.rows_total_cents
        assert statements(db, MONTH, settlement.cluster_id)[settlement.cluster_id].rows == frozen.rows
        later = _moved_after(db, of_cluster(settlement.cluster_id, "467"), MONTH)  # this month's fees paid
        claim = balance(db, of_cluster(settlement.cluster_id, "467")) - later
        owed = balance(db, owed_to(settlement.cluster_id)) - _moved_after(db, owed_to(settlement.cluster_id), MONTH)
        assert claim == settlement.closing_cents == -owed


def _moved_after(db, key: str, period: str) -> int:
    """Debits minus credits of an account in the settlement months after `period` (still open)."""
    return int(db.exec(select(func.coalesce(func.sum(LedgerLine.debit_cents - LedgerLine.credit_cents), 0))
                       .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
                       .where(LedgerAccount.key == key, LedgerLine.period > period)).one())


def test_every_cluster_fec_passes_the_format_test(client, db, demo):
    assert login(client, "admin@federation-clusters.fr", DEMO_PASSWORD).status_code == 303
    for cluster in demo.values():
        response = client.get(f"/console/clusters/{cluster.slug}/fec/2026")
        assert response.status_code == 200
        assert len(check_fec(response.data)) > 0


def test_loading_the_demo_again_changes_no_money(app, db, demo):
    count = db.exec(select(func.count()).select_from(LedgerLine)).one()
    with app.test_request_context():
        load_demo(db, today=TODAY)
        db.commit()
    assert db.exec(select(func.count()).select_from(LedgerLine)).one() == count
