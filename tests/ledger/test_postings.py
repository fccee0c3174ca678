"""The ledger in the database: idempotent postings, balances from lines, and real money flows."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from marketplace.core.errors import Conflict
from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.ledger.rules import Line
from marketplace.ledger.services import balance, federation, of_cluster, owed_to, post
from marketplace.payments.services import record_manual_payment, record_refund

DAY = date(2026, 11, 30)


def _total(db) -> int:
    return db.exec(select(func.coalesce(func.sum(LedgerLine.debit_cents - LedgerLine.credit_cents), 0))).one()


def test_same_key_same_content_returns_it_other_content_is_refused(db):
    lines = [Line("federation:512", debit_cents=1000), Line("federation:411", credit_cents=1000)]
    first = post(db, "payment:1", "Paiement", lines, DAY, "payment")
    again = post(db, "payment:1", "Paiement", list(reversed(lines)), DAY, "payment")
    assert first.id == again.id
    with pytest.raises(Conflict):
        post(db, "payment:1", "Paiement", [Line("federation:512", debit_cents=999),
                                           Line("federation:411", credit_cents=999)], DAY, "payment")
    assert len(db.exec(select(LedgerTransaction)).all()) == 1
    assert balance(db, "federation:512") == 1000 and balance(db, "federation:411") == -1000


@pytest.fixture
def three_clusters(factories):
    return [factories.make_cluster().id for _ in range(3)]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(st.integers(1, 10**7), min_size=1, max_size=8))
def test_every_transaction_balances_and_all_balances_sum_to_zero(db, three_clusters, amounts):
    for i, amount in enumerate(amounts):
        cluster = three_clusters[i % 3]
        post(db, f"prop:{len(amounts)}:{i}:{amount}", "Test", [
            Line(of_cluster(cluster, "467"), debit_cents=amount),
            Line(of_cluster(cluster, "706"), credit_cents=amount - amount // 6),
            Line(of_cluster(cluster, "44571"), credit_cents=amount // 6)], DAY, "other")
    db.flush()
    assert _total(db) == 0
    db.rollback()


def test_payment_then_full_refund_brings_every_account_back(app, db, factories):
    with app.test_request_context():
        a, b = factories.make_cluster(slug="alpha"), factories.make_cluster(slug="beta")
        admin = factories.make_user("compta@federation.fr", is_platform_admin=True)
        order = factories.make_order(factories.make_offer(a, list_price_cents=10000))
        record_manual_payment(db, order, order.total_incl_cents, DAY, admin.id)
        db.commit()
        assert balance(db, federation("512")) == 12000
        assert balance(db, federation("411")) == 0
        assert balance(db, owed_to(a.id)) == -12000
        assert (balance(db, of_cluster(a.id, "706")), balance(db, of_cluster(a.id, "44571"))) == (-10000, -2000)
        record_refund(db, order, 5001, "Partiel", "bank_transfer", admin.id, DAY)
        record_refund(db, order, order.total_incl_cents - 5001, "Solde", "bank_transfer", admin.id, DAY)
        db.commit()
    keys = [federation("512"), federation("411"), owed_to(a.id), of_cluster(a.id, "467"),
            of_cluster(a.id, "706"), of_cluster(a.id, "44571")]
    assert [balance(db, key) for key in keys] == [0] * len(keys)
    assert _total(db) == 0
    assert balance(db, owed_to(b.id)) == 0


def test_unmatched_money_waits_in_the_account_to_identify(app, db, factories):
    from marketplace.payments.services import import_statement
    from tests.payments.camt_sample import entry, statement

    with app.test_request_context():
        admin = factories.make_user("compta@federation.fr", is_platform_admin=True)
        import_statement(db, "r.xml", statement(entry("U1", 4200, "RF18539007547034")), admin.id)
        db.commit()
    assert balance(db, federation("471")) == -4200 and balance(db, federation("512")) == 4200


def test_a_co_produced_sale_is_split_between_issuer_co_owner_and_platform(app, db, factories):
    from marketplace.catalogue.models import OfferCoOwner

    app.config["PLATFORM_FEE_BPS"] = 500
    with app.test_request_context():
        a, b = factories.make_cluster(slug="salon"), factories.make_cluster(slug="partenaire")
        admin = factories.make_user("compta@federation.fr", is_platform_admin=True)
        offer = factories.make_offer(a, kind="stand", list_price_cents=10000)
        db.add(OfferCoOwner(offer_id=offer.id, cluster_id=b.id, share_bps=2000))
        db.commit()
        order = factories.make_order(offer)
        record_manual_payment(db, order, order.total_incl_cents, DAY, admin.id)
        db.commit()
        assert [balance(db, of_cluster(a.id, "706")), balance(db, of_cluster(b.id, "706")),
                balance(db, federation("706")), balance(db, of_cluster(a.id, "44571"))] == [-8000, -2000, -500, -2000]
        assert balance(db, of_cluster(a.id, "622")) == 500  # the issuer is charged the platform's commission
        assert (balance(db, owed_to(a.id)), balance(db, owed_to(b.id))) == (-9500, -2000)
        record_refund(db, order, 3333, "Partiel", "bank_transfer", admin.id, DAY)
        record_refund(db, order, order.total_incl_cents - 3333, "Solde", "bank_transfer", admin.id, DAY)
        db.commit()
    keys = [federation(code) for code in ("512", "411", "706")] + [owed_to(a.id), owed_to(b.id)] + [
        of_cluster(c.id, code) for c in (a, b) for code in ("467", "706", "44571", "622")]
    assert [balance(db, key) for key in keys] == [0] * len(keys)
    assert _total(db) == 0
