"""The console's settlement pages end to end: a month closed with a pooled cost in it; a statement read as a
page, a CSV and a PDF whose figures lead to their entries; a SEPA file, once."""

from __future__ import annotations

import csv
import io
from datetime import date

from lxml import etree
from pypdf import PdfReader
from sqlmodel import select

from marketplace.core.timeutil import paris_today
from marketplace.ledger.models import LedgerTransaction
from marketplace.mail.models import OutboxEmail
from marketplace.payments.services import record_manual_payment
from marketplace.pools.models import PoolAllocation, PooledCost
from marketplace.pools.services import record_usage, set_participant
from marketplace.settlements.models import PayoutFile, Settlement
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD

IBAN = "FR7630006000011234567890189"


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/console/")})


def test_a_month_from_pooled_cost_to_payout(app, client, db, factories):
    with app.test_request_context():
        a = factories.make_cluster(slug="alpha", name="Alpha", iban=IBAN, bic="AGRIFRPP")
        b = factories.make_cluster(slug="beta", name="Beta", iban=IBAN, bic="AGRIFRPP")
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        factories.make_staff(a, "admin", email="direction@alpha.fr")
        order = factories.make_order(factories.make_offer(a, list_price_cents=100_000))
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 10, 3), admin.id)
        pool = PooledCost(name="Graphiste partagée", provider_cluster_id=a.id, monthly_cost_cents=100_001,
                          sharing_key="usage", starts_on=date(2026, 10, 1))
        db.add(pool)
        db.flush()
        for cluster, hours in ((a, 250), (b, 750)):
            set_participant(db, pool, cluster.id, date(2026, 10, 1), None, None)
            record_usage(db, pool, cluster.id, date(2026, 10, 9), hours, "", None)
        db.commit()
    login(client, admin.email, PASSWORD)
    assert _post(client, "/console/settlements/close", {"period": "2026-10"}).status_code == 303
    db.rollback()
    db.expire_all()
    assert sorted(r.amount_cents for r in db.exec(select(PoolAllocation))) == [25_000, 75_001]
    settlement_a = db.exec(select(Settlement).where(Settlement.cluster_id == a.id)).one()
    assert settlement_a.closing_cents == 120_000 + 75_001  # its sale incl. VAT + what Beta owes it

    [told] = db.exec(select(OutboxEmail).where(OutboxEmail.subject.startswith("Relevé"))).all()
    assert told.to_address == "direction@alpha.fr" and "1\u202f950,01\u00a0€" in told.body_text
    assert "/console/clusters/alpha/settlements/2026-10" in told.body_text
    summary = list(csv.reader(io.StringIO(client.get("/console/settlements/2026-10.csv").data.decode("utf-8-sig")),
                              delimiter=";"))
    assert [row[1] for row in summary[1:]] == ["Alpha", "Beta"] and summary[1][5] == "1950,01"
    page = client.get("/console/clusters/alpha/settlements/2026-10").get_data(as_text=True)
    assert "1\u202f950,01\u00a0€" in page and "/console/ledger?cluster=alpha&amp;period=2026-10&amp;kind=pooled_cost" in page
    rows = list(csv.reader(io.StringIO(client.get("/console/clusters/alpha/settlements/2026-10.csv")
                                       .data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][2:] == ["Solde d'ouverture", "", "467", "0,00"] and rows[-1][5] == "1950,01"
    assert sum(int(r[5].replace(",", "")) for r in rows[2:-1]) == 195_001  # the rows explain the closing
    pdf = client.get("/console/clusters/alpha/settlements/2026-10.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Relevé de règlement — Alpha" in text and "1 950,01" in text.replace("\u202f", " ").replace("\xa0", " ")
    entries = list(csv.reader(io.StringIO(client.get(
        "/console/ledger?cluster=alpha&period=2026-10&kind=pooled_cost&format=csv").data.decode("utf-8-sig")),
        delimiter=";"))
    assert entries[0][0] == "Date" and {r[5] for r in entries[1:]} == {"467", "708"}

    assert _post(client, "/console/settlements/2026-10/sepa", {}).status_code == 303
    db.rollback()
    payout = db.exec(select(PayoutFile)).one()
    xml = client.get(f"/console/payout-files/{payout.id}.xml")
    tree = etree.fromstring(xml.data)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    assert tree.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == "1"
    assert tree.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=ns) == "1950.01"
    count = len(db.exec(select(LedgerTransaction)).all())
    assert _post(client, "/console/settlements/2026-10/sepa", {}).status_code == 303  # nothing left to pay
    assert _post(client, "/console/settlements/close", {"period": "2026-10"}).status_code == 303  # no-op
    db.rollback()
    assert len(db.exec(select(LedgerTransaction)).all()) == count
    assert len(db.exec(select(OutboxEmail).where(OutboxEmail.subject.startswith("Relevé"))).all()) == 1  # once

    # Prepared is not paid: the treasurer confirms the day the bank executed the file.
    page = client.get("/console/settlements").get_data(as_text=True)
    assert "Dans un fichier SEPA, en attente de la banque" in page and f"/payout-files/{payout.id}/executed" in page
    assert db.get(Settlement, settlement_a.id).payout_status == "prepared"
    refused = _post(client, f"/console/payout-files/{payout.id}/executed", {"executed_on": "2026-01-02"})
    assert "La date d&#39;exécution doit être comprise" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert _post(client, f"/console/payout-files/{payout.id}/executed", {"executed_on": ""}).status_code == 303
    db.rollback()
    assert len(db.exec(select(LedgerTransaction)).all()) == count
    today = paris_today().isoformat()
    done = _post(client, f"/console/payout-files/{payout.id}/executed", {"executed_on": today})
    assert "exécuté : 1 règlement payé." in client.get(done.headers["Location"]).get_data(as_text=True)
    _post(client, f"/console/payout-files/{payout.id}/executed", {"executed_on": today})  # a second click
    _post(client, f"/console/payout-files/{payout.id}/cancel", {})
    db.rollback()
    assert db.get(Settlement, settlement_a.id).payout_status == "paid"
    assert len(db.exec(select(LedgerTransaction)).all()) == count + 1


def test_the_federation_sees_every_month_and_staff_their_own_clusters(app, client, db, factories):
    with app.test_request_context():
        a = factories.make_cluster(slug="alpha", name="Alpha", iban=IBAN, bic="AGRIFRPP")
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        staff = factories.make_staff(a, "manager", email="gestion@alpha.fr")
        order = factories.make_order(factories.make_offer(a, list_price_cents=10_000))
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 10, 3), admin.id)
        db.commit()
    login(client, admin.email, PASSWORD)
    page = client.get("/console/settlements").get_data(as_text=True)
    assert "Clôturer octobre 2026" in page and "/console/settlements/close" in page
    closed = _post(client, "/console/settlements/close", {"period": "2026-10"})
    page = client.get(closed.headers["Location"]).get_data(as_text=True)
    assert "Octobre 2026 clôturé : 1 relevé." in page and "/console/settlements/2026-10/sepa" in page
    _post(client, "/console/settlements/2026-10/sepa", {})
    db.rollback()
    payout = db.exec(select(PayoutFile)).one()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/console/")})
    login(client, staff.email, PASSWORD)
    response = client.get("/console/settlements")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/clusters/alpha/settlements")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dans un fichier SEPA, en attente de la banque" in page
    for action, form in (("executed", {"executed_on": paris_today().isoformat()}), ("cancel", {})):
        assert _post(client, f"/console/payout-files/{payout.id}/{action}", form).status_code == 403
    db.rollback()
    assert db.get(PayoutFile, payout.id).status == "prepared"
