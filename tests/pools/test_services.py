"""Closing a month of a pooled cost: allocated to the cent, posted once, provider credited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from marketplace.core.errors import Conflict, Invalid
from marketplace.ledger.models import LedgerTransaction
from marketplace.ledger.services import balance, federation, of_cluster, owed_to
from marketplace.pools.models import PooledCost
from marketplace.pools.services import close_month, record_usage, set_participant

TODAY = date(2026, 12, 5)


def _pool(db, **values):
    defaults = dict(name="Comptable partagé", monthly_cost_cents=400_000, sharing_key="usage",
                    starts_on=date(2026, 1, 1))
    pool = PooledCost(**{**defaults, **values})
    db.add(pool)
    db.flush()
    return pool


def test_a_shared_accountant_is_allocated_by_hours_and_its_employer_credited(app, db, factories):
    with app.test_request_context():
        a, b, c, d = (factories.make_cluster() for _ in range(4))
        pool = _pool(db, provider_cluster_id=a.id)
        for cluster in (a, b, c, d):
            set_participant(db, pool, cluster.id, date(2026, 1, 1), None, None)
        for cluster, hours in ((a, 2000), (b, 1000), (c, 700), (d, 300)):
            record_usage(db, pool, cluster.id, date(2026, 11, 12), hours, "", None)
        rows = close_month(db, pool, "2026-11", TODAY)
        db.commit()
        assert [r.amount_cents for r in rows] == [200_000, 100_000, 70_000, 30_000]
        assert sum(r.amount_cents for r in rows) == pool.monthly_cost_cents
        # The employer bears its own share; the three others pay it through the federation.
        assert balance(db, of_cluster(a.id, "708")) == -200_000 and balance(db, of_cluster(a.id, "467")) == 200_000
        assert [balance(db, of_cluster(x.id, "604")) for x in (b, c, d)] == [100_000, 70_000, 30_000]
        assert balance(db, owed_to(a.id)) == -200_000 and balance(db, owed_to(b.id)) == 100_000
        again = close_month(db, pool, "2026-11", TODAY)
        assert [r.id for r in again] == [r.id for r in rows]
        assert len(db.exec(select(LedgerTransaction)).all()) == 1
        with pytest.raises(Conflict):
            record_usage(db, pool, b.id, date(2026, 11, 20), 100, "", None)


def test_an_outside_supplier_is_owed_by_the_federation_and_a_mid_month_joiner_pays_its_days(app, db, factories):
    with app.test_request_context():
        a, b, c = (factories.make_cluster() for _ in range(3))
        pool = _pool(db, name="Veille", kind="strategic_purchase", supplier_name="Veille SA", sharing_key="equal",
                     monthly_cost_cents=90_001)
        set_participant(db, pool, a.id, date(2026, 1, 1), None, None)
        set_participant(db, pool, b.id, date(2026, 1, 1), None, None)
        set_participant(db, pool, c.id, date(2026, 11, 16), None, None)
        rows = close_month(db, pool, "2026-11", TODAY)
        assert [r.amount_cents for r in rows] == [36_001, 36_000, 18_000]
        assert rows[2].basis == "15/30 j × 1 part"
        assert balance(db, federation("401")) == -90_001
        with pytest.raises(Conflict):  # dates of a month already allocated are not rewritten
            set_participant(db, pool, c.id, date(2026, 11, 1), None, None)


def test_closing_refuses_an_unfinished_month_a_month_without_usage_and_wrong_percentages(app, db, factories):
    with app.test_request_context():
        a, b = factories.make_cluster(), factories.make_cluster()
        pool = _pool(db, provider_cluster_id=a.id)
        set_participant(db, pool, b.id, date(2026, 1, 1), None, None)
        with pytest.raises(Conflict):
            close_month(db, pool, "2026-12", TODAY)
        with pytest.raises(Invalid, match="aucun usage"):
            close_month(db, pool, "2026-11", TODAY)
        fixed = _pool(db, name="Stand partagé", sharing_key="fixed", supplier_name="Salon SAS")
        set_participant(db, fixed, a.id, date(2026, 1, 1), None, 6000)
        set_participant(db, fixed, b.id, date(2026, 1, 1), None, 3000)
        with pytest.raises(Invalid, match="90 %"):
            close_month(db, fixed, "2026-11", TODAY)
        with pytest.raises(Invalid):
            record_usage(db, pool, a.id + b.id + 99, date(2026, 11, 3), 100, "", None)
        assert db.exec(select(LedgerTransaction)).all() == []
