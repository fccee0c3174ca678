"""The console's offers table: search, kind, order, pages, and a CSV of what is shown."""

from __future__ import annotations

import csv
import io
import re

from tests.conftest import login
from tests.factories import PASSWORD


def test_offers_are_searched_filtered_sorted_paged_and_exported(app, client, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(slug="alpha")
        staff = factories.make_staff(cluster, "manager", email="gestion@alpha.fr")
        for i in range(52):
            factories.make_offer(cluster, title_fr=f"Atelier {i:02d}", list_price_cents=1000 + i)
        factories.make_offer(cluster, kind="room", title_fr="Grande salle", list_price_cents=250_000)
    login(client, staff.email, PASSWORD)
    base = "/console/clusters/alpha/offers"

    def titles(query: str = "") -> list[str]:
        return re.findall(r'/offers/\d+">([^<]+)</a>', client.get(f"{base}{query}").get_data(as_text=True))

    assert len(titles()) == 50 and len(titles("?page=2")) == 3
    assert titles("?q=grande") == ["Grande salle"] and titles("?status=room") == ["Grande salle"]
    assert titles("?sort=price")[0] == "Grande salle" and titles("?sort=title")[0] == "Atelier 00"
    export = client.get(f"{base}?format=csv&q=atelier&sort=price")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 53 and rows[1][0] == "Atelier 51" and rows[1][3] == "10,51"
