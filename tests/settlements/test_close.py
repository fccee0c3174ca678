"""Closing a month: every cluster's statement balances, closing twice changes nothing, late events
count in the next open month, payouts are made once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from lxml import etree
from sqlmodel import select

from marketplace.core.errors import Conflict, Invalid
from marketplace.core.timeutil import paris_today
from marketplace.ledger.models import LedgerTransaction
from marketplace.ledger.services import balance, of_cluster, owed_to
from marketplace.payments.services import record_manual_payment, record_refund
from marketplace.pools.models import PooledCost
from marketplace.pools.services import set_participant
from marketplace.settlements.models import Settlement
from marketplace.settlements.payouts import cancel_payout_file, confirm_payout_file, sepa_payout_file
from marketplace.settlements.services import close_period, figures, statements

TODAY = date(2026, 11, 27)


@pytest.fixture()
def month(app, db, factories):
    """October: a sale of cluster A, and a veille subscription of 300 € shared by A, B and C."""
    with app.test_request_context():
        a, b, c = (factories.make_cluster(slug=s, iban="FR7630006000011234567890189", bic="AGRIFRPP")
                   for s in ("alpha", "beta", "gamma"))
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        order = factories.make_order(factories.make_offer(a, list_price_cents=50_000))
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 10, 14), admin.id)
        pool = PooledCost(name="Veille", kind="strategic_purchase", supplier_name="Veille SA", sharing_key="equal",
                          monthly_cost_cents=30_000, starts_on=date(2026, 10, 1))
        db.add(pool)
        db.flush()
        for cluster in (a, b, c):
            set_participant(db, pool, cluster.id, date(2026, 1, 1), None, None)
        db.commit()
        return a, b, c, admin, order


def test_closing_a_month_freezes_balanced_statements_and_pooled_costs(app, db, month):
    a, b, c, _admin, _order = month
    with app.test_request_context():
        result = close_period(db, "2026-10", TODAY)
        db.commit()
    assert result.pools_closed == ["Veille"] and result.pools_left == []
    by_cluster = {s.cluster_id: s for s in result.settlements}
    assert set(by_cluster) == {a.id, b.id, c.id}
    sa = figures(by_cluster[a.id])
    assert sa.balances and sa.closing_cents == 60_000 - 10_000  # sale incl. VAT minus its veille share
    assert {(row["kind"], row["code"]): row["cents"] for row in sa.rows} == {
        ("sale", "706"): 50_000, ("sale", "44571"): 10_000, ("pooled_cost", "604"): -10_000}
    assert by_cluster[a.id].payout_status == "pending" and by_cluster[a.id].payout_method == "sepa"
    assert by_cluster[b.id].closing_cents == -10_000 and by_cluster[b.id].payout_status == "carried"
    assert balance(db, of_cluster(a.id, "467")) == by_cluster[a.id].closing_cents


def test_closing_again_changes_nothing_and_late_events_fall_in_the_next_month(app, db, month):
    a, _b, _c, admin, order = month
    with app.test_request_context():
        first = close_period(db, "2026-10", TODAY)
        db.commit()
        ids = [s.id for s in first.settlements]
        count = len(db.exec(select(LedgerTransaction)).all())
        again = close_period(db, "2026-10", TODAY)
        assert again.already_closed and [s.id for s in again.settlements] == ids
        assert len(db.exec(select(LedgerTransaction)).all()) == count
        refund = record_refund(db, order, 12_000, "Annulation", "bank_transfer", admin.id, date(2026, 10, 30))
        db.commit()
        late = db.exec(select(LedgerTransaction).where(LedgerTransaction.idempotency_key == f"refund:{refund.id}")).one()
        assert late.occurred_on == date(2026, 10, 30) and late.period == "2026-11"
        assert figures(db.get(Settlement, ids[0])).closing_cents == first.settlements[0].closing_cents
        november = statements(db, "2026-11")[a.id]
        assert november.opening_cents == 50_000 and november.closing_cents == 50_000 - 12_000 and november.balances


def test_months_close_in_order_and_only_once_over(app, db, month):
    with app.test_request_context():
        with pytest.raises(Conflict, match="pas terminé"):
            close_period(db, "2026-11", TODAY)
        with pytest.raises(Conflict, match="2026-10"):
            close_period(db, "2026-11", date(2026, 12, 3))


def test_a_sepa_file_pays_each_pending_settlement_once_the_bank_executed_it(app, db, month):
    a, *_rest, admin, _order = month
    with app.test_request_context():
        close_period(db, "2026-10", TODAY)
        payout = sepa_payout_file(db, app.config, "2026-10", TODAY, admin.id)
        db.commit()
        assert payout.count == 1 and payout.total_cents == 50_000 and payout.status == "prepared"
        tree = etree.fromstring(payout.xml.encode())
        ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
        assert tree.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "500.00"
        assert tree.findtext(".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == "FR7630006000011234567890189"
        prepared = db.exec(select(Settlement).where(Settlement.cluster_id == a.id)).one()
        assert prepared.payout_status == "prepared" and prepared.paid_at is None
        assert balance(db, of_cluster(a.id, "467")) == 50_000  # nothing is paid before the bank executes the file
        with pytest.raises(Conflict):
            sepa_payout_file(db, app.config, "2026-10", TODAY, admin.id)
        today = paris_today()  # the file was made today: the bank executed it today or later
        for wrong in (today - timedelta(days=1), today + timedelta(days=1)):
            with pytest.raises(Invalid, match="date d'exécution"):
                confirm_payout_file(db, payout, wrong, today, admin.id)
        paid = confirm_payout_file(db, payout, today, today, admin.id)
        db.commit()
        assert [s.payout_status for s in paid] == ["paid"] and payout.executed_on == today
        assert balance(db, of_cluster(a.id, "467")) == 0 and balance(db, owed_to(a.id)) == 0
        posting = db.exec(select(LedgerTransaction).where(LedgerTransaction.kind == "payout")).one()
        assert posting.occurred_on == today
        for again in (lambda: confirm_payout_file(db, payout, today, today, admin.id),
                      lambda: cancel_payout_file(db, payout, admin.id)):
            with pytest.raises(Conflict, match="déjà"):
                again()
        assert len(db.exec(select(LedgerTransaction).where(LedgerTransaction.kind == "payout")).all()) == 1


def test_a_cancelled_sepa_file_leaves_its_settlements_to_pay_in_a_new_file(app, db, month):
    a, *_rest, admin, _order = month
    with app.test_request_context():
        close_period(db, "2026-10", TODAY)
        first = sepa_payout_file(db, app.config, "2026-10", TODAY, admin.id)
        with pytest.raises(Conflict, match=first.message_id):
            close_period(db, "2026-11", date(2026, 12, 2))  # its amounts would be carried while the bank may pay
        assert cancel_payout_file(db, first, admin.id) == 1
        db.commit()
        assert db.exec(select(Settlement).where(Settlement.cluster_id == a.id)).one().payout_status == "pending"
        second = sepa_payout_file(db, app.config, "2026-10", TODAY, admin.id)
        assert second.message_id != first.message_id and second.total_cents == 50_000
        confirm_payout_file(db, second, paris_today(), paris_today(), admin.id)
        db.commit()
        assert balance(db, of_cluster(a.id, "467")) == 0
        assert not close_period(db, "2026-11", date(2026, 12, 2)).already_closed


def test_an_unpaid_month_is_carried_into_the_next_and_paid_once(app, db, month):
    a, *_rest, admin, _order = month
    with app.test_request_context():
        close_period(db, "2026-10", TODAY)
        november = close_period(db, "2026-11", date(2026, 12, 2))
        db.commit()
        october = db.exec(select(Settlement).where(Settlement.period == "2026-10",
                                                   Settlement.cluster_id == a.id)).one()
        assert october.payout_status == "carried"
        latest = next(s for s in november.settlements if s.cluster_id == a.id)
        assert latest.opening_cents == october.closing_cents == 50_000
        assert latest.closing_cents == 50_000 - 10_000  # November's share of the veille
        with pytest.raises(Conflict):
            sepa_payout_file(db, app.config, "2026-10", TODAY, admin.id)
        payout = sepa_payout_file(db, app.config, "2026-11", date(2026, 12, 2), admin.id)
        assert payout.total_cents == latest.closing_cents


def test_a_federation_with_only_pooled_costs_closes_from_their_first_month(app, db, factories):
    from marketplace.settlements.services import first_open_period

    with app.test_request_context():
        a, b = factories.make_cluster(), factories.make_cluster()
        pool = PooledCost(name="Locaux partagés", supplier_name="SCI du Port", sharing_key="equal",
                          monthly_cost_cents=60_000, starts_on=date(2026, 9, 1))
        db.add(pool)
        db.flush()
        for cluster in (a, b):
            set_participant(db, pool, cluster.id, date(2026, 9, 1), None, None)
        assert first_open_period(db) == "2026-09"
        result = close_period(db, "2026-09", TODAY)
        assert result.pools_closed == ["Locaux partagés"]
        assert sorted(s.closing_cents for s in result.settlements) == [-30_000, -30_000]
        assert first_open_period(db) == "2026-10"


def test_a_running_statement_counts_the_open_months_before_it(app, db, month):
    a, *_rest = month
    with app.test_request_context():
        assert statements(db, "2026-12", a.id)[a.id].opening_cents == 60_000  # October's sale, not closed yet
        close_period(db, "2026-10", TODAY)
        assert statements(db, "2026-12", a.id)[a.id].opening_cents == 50_000  # its closing: the veille's share out
