"""The ledger's entries say what happened in words: how money came in, from whom, for which order; the
federation's debt to a cluster is named after the cluster."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from marketplace.ledger.models import LedgerAccount, LedgerTransaction
from marketplace.payments.models import Payment
from marketplace.payments.services import apply_payment, record_manual_payment


def test_payment_entries_and_debt_accounts_read_in_words(app, db, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(name="Cluster du Lin")
        order = factories.make_order(factories.make_offer(cluster), billing_name="Tissage SA")
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 11, 2), None)
        stray = Payment(source="statement", external_id="E-1", amount_cents=5_000, reference="VIR SANS REF",
                        payer="ACME", booked_on=date(2026, 11, 3), match_status="unmatched")
        apply_payment(db, stray, None)
        db.commit()
    labels = [t.description for t in db.exec(select(LedgerTransaction).where(LedgerTransaction.kind == "payment")
                                              .order_by(LedgerTransaction.id))]
    assert labels[0] == f"Paiement reçu : Virement enregistré à la main · commande {order.number} · {order.payment_reference}"
    assert labels[1] == "Paiement reçu : Virement lu sur le relevé bancaire · ACME · commande à identifier · VIR SANS REF"
    names = {a.name for a in db.exec(select(LedgerAccount).where(LedgerAccount.key.startswith("federation:467-c")))}
    assert names == {"Dû à Cluster du Lin"}
