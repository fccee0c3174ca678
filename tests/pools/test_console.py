"""Pooled costs in the console: the federation sets one up and adds participants, each cluster records its own
usage, the month is previewed, then allocated once."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from marketplace.ledger.rules import month_of, next_month
from marketplace.pools.models import PoolAllocation, PooledCost
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/console/")})


def _switch(client, email: str) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/console/")})
    login(client, email, PASSWORD)


def test_a_pooled_cost_set_up_used_previewed_and_allocated(app, client, db, factories):
    with app.test_request_context():
        a = factories.make_cluster(slug="alpha", name="Alpha")
        b = factories.make_cluster(slug="beta", name="Beta")
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        staff_b = factories.make_staff(b, "manager", email="gestion@beta.fr")
    login(client, admin.email, PASSWORD)
    response = _post(client, "/console/pools", dict(
        name="Graphiste partagée", kind="shared_function", provider=str(a.id), monthly_cost="1 000,01",
        sharing_key="usage", usage_unit="hours", starts_on="2026-10-01"))
    assert response.status_code == 303
    pool = db.exec(select(PooledCost)).one()
    for cluster in (a, b):
        assert _post(client, f"/console/pools/{pool.id}/participants", {"p-cluster_id": str(cluster.id),
                                                                       "p-joined_on": "2026-10-01"}).status_code == 303
    _switch(client, staff_b.email)
    usage = f"/console/pools/{pool.id}/usage"
    assert _post(client, usage, {"u-cluster_id": str(b.id), "u-day": "2026-10-09", "u-quantity": "-2"}
                 ).status_code == 422
    # (another cluster's usage is not among Beta's choices)
    assert _post(client, usage, {"u-cluster_id": str(a.id), "u-day": "2026-10-09", "u-quantity": "5"}
                 ).status_code == 422
    assert _post(client, usage, {"u-cluster_id": str(b.id), "u-day": "2026-10-09", "u-quantity": "7,5"}
                 ).status_code == 303
    assert _post(client, f"/console/pools/{pool.id}/close?period=2026-10", {}).status_code == 403
    _switch(client, admin.email)
    assert _post(client, usage, {"u-cluster_id": str(a.id), "u-day": "2026-10-20", "u-quantity": "2,5"}
                 ).status_code == 303
    page = client.get(f"/console/pools/{pool.id}?period=2026-10").get_data(as_text=True)
    assert "750,01" in page and "250,00" in page  # preview: 7,5 h and 2,5 h of 1 000,01 €

    assert _post(client, f"/console/pools/{pool.id}/close?period=2026-10", {}).status_code == 303
    db.rollback()
    assert sorted(r.amount_cents for r in db.exec(select(PoolAllocation))) == [25_000, 75_001]
    late = _post(client, usage, {"u-cluster_id": str(a.id), "u-day": "2026-10-21", "u-quantity": "1"})
    assert late.status_code == 422 and "déjà réparti" in late.get_data(as_text=True)

    # Months run from the pool's first to this one; each sees the posting it may follow.
    [posting] = {r.transaction_id for r in db.exec(select(PoolAllocation))}
    page = client.get(f"/console/pools/{pool.id}?period=2026-10").get_data(as_text=True)
    assert "period=2026-09" not in page and "period=2026-11" in page
    assert f'href="/console/ledger?transaction={posting}"' in page
    this_month = month_of(date.today())
    assert f"period={next_month(this_month)}" not in client.get(
        f"/console/pools/{pool.id}?period={this_month}").get_data(as_text=True)
    _switch(client, staff_b.email)
    page = client.get(f"/console/pools/{pool.id}?period=2026-10").get_data(as_text=True)
    link = f"/console/ledger?cluster=beta&amp;transaction={posting}"
    assert link in page and f'href="/console/ledger?transaction={posting}"' not in page
    assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_a_pool_refused_by_its_rules_is_shown_beside_its_fields(app, client, db, factories):
    with app.test_request_context():
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
    login(client, admin.email, PASSWORD)
    response = _post(client, "/console/pools", dict(
        name="Veille", kind="strategic_purchase", provider="0", supplier_name="", monthly_cost="300",
        sharing_key="equal", usage_unit="hours", starts_on="2026-10-01", ends_on="2026-09-30"))
    assert response.status_code == 422
    assert "Nommez le fournisseur extérieur" in response.get_data(as_text=True)
    response = _post(client, "/console/pools", dict(
        name="Veille", kind="strategic_purchase", provider="0", supplier_name="Veille SA", monthly_cost="300",
        sharing_key="equal", usage_unit="hours", starts_on="2026-10-01", ends_on="2026-09-30"))
    assert response.status_code == 422 and "La fin précède le début." in response.get_data(as_text=True)
    db.rollback()
    assert db.exec(select(PooledCost)).all() == []


def test_a_month_that_cannot_be_allocated_is_refused_on_the_pool_page(app, client, db, factories):
    with app.test_request_context():
        a = factories.make_cluster(slug="alpha", name="Alpha")
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
    login(client, admin.email, PASSWORD)
    _post(client, "/console/pools", dict(name="Veille", kind="strategic_purchase", provider="0",
                                         supplier_name="Veille SA", monthly_cost="300", sharing_key="usage",
                                         usage_unit="hours", starts_on="2026-10-01"))
    pool = db.exec(select(PooledCost)).one()
    _post(client, f"/console/pools/{pool.id}/participants", {"p-cluster_id": str(a.id), "p-joined_on": "2026-10-01"})
    response = _post(client, f"/console/pools/{pool.id}/close?period=2026-10", {})
    assert response.status_code == 422 and "aucun usage enregistré" in response.get_data(as_text=True)
    db.rollback()
    assert db.exec(select(PoolAllocation)).all() == []
