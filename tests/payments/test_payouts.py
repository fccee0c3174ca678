"""A closed month paid to a cluster's connected account by one Stripe transfer, once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from marketplace.core.errors import Conflict
from marketplace.ledger.services import balance, of_cluster, owed_to
from marketplace.payments.services import record_manual_payment
from marketplace.settlements.models import Settlement
from marketplace.settlements.payouts import pay_by_stripe
from marketplace.settlements.services import close_period
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def test_a_connected_cluster_is_paid_its_settlement_by_one_transfer(stripe_app, client, db, factories, fake_stripe):
    with stripe_app.test_request_context():
        cluster = factories.make_cluster(slug="connecte", stripe_account_id="acct_connecte")
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        order = factories.make_order(factories.make_offer(cluster, list_price_cents=25_000))
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 10, 8), admin.id)
        [settlement] = close_period(db, "2026-10", date(2026, 11, 2)).settlements
        db.commit()
    assert (settlement.payout_method, settlement.payout_status, settlement.closing_cents) == ("stripe", "pending", 30_000)
    login(client, admin.email, PASSWORD)
    response = client.post(f"/console/settlements/pay/{settlement.id}",
                           data={"csrf_token": csrf_token(client, "/console/")})
    assert response.status_code == 303
    [sent] = [r for r in fake_stripe[1] if r["path"] == "/v1/transfers"]
    assert sent["form"]["amount"] == ["30000"] and sent["form"]["destination"] == ["acct_connecte"]
    assert sent["form"]["transfer_group"] == ["settlement-2026-10"]
    assert sent["headers"]["Idempotency-Key"] == f"payout-{settlement.id}"
    db.rollback()
    db.expire_all()
    paid = db.get(Settlement, settlement.id)
    assert (paid.payout_status, paid.payout_reference) == ("paid", "tr_test_1")
    assert balance(db, of_cluster(cluster.id, "467")) == 0 and balance(db, owed_to(cluster.id)) == 0
    assert balance(db, of_cluster(cluster.id, "512")) == 30_000
    with stripe_app.test_request_context(), pytest.raises(Conflict):
        pay_by_stripe(db, stripe_app.config, paid, date(2026, 11, 3))
    assert len([r for r in fake_stripe[1] if r["path"] == "/v1/transfers"]) == 1
    assert db.exec(select(Settlement)).all() == [paid]
