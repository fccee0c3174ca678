"""Anonymous catalogue pages come from a short-lived cache; signed-in members never do."""

from __future__ import annotations

import pytest
from sqlmodel import select

from marketplace.catalogue.models import Offer
from marketplace.web.pagecache import invalidate_public_pages
from tests.conftest import login
from tests.factories import PASSWORD
from tests.shop.test_catalogue import demo, titles  # noqa: F401


@pytest.fixture
def cached(app):
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    invalidate_public_pages()
    yield
    invalidate_public_pages()


def _rename_room(db, title):
    room = db.exec(select(Offer).where(Offer.slug == "la-cantine-salle")).one()
    room.title_fr = title
    db.add(room)
    db.commit()


def test_visitor_pages_are_cached_until_invalidated(client, db, demo, cached):  # noqa: F811
    assert "La Cantine : location de salle" in titles(client.get("/catalogue?kind=room"))
    _rename_room(db, "Salle renommée")
    assert "La Cantine : location de salle" in titles(client.get("/catalogue?kind=room"))
    invalidate_public_pages()
    assert "Salle renommée" in titles(client.get("/catalogue?kind=room"))


def test_cached_pages_carry_no_personal_token(app, demo, cached):  # noqa: F811
    for _ in range(2):
        visitor = app.test_client()
        response = visitor.get("/catalogue")
        assert 'name="csrf-token"' not in response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers  # nothing personal: no session is written


def test_pages_with_a_form_token_are_not_cached(client, app, cached):
    from marketplace.web.pagecache import _cache

    client.get("/login")
    assert _cache.get(("/login?", "fr", False)) is None


def test_signed_in_members_are_never_served_from_cache(client, db, demo, factories, cached):  # noqa: F811
    client.get("/catalogue?kind=room")
    factories.make_user("membre@exemple.fr")
    login(client, "membre@exemple.fr", PASSWORD)
    _rename_room(db, "Salle renommée")
    assert "Salle renommée" in titles(client.get("/catalogue?kind=room"))


def test_error_pages_are_not_cached(client, db, demo, cached):  # noqa: F811
    assert client.get("/catalogue?price_min=x").status_code == 422
    assert client.get("/offers/999999").status_code == 404
    assert client.get("/catalogue?price_min=x").status_code == 422


def test_an_expired_page_is_rendered_by_one_request_while_others_get_the_stale_copy(monkeypatch):
    from marketplace.web import pagecache

    clock = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock[0])
    cache = pagecache.PageCache()
    cache.put(("k",), b"old", {}, ttl=30)
    clock[0] += 31
    assert cache.get(("k",)) is None          # the first caller after expiry renders again
    assert cache.get(("k",)) == (b"old", {})   # meanwhile the others are served the stale copy
    cache.put(("k",), b"new", {}, ttl=30)
    assert cache.get(("k",)) == (b"new", {})
    clock[0] += 31 + pagecache.REFRESH_GRACE_SECONDS + 31
    assert cache.get(("k",)) is None


def test_cache_is_bounded():
    from marketplace.web.pagecache import PageCache

    cache = PageCache(max_entries=3)
    for i in range(5):
        cache.put((i,), str(i).encode(), {}, ttl=60)
    assert cache.get((0,)) is None and cache.get((4,)) == (b"4", {})


def test_an_offer_page_with_its_quote_gives_each_visitor_their_own_token(app, demo, cached):  # noqa: F811
    """The quote box is kept rendered per what it shows; the add-to-cart form's token is each visitor's own, the
    page is never page-cached, and the token works."""
    import re

    from marketplace.web.pagecache import _cache
    from tests.conftest import MONDAY

    room = demo["la-cantine-salle"]
    path = f"/offers/{room.id}?date={MONDAY.isoformat()}&slot=half_day&people=30"
    tokens = []
    for _ in range(2):
        visitor = app.test_client()
        for quote_path in (path, path.replace("?", "/quote?")):
            response = visitor.get(quote_path)
            assert "Set-Cookie" in response.headers  # a session for the token
            token = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)
            tokens.append(token)
        added = visitor.post("/cart", data={"csrf_token": token, "offer_id": room.id, "quantity": 1,
                                            "date": MONDAY.isoformat(), "slot": "half_day", "people": 30})
        assert added.status_code == 303 and added.headers["Location"].endswith("/cart")
        assert f"{MONDAY:%d/%m/%Y}, 30 pers." in visitor.get("/cart").get_data(as_text=True)  # the line, in the cart
    assert tokens[0] != tokens[2] and "token-" not in "".join(tokens)
    assert _cache.get((path, "fr", False)) is None
