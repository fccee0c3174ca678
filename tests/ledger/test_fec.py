"""The FEC of a cluster: the legal format, and debits equal credits."""

from __future__ import annotations

from datetime import date

from marketplace.payments.services import record_manual_payment, record_refund
from tests.conftest import login
from tests.factories import PASSWORD
from tests.ledger.fec_format import check_fec


def test_fec_format_and_balance(app, client, db, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(slug="fec", siret="41245838200014")
        staff = factories.make_staff(cluster, "admin", email="compta@fec.fr")
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        order = factories.make_order(factories.make_offer(cluster, list_price_cents=12345, title_fr="Étude € « marché »"))
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 3, 14), admin.id)
        record_refund(db, order, 1000, "Geste", "bank_transfer", admin.id, date(2026, 4, 2))
        db.commit()
    login(client, staff.email, PASSWORD)
    response = client.get("/console/clusters/fec/fec/2026")
    assert response.status_code == 200
    assert 'filename="412458382FEC20261231.txt"' in response.headers["Content-Disposition"]
    body = check_fec(response.data, accounts={"467", "706", "44571", "622"})
    assert len(body) >= 6  # sale (467, 706, 44571) and refund (the same three, reversed)
    assert client.get("/console/clusters/fec/fec/2025").data.decode("iso-8859-15").count("\r\n") == 0
