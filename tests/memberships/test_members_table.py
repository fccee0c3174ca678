"""The console's members table: search by name or SIRET, status filter, order, pages, and the export of what is
shown (still re-importable)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import login
from tests.factories import PASSWORD


@pytest.fixture
def register(app, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(slug="alpha")
        tier = factories.make_tier(cluster, code="classic")
        staff = factories.make_staff(cluster, "admin", email="direction@alpha.fr")
        for i in range(60):
            organization = factories.make_organization(name=f"Atelier {i:02d}")
            factories.make_membership(organization, cluster, tier, year=2026, fee_cents=10_000 + i,
                                      status="active" if i % 3 else "pending")
        factories.make_membership(factories.make_organization(name="Forges de Bourgogne"), cluster, tier, year=2026,
                                  status="expired", fee_cents=99_000)
        return staff


def _names(html: str) -> list[str]:
    return re.findall(r"<td>([^<]+)<br><small", html)


def test_search_status_sort_and_pages(client, register):
    login(client, register.email, PASSWORD)
    base = "/console/clusters/alpha/members"
    page = client.get(base).get_data(as_text=True)
    assert "61 adhésions" in page and len(_names(page)) == 50 and "Page 1 sur 2" in page
    assert len(_names(client.get(f"{base}?page=2").get_data(as_text=True))) == 11
    assert _names(client.get(f"{base}?q=forges").get_data(as_text=True)) == ["Forges de Bourgogne"]
    assert "20 adhésions" in client.get(f"{base}?status=pending").get_data(as_text=True)
    assert _names(client.get(f"{base}?sort=fee").get_data(as_text=True))[0] == "Forges de Bourgogne"
    fragment = client.get(f"{base}?q=atelier", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<div id="members-table">') and "60 adhésions" in fragment


def test_the_export_is_what_is_shown(client, register):
    login(client, register.email, PASSWORD)
    page = client.get("/console/clusters/alpha/members?status=pending").get_data(as_text=True)
    assert "status=pending" in page.split("Exporter en CSV")[0]
    export = client.get("/console/clusters/alpha/members/export.csv?status=pending")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 20 and {row[12] for row in rows[1:]} == {"pending"}
