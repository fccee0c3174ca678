"""The FEC of a cluster: the legal format, and debits equal credits."""

from __future__ import annotations

import re
from datetime import date

from marketplace.ledger.fec import COLUMNS
from marketplace.payments.services import record_manual_payment, record_refund
from tests.conftest import login
from tests.factories import PASSWORD


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
    raw = response.data
    text = raw.decode("iso-8859-15")
    assert not text.endswith(("\n", "\r"))
    rows = [row.split("\t") for row in text.split("\r\n")]
    assert tuple(rows[0]) == COLUMNS and all(len(row) == 18 for row in rows)
    body = rows[1:]
    assert len(body) >= 6  # sale (467, 706, 44571) and refund (the same three, reversed)
    for row in body:
        assert re.fullmatch(r"\d{8}", row[3]) and re.fullmatch(r"\d{8}", row[9]) and re.fullmatch(r"\d{8}", row[15])
        assert re.fullmatch(r"\d+,\d{2}", row[11]) and re.fullmatch(r"\d+,\d{2}", row[12])
        assert row[4] in {"467", "706", "44571"}

    def cents(value: str) -> int:
        whole, frac = value.split(",")
        return int(whole) * 100 + int(frac)

    assert sum(cents(r[11]) for r in body) == sum(cents(r[12]) for r in body)
    assert client.get("/console/clusters/fec/fec/2025").data.decode("iso-8859-15").count("\r\n") == 0
