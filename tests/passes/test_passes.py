"""Coworking books: issued when paid with a balance and an expiry, a ticket used at the desk or on site with
the desk's code, counted once; the holder sees the balance and history; an expired book is shown as such."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.checkout.orders import change_order_status
from marketplace.core.errors import Conflict, Invalid
from marketplace.passes.models import PassBook, PassRedemption
from marketplace.passes.services import redeem, redeem_with_desk_code
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.passes.conftest import buy_book


def _books(db):
    db.rollback()
    db.expire_all()
    return db.exec(select(PassBook).order_by(PassBook.id)).all()


def test_a_paid_book_has_ten_tickets_for_twelve_months_and_a_single_pass_none(app, db, space):
    order = buy_book(app, db, space["offer"], quantity=2)
    assert order.total_incl_cents == 2 * 9000  # 90 € incl. VAT each (DOMAIN.md)
    books = _books(db)
    assert [(b.units, b.used_units, b.label) for b in books] == [(10, 0, "Carnet de 10 journées")] * 2
    assert books[0].code != books[1].code
    paid = db.get(Order, order.id).paid_at
    assert books[0].expires_at.date() == paid.replace(year=paid.year + 1, day=min(paid.day, 28)).date()
    buy_book(app, db, space["offer"], key="single", variant="day")
    assert len(_books(db)) == 2  # a single pass is its own admission: no book


def test_tickets_are_used_once_each_until_none_or_expiry(app, db, space, factories):
    buy_book(app, db, space["offer"], variant="book10_half")
    (book,) = _books(db)
    staff = factories.make_staff(space["cluster"], "manager")
    with app.test_request_context():
        for _ in range(10):
            redeem(db, book, staff.id, by_staff=True)
        db.commit()
        with pytest.raises(Conflict, match="plus de ticket"):
            redeem(db, book, staff.id, by_staff=True)
        db.rollback()
    assert _books(db)[0].used_units == 10
    assert len(db.exec(select(PassRedemption)).all()) == 10
    buy_book(app, db, space["offer"], key="old")
    old = _books(db)[1]
    with app.test_request_context(), pytest.raises(Conflict, match="expiré"):
        redeem(db, old, staff.id, by_staff=True, now=old.expires_at + timedelta(minutes=1))


def test_a_refunded_book_is_void(app, db, space):
    order = buy_book(app, db, space["offer"])
    with app.test_request_context():
        change_order_status(db, db.get(Order, order.id), "refunded")
        db.commit()
        with pytest.raises(Conflict, match="annulé"):
            redeem(db, _books(db)[0], None, by_staff=True)


def test_the_holder_sees_the_balance_and_uses_a_ticket_with_the_desk_code(app, client, db, space, factories):
    member = factories.make_organization(name="Studio Pixel")
    user = factories.make_user("hello@pixel.fr", organization_id=member.id)
    buy_book(app, db, space["offer"], user=user, organization=member)
    (book,) = _books(db)
    login(client, user.email, PASSWORD)
    page = client.get("/account/passes").get_data(as_text=True)
    assert "10 tickets restants" in page and book.code in page
    client.post(f"/account/passes/{book.id}/use", data={"desk_code": "faux", "csrf_token": csrf_token(client)})
    assert _books(db)[0].used_units == 0
    client.post(f"/account/passes/{book.id}/use", data={"desk_code": "cantine42", "csrf_token": csrf_token(client)})
    assert _books(db)[0].used_units == 1
    page = client.get("/account/passes").get_data(as_text=True)
    assert "9 tickets restants" in page and "par vous, sur place" in page
    with app.test_request_context(), pytest.raises(Invalid):
        redeem_with_desk_code(db, book, "", user.id)
    other = factories.make_user("autre@exemple.fr")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, other.email, PASSWORD)
    assert client.post(f"/account/passes/{book.id}/use", data={"desk_code": "CANTINE42",
                                                               "csrf_token": csrf_token(client)}).status_code == 404


def test_the_desk_finds_a_holder_and_uses_a_ticket_in_one_click(app, client, db, space, factories):
    buy_book(app, db, space["offer"])
    (book,) = _books(db)
    factories.make_staff(space["cluster"], "manager", email="accueil@cantine.fr")
    login(client, "accueil@cantine.fr", PASSWORD)
    found = client.get("/console/clusters/cantine/desk?q=pixel", headers={"HX-Request": "true"})
    assert "Studio Pixel" in found.get_data(as_text=True) and "10</strong> / 10" in found.get_data(as_text=True)
    used = client.post(f"/console/clusters/cantine/desk/books/{book.id}/use",
                       data={"q": "pixel", "csrf_token": csrf_token(client)})
    assert used.status_code == 303 and _books(db)[0].used_units == 1
    other = factories.make_cluster(slug="autre")
    factories.make_staff(other, "admin", email="admin@autre.fr")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "admin@autre.fr", PASSWORD)
    assert client.post(f"/console/clusters/autre/desk/books/{book.id}/use",
                       data={"csrf_token": csrf_token(client)}).status_code == 404
    assert _books(db)[0].used_units == 1
    assert datetime.now(UTC) < book.expires_at
