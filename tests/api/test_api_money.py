"""Statements and pooled-cost usage through the API; every response matches the OpenAPI document."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from marketplace.payments.services import record_manual_payment
from marketplace.pools.models import PooledCost, PoolUsage
from marketplace.pools.services import set_participant
from marketplace.settlements.services import close_period
from tests.admin.test_permissions import snapshot
from tests.api.test_api import check, spec  # noqa: F401
from tests.api.test_api_orders import _token

STATEMENT = "/api/v1/clusters/{slug}/statements/{period}"
USAGE = "/api/v1/pools/{pool_id}/usage"


def test_a_cluster_reads_its_closed_statement_and_not_another_one(app, client, db, factories, spec):  # noqa: F811
    with app.test_request_context():
        a, _beta = factories.make_cluster(slug="alpha"), factories.make_cluster(slug="beta")
        admin = factories.make_user(is_platform_admin=True)
        order = factories.make_order(factories.make_offer(a, list_price_cents=10_000))
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 10, 4), admin.id)
        close_period(db, "2026-10", date(2026, 11, 27))
        db.commit()
    headers = _token(app, db, factories.make_staff(a, "manager", email="api@alpha.fr"))
    body = check(spec, STATEMENT, "get", client.get("/api/v1/clusters/alpha/statements/2026-10", headers=headers))
    assert body["closed"] and body["closing_cents"] == 12_000 and body["payout_status"] == "pending"
    assert {(r["kind"], r["account"], r["amount_cents"]) for r in body["rows"]} == {("sale", "706", 10_000),
                                                                                  ("sale", "44571", 2_000)}
    assert body["opening_cents"] + sum(r["amount_cents"] for r in body["rows"]) == body["closing_cents"]
    entries = client.get(body["rows"][0]["entries_url"].replace("http://localhost", ""), headers=headers)
    assert entries.status_code == 200 and entries.mimetype == "text/csv"
    running = check(spec, STATEMENT, "get", client.get("/api/v1/clusters/alpha/statements/2026-11", headers=headers))
    assert not running["closed"] and running["opening_cents"] == 12_000 and running["rows"] == []
    assert check(spec, STATEMENT, "get", client.get("/api/v1/clusters/beta/statements/2026-10",
                                                    headers=headers)).get("error")
    assert client.get("/api/v1/clusters/alpha/statements/2026-13", headers=headers).status_code == 404


def test_usage_recorded_by_a_participant_token_once_checked(app, client, db, factories, spec):  # noqa: F811
    with app.test_request_context():
        a, b = factories.make_cluster(slug="alpha"), factories.make_cluster(slug="beta")
        pool = PooledCost(name="Comptable", provider_cluster_id=a.id, sharing_key="usage",
                          monthly_cost_cents=100_000, starts_on=date(2026, 11, 1))
        db.add(pool)
        db.flush()
        set_participant(db, pool, b.id, date(2026, 11, 1), None, None)
        db.commit()
    headers = _token(app, db, factories.make_staff(b, "manager", email="api@beta.fr"))
    path = f"/api/v1/pools/{pool.id}/usage"
    created = client.post(path, json={"cluster": "beta", "day": "2026-11-12", "quantity": "3.25"}, headers=headers)
    body = check(spec, USAGE, "post", created)
    assert created.status_code == 201 and body["quantity_centi"] == 325
    before = snapshot(db)
    for bad, status in (({"cluster": "beta", "day": "2026-11-12", "quantity": "1.234"}, 422),
                        ({"cluster": "beta", "day": "2026-10-31", "quantity": "1"}, 422),  # not a participant yet
                        ({"cluster": "alpha", "day": "2026-11-12", "quantity": "1"}, 403),  # not its staff
                        ({"cluster": "beta", "day": "2026-11-12"}, 422)):
        response = client.post(path, json=bad, headers=headers)
        assert response.status_code == status, (bad, response.get_json())
        check(spec, USAGE, "post", response)
    assert client.post(path, json={"cluster": "beta", "day": "2026-11-12", "quantity": "1"}).status_code == 403
    assert snapshot(db) == before
    assert [u.quantity_centi for u in db.exec(select(PoolUsage))] == [325]
