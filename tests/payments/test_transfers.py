"""Card money passed on to the clusters: Stripe Transfers per claim, fee shared, reversals on refunds.

The order: an offer issued by alpha and 30 % co-owned by beta, 10 000 excl. VAT + 20 % VAT, 5 %
platform fee. Claims: alpha 6 500 + 2 000 VAT = 8 500, beta 3 000; the platform keeps 500.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlmodel import select

from marketplace.catalogue.models import OfferCoOwner
from marketplace.checkout.models import Order
from marketplace.ledger.models import LedgerTransaction
from marketplace.ledger.services import balance, federation, of_cluster, owed_to
from marketplace.payments.models import Payment, Refund, ShareTransfer, TransferReversal
from marketplace.payments.services import record_manual_payment
from marketplace.payments.transfers import transfer_shares
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.payments.conftest import REVERSALS, FakeStripe
from tests.payments.test_stripe import _completed, _event, _post


@pytest.fixture
def sale(stripe_app, db, factories):
    """The order above, to be paid by card; both clusters have a connected account."""
    stripe_app.config["PLATFORM_FEE_BPS"] = 500
    alpha = factories.make_cluster(slug="alpha", stripe_account_id="acct_alpha")
    beta = factories.make_cluster(slug="beta", stripe_account_id="acct_beta")
    offer = factories.make_offer(alpha, list_price_cents=10000)
    db.add(OfferCoOwner(offer_id=offer.id, cluster_id=beta.id, share_bps=3000))
    db.commit()
    order = factories.make_order(offer, payment_method="stripe")
    admin = factories.make_user("caisse@federation.fr", is_platform_admin=True)
    return SimpleNamespace(order=order, alpha=alpha, beta=beta, admin=admin)


def _sent(fake_stripe, pattern: str) -> list[dict]:
    return [sent for sent in fake_stripe[1] if re.fullmatch(pattern, sent["path"])]


def _fresh(db) -> None:
    db.rollback()
    db.expire_all()


def _kinds(db, kind: str) -> list[LedgerTransaction]:
    return list(db.exec(select(LedgerTransaction).where(LedgerTransaction.kind == kind)).all())


def _refund_on_console(client, sale, amount: str):
    login(client, sale.admin.email, PASSWORD)
    return client.post(f"/console/orders/{sale.order.id}/refund", data={
        "amount": amount, "reason": "Geste commercial", "csrf_token": csrf_token(client, "/account")})


def test_card_payment_transfers_each_claim_from_the_charge(sale, client, db, fake_stripe):
    order, alpha, beta = sale.order, sale.alpha, sale.beta
    assert _post(client, _completed(order)).get_json()["outcome"] == "matched"
    [intent] = _sent(fake_stripe, "/v1/payment_intents/pi_test_1")
    assert intent["form"]["expand[0]"] == ["latest_charge.balance_transaction"]
    sent = _sent(fake_stripe, "/v1/transfers")
    assert [(s["form"]["destination"], s["form"]["amount"], s["headers"]["Idempotency-Key"]) for s in sent] == [
        (["acct_alpha"], ["8500"], f"transfer-{order.number}-{alpha.id}"),
        (["acct_beta"], ["3000"], f"transfer-{order.number}-{beta.id}")]
    for request in sent:
        assert request["form"]["source_transaction"] == ["ch_test_1"]
        assert request["form"]["transfer_group"] == [order.number]
        assert request["form"]["currency"] == ["eur"]
    _fresh(db)
    rows = db.exec(select(ShareTransfer).order_by(ShareTransfer.cluster_id)).all()
    assert [(t.cluster_id, t.amount_cents, t.stripe_transfer_id) for t in rows] == [
        (alpha.id, 8500, "tr_test_1"), (beta.id, 3000, "tr_test_2")]
    assert [balance(db, owed_to(c.id)) for c in (alpha, beta)] == [0, 0]
    assert [balance(db, of_cluster(c.id, "512")) for c in (alpha, beta)] == [8500, 3000]
    assert [balance(db, of_cluster(c.id, "467")) for c in (alpha, beta)] == [0, 0]
    assert balance(db, federation("512")) == 500  # the platform fee stays on the federation's account
    assert {(t.journal, t.idempotency_key) for t in _kinds(db, "transfer")} == {
        ("BQ", f"transfer:{order.id}:{alpha.id}"), ("BQ", f"transfer:{order.id}:{beta.id}")}


def test_replayed_webhook_or_second_call_transfers_nothing_more(stripe_app, sale, client, db, fake_stripe):
    FakeStripe.fee_cents = 193
    payload = _completed(sale.order)
    _post(client, payload)
    assert _post(client, payload).get_json()["outcome"] == "duplicate"
    assert _post(client, _completed(sale.order, event_id="evt_2")).get_json()["outcome"] == "already_recorded"
    _fresh(db)
    again = transfer_shares(db, stripe_app.config, db.get(Order, sale.order.id))
    db.commit()
    assert [t.stripe_transfer_id for t in again] == ["tr_test_1", "tr_test_2"]
    assert len(_sent(fake_stripe, "/v1/transfers")) == 2
    assert len(db.exec(select(ShareTransfer)).all()) == 2
    assert (len(_kinds(db, "transfer")), len(_kinds(db, "payment_fee"))) == (2, 1)
    assert balance(db, of_cluster(sale.alpha.id, "512")) == 8500


def test_payment_fee_is_shared_pro_rata_of_claims_to_the_cent(sale, client, db):
    FakeStripe.fee_cents = 193  # 193 × 8 500 / 11 500 = 142,65 and 193 × 3 000 / 11 500 = 50,35
    _post(client, _completed(sale.order))
    _fresh(db)
    alpha, beta = sale.alpha.id, sale.beta.id
    assert [balance(db, of_cluster(c, "627")) for c in (alpha, beta)] == [143, 50]
    assert [balance(db, of_cluster(c, "467")) for c in (alpha, beta)] == [-143, -50]  # owed to the federation
    assert [balance(db, owed_to(c)) for c in (alpha, beta)] == [143, 50]
    assert balance(db, federation("512")) == 12000 - 8500 - 3000 - 193
    [fee] = _kinds(db, "payment_fee")
    payment = db.exec(select(Payment)).one()
    assert (fee.journal, fee.idempotency_key, fee.order_id) == ("BQ", f"payment_fee:{payment.id}", sale.order.id)


def test_partial_refunds_reverse_transfers_in_proportion(sale, client, db, fake_stripe):
    alpha, beta = sale.alpha.id, sale.beta.id
    _post(client, _completed(sale.order))
    # 10,01 € refunded: 834 excl. + 167 VAT; 834 splits 42 fee / 250 beta / 542 alpha
    assert _refund_on_console(client, sale, "10.01").status_code == 303
    _fresh(db)
    refund = db.exec(select(Refund)).one()
    sent = _sent(fake_stripe, REVERSALS)
    assert [(s["path"], s["form"]["amount"], s["headers"]["Idempotency-Key"]) for s in sent] == [
        ("/v1/transfers/tr_test_1/reversals", ["709"], f"reversal-{sale.order.number}-{refund.id}-{alpha}"),
        ("/v1/transfers/tr_test_2/reversals", ["250"], f"reversal-{sale.order.number}-{refund.id}-{beta}")]
    assert [(r.status, r.amount_cents, r.stripe_reversal_id) for r in
            db.exec(select(TransferReversal).order_by(TransferReversal.id))] == [
        ("reversed", 709, "trr_test_1"), ("reversed", 250, "trr_test_2")]
    assert [balance(db, of_cluster(c, "512")) for c in (alpha, beta)] == [8500 - 709, 3000 - 250]
    assert [balance(db, of_cluster(c, "467")) for c in (alpha, beta)] == [0, 0]
    assert [balance(db, owed_to(c)) for c in (alpha, beta)] == [0, 0]
    echo = _event("evt_echo", "charge.refunded", {"id": "ch_test_1", "object": "charge",
                                                  "payment_intent": "pi_test_1", "amount_refunded": 1001})
    assert _post(client, echo).get_json()["outcome"] == "already_recorded"
    assert len(_sent(fake_stripe, REVERSALS)) == 2
    # The rest refunded: the two steps take back exactly what was transferred, to the cent.
    assert _refund_on_console(client, sale, "109.99").status_code == 303
    _fresh(db)
    rows = db.exec(select(ShareTransfer).order_by(ShareTransfer.cluster_id)).all()
    assert [(t.reversed_cents, t.amount_cents) for t in rows] == [(8500, 8500), (3000, 3000)]
    assert [balance(db, of_cluster(c, code)) for c in (alpha, beta) for code in ("512", "467")] == [0, 0, 0, 0]
    assert db.get(Order, sale.order.id).status == "refunded"


def test_refund_made_on_stripe_reverses_transfers_too(sale, client, db, fake_stripe):
    _post(client, _completed(sale.order))
    refunded = _event("evt_r1", "charge.refunded", {"id": "ch_test_1", "object": "charge",
                                                    "payment_intent": "pi_test_1", "amount_refunded": 1001})
    assert _post(client, refunded).get_json()["outcome"] == "partially_refunded"
    assert [s["form"]["amount"] for s in _sent(fake_stripe, REVERSALS)] == [["709"], ["250"]]
    _fresh(db)
    assert [k.reverses_id is not None for k in _kinds(db, "transfer_reversal")] == [True, True]


def test_failed_reversal_is_recorded_and_left_owed_by_the_cluster(sale, client, db, fake_stripe):
    FakeStripe.fail_reversals = True
    alpha, beta = sale.alpha.id, sale.beta.id
    _post(client, _completed(sale.order))
    response = _refund_on_console(client, sale, "10.01")
    assert response.status_code == 303
    assert _sent(fake_stripe, "/v1/refunds")  # the buyer was refunded all the same
    _fresh(db)
    assert db.exec(select(Refund.amount_cents)).all() == [1001]
    assert [(r.status, r.amount_cents, r.stripe_reversal_id) for r in
            db.exec(select(TransferReversal).order_by(TransferReversal.id))] == [
        ("failed", 709, None), ("failed", 250, None)]
    assert "Insufficient funds" in db.exec(select(TransferReversal)).first().error
    assert [t.reversed_cents for t in db.exec(select(ShareTransfer))] == [0, 0]
    assert _kinds(db, "transfer_reversal") == []
    assert [balance(db, of_cluster(c, "467")) for c in (alpha, beta)] == [-709, -250]
    assert [balance(db, owed_to(c)) for c in (alpha, beta)] == [709, 250]
    assert [balance(db, of_cluster(c, "512")) for c in (alpha, beta)] == [8500, 3000]


def test_cluster_without_connected_account_gets_no_transfer(sale, client, db, fake_stripe):
    FakeStripe.fee_cents = 193
    sale.beta.stripe_account_id = None
    db.add(sale.beta)
    db.commit()
    _post(client, _completed(sale.order))
    assert [s["form"]["destination"] for s in _sent(fake_stripe, "/v1/transfers")] == [["acct_alpha"]]
    _fresh(db)
    assert [t.cluster_id for t in db.exec(select(ShareTransfer))] == [sale.alpha.id]
    assert balance(db, owed_to(sale.beta.id)) == -3000 + 50  # its claim, less its fee, waits for the settlement
    assert balance(db, of_cluster(sale.beta.id, "512")) == 0


def test_bank_transfer_payment_passes_nothing_on(stripe_app, sale, db, fake_stripe):
    with stripe_app.test_request_context():
        record_manual_payment(db, sale.order, sale.order.total_incl_cents, date(2026, 11, 30), sale.admin.id)
        db.commit()
        assert db.get(Order, sale.order.id).status == "paid"
        assert transfer_shares(db, stripe_app.config, sale.order) == []
    assert fake_stripe[1] == []
    assert db.exec(select(ShareTransfer)).all() == []


def test_later_refund_takes_back_only_its_own_part_after_a_failed_reversal(sale, client, db, fake_stripe):
    alpha, beta = sale.alpha.id, sale.beta.id
    _post(client, _completed(sale.order))
    FakeStripe.fail_reversals = True
    _refund_on_console(client, sale, "10.01")
    FakeStripe.fail_reversals = False
    _refund_on_console(client, sale, "10.01")
    # What failed stays owed through the settlement: the second reversal does not take it back again.
    assert [s["form"]["amount"] for s in _sent(fake_stripe, REVERSALS)] == [["709"], ["250"], ["709"], ["250"]]
    _fresh(db)
    assert [t.reversed_cents for t in db.exec(select(ShareTransfer).order_by(ShareTransfer.cluster_id))] == [709, 250]
    assert [balance(db, of_cluster(c, "467")) for c in (alpha, beta)] == [-709, -250]
