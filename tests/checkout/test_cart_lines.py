"""The cart: « Panier » counts its items (a visitor with a cart never gets another visitor's cached page), and a
line's quantity changes in the cart within what the offer allows."""

from __future__ import annotations

import re

from sqlmodel import select

from marketplace.checkout.models import CartLine
from marketplace.web.pagecache import invalidate_public_pages
from tests.conftest import csrf_token
from tests.events.conftest import show  # noqa: F401


def _count(client, path: str = "/catalogue") -> str | None:
    found = re.search(r'class="badge cart-count"[^>]*>(\d+)<', client.get(path).get_data(as_text=True))
    return found.group(1) if found else None


def _lines(db) -> list[int]:
    db.rollback()
    return [line.quantity for line in db.exec(select(CartLine).order_by(CartLine.id))]


def test_panier_counts_the_items_and_a_cart_is_never_served_from_the_cache(app, client, db, factories):
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    invalidate_public_pages()
    try:
        offer = factories.make_offer(factories.make_cluster())
        assert _count(client) is None  # cached now for visitors without a cart
        client.post("/cart", data={"offer_id": offer.id, "quantity": "2", "csrf_token": csrf_token(client)})
        assert _count(client) == "2"
        assert _count(app.test_client()) is None  # another visitor: no count of someone else's cart
        assert _count(client) == "2"
    finally:
        invalidate_public_pages()


def test_a_lines_quantity_changes_within_what_is_left(client, db, show):  # noqa: F811
    token = csrf_token(client)
    client.post("/cart", data={"offer_id": show["both"].id, "quantity": "2", "csrf_token": token})
    client.post("/cart", data={"offer_id": show["stand"].id, "quantity": "1", "csrf_token": token})
    ticket, stand = db.exec(select(CartLine).order_by(CartLine.id)).all()
    assert f"/cart/lines/{ticket.id}/quantity" in client.get("/cart").get_data(as_text=True)

    def change(line, quantity: str) -> str:
        response = client.post(f"/cart/lines/{line.id}/quantity", data={"quantity": quantity, "csrf_token": token})
        assert response.status_code == 303
        return client.get(response.headers["Location"]).get_data(as_text=True)

    assert "Quantité mise à jour" in change(ticket, "5") and _lines(db) == [5, 1]
    for wrong in ("0", "-3", "abc", "", "1000"):
        assert "Indiquez une quantité entière de 1 à 999." in change(ticket, wrong)
    assert _lines(db) == [5, 1]
    page = change(stand, "4")  # three stands in all
    assert "Complet" in page and _lines(db) == [5, 1]
    assert _count(client, "/cart") == "6"
    other = client.post("/cart/lines/999999/quantity", data={"quantity": "2", "csrf_token": token})
    assert "plus dans votre panier" in client.get(other.headers["Location"]).get_data(as_text=True)
