"""The treasury's list of every payment received: search, matching status, order, pages, CSV of what is shown;
for platform admins only."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from marketplace.payments.services import record_manual_payment
from tests.conftest import login
from tests.factories import PASSWORD


def test_payments_are_searched_filtered_and_exported(app, client, db, factories):
    with app.test_request_context():
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        staff = factories.make_staff(factories.make_cluster(slug="beta"), "admin", email="admin@beta.fr")
        offer = factories.make_offer(factories.make_cluster(slug="alpha"), list_price_cents=10_000)
        for i in range(53):
            order = factories.make_order(offer, billing_name=f"Client {i:02d}")
            paid = order.total_incl_cents if i % 4 else order.total_incl_cents // 2
            record_manual_payment(db, order, paid, date(2026, 11, 1 + i % 28), admin.id)
        db.commit()
    login(client, admin.email, PASSWORD)
    page = client.get("/console/payments").get_data(as_text=True)
    assert "53 paiements" in page and "Page 1 sur 2" in page
    assert "14 paiements" in client.get("/console/payments?status=partial").get_data(as_text=True)
    found = client.get("/console/payments?q=client%2007", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert found.startswith('<div id="payments-table">') and "1 paiement" in found and "Client 07" in found
    listed = client.get("/console/payments?sort=amount").get_data(as_text=True).split('id="payments-table"')[1]
    amounts = re.findall(r'class="num">([^<]+)</td>', listed)
    assert amounts and amounts[0].startswith("120,00")
    export = client.get("/console/payments?format=csv&status=partial")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 14 and {row[5] for row in rows[1:]} == {"Partiel"}
    login(client, staff.email, PASSWORD)
    assert client.get("/console/payments?format=csv").status_code == 403
