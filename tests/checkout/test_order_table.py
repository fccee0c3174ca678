"""A cluster's orders in the console: searched, filtered by status, sorted, paged through htmx, and exported as
shown; another cluster's staff see none of them."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import login
from tests.factories import PASSWORD


@pytest.fixture
def orders(app, factories):
    with app.test_request_context():
        cluster, other = factories.make_cluster(slug="alpha"), factories.make_cluster(slug="beta")
        staff = factories.make_staff(cluster, "manager", email="gestion@alpha.fr")
        outsider = factories.make_staff(other, "admin", email="admin@beta.fr")
        offer = factories.make_offer(cluster, list_price_cents=10_000)
        made = [factories.make_order(offer, quantity=1 + i % 3, billing_name=f"Société {i:02d}",
                                     status="paid" if i % 2 else "pending_payment") for i in range(55)]
        made.append(factories.make_order(offer, quantity=9, billing_name="Chantiers Navals"))
        return dict(staff=staff, outsider=outsider, orders=made)


def _numbers(html: str) -> list[str]:
    return re.findall(r'>(C2026-\d{6})</a>', html)


def test_search_filter_sort_and_pages(client, orders):
    login(client, orders["staff"].email, PASSWORD)
    base = "/console/clusters/alpha/orders"
    first = client.get(base).get_data(as_text=True)
    assert "56 commandes" in first and len(_numbers(first)) == 50 and "Page 1 sur 2" in first
    assert len(_numbers(client.get(f"{base}?page=2").get_data(as_text=True))) == 6
    found = client.get(f"{base}?q=navals").get_data(as_text=True)
    assert _numbers(found) == [orders["orders"][-1].number] and "1 commande" in found
    paid = client.get(f"{base}?status=paid").get_data(as_text=True)
    assert "27 commandes" in paid
    biggest = _numbers(client.get(f"{base}?sort=amount").get_data(as_text=True))[0]
    assert biggest == orders["orders"][-1].number  # 9 × 120 €
    fragment = client.get(f"{base}?q=soci&status=paid", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<div id="orders-table">') and "<html" not in fragment
    assert "Aucune commande ne correspond." in client.get(f"{base}?q=personne").get_data(as_text=True)
    assert client.get(f"{base}?status=nimporte&sort=quoi&page=-4").status_code == 200  # odd input: the defaults


def test_the_export_is_what_is_shown(client, orders):
    login(client, orders["staff"].email, PASSWORD)
    page = client.get("/console/clusters/alpha/orders?status=paid&q=soci").get_data(as_text=True)
    assert "format=csv" in page and "status=paid" in page
    export = client.get("/console/clusters/alpha/orders?format=csv&status=paid&q=soci")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Commande", "Date", "Acheteur"] and len(rows) == 1 + 27
    assert {row[5] for row in rows[1:]} == {"Payée"}


def test_another_clusters_staff_see_nothing(client, orders):
    login(client, orders["outsider"].email, PASSWORD)
    assert client.get("/console/clusters/alpha/orders").status_code == 403
    assert client.get("/console/clusters/alpha/orders?format=csv").status_code == 403
