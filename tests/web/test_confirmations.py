"""Irreversible console steps ask before they are sent (static/js/app.js asks the question of data-confirm; the
browser test of the settlements page clicks through it); on a phone the quote comes before the rates."""

from __future__ import annotations

import re

from tests.admin.test_permissions import world  # noqa: F401
from tests.conftest import login
from tests.factories import PASSWORD
from tests.shop.test_catalogue import demo  # noqa: F401


def test_refund_reject_and_renewals_ask_first(client, world):  # noqa: F811
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    order_page = client.get(f"/orders/{world['paid'].number}").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/console/orders/\d+/refund"\s+data-confirm="Rembourser', order_page)
    orders = client.get("/console/clusters/cluster-a/orders").get_data(as_text=True)
    assert re.search(r'formaction="/console/clusters/cluster-a/orders/\d+/reject"\s+data-confirm="Refuser', orders)
    renewals = client.get("/console/clusters/cluster-a/renewals?year=2027").get_data(as_text=True)
    assert 'data-confirm="Lancer les renouvellements 2027' in renewals


def test_on_an_offer_page_the_quote_comes_before_the_rates(client, demo):  # noqa: F811
    page = client.get(f"/offers/{demo['la-cantine-salle'].id}").get_data(as_text=True)
    assert page.index('class="offer-main"') < page.index('class="offer-aside"') < page.index('class="offer-details"')
    assert page.index('id="quote"') < page.index("Grille tarifaire")
