"""Tickets: issued once when paid, for the attendees named at checkout, as a PDF with a QR code; codes signed
by the server; admitted once at the entrance; void once refunded; attendees renamed until the event."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import zxingcpp
from pypdf import PdfReader
from sqlmodel import func, select

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.models import Order
from marketplace.checkout.orders import Billing, change_order_status, place_order
from marketplace.events.models import Event, Ticket
from marketplace.events.services import EventInput, attach_offer, change_status, save_event
from marketplace.events.tickets import scan, signature
from marketplace.mail.models import OutboxEmail
from marketplace.payments.paid import order_paid
from marketplace.payments.services import record_manual_payment
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def buy_and_pay(app, db, show, people: list[str], key: str = "order", offer=None) -> Order:
    offer = offer or show["day"]
    with app.test_request_context():
        cart = ensure_cart(db, key, None)
        line = add_to_cart(db, cart, offer.id, len(people), {}, Viewer())
        order, _ = place_order(db, cart, Viewer(), None, Billing("Acheteur SA", f"{key}@exemple.fr"), key, 30,
                               holders={line.id: [{"name": p, "email": None} for p in people]})
        record_manual_payment(db, order, order.total_incl_cents, date.today(), None)
        db.commit()
    return order


def qr_codes(pdf: bytes) -> list[str]:
    """What a scanner reads on each page of a tickets PDF."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [result.text for result in zxingcpp.read_barcodes(image.image)]
    return found


def _tickets(db) -> list[Ticket]:
    db.rollback()
    db.expire_all()
    return list(db.exec(select(Ticket).order_by(Ticket.id)).all())


def test_a_paid_line_issues_named_tickets_once_and_mails_them(app, db, show):
    order = buy_and_pay(app, db, show, ["Alice Martin", "Bruno Petit"])
    with app.test_request_context():
        order_paid(db, db.get(Order, order.id), date.today())  # a replayed payment issues nothing more
        db.commit()
    tickets = _tickets(db)
    assert [t.attendee_name for t in tickets] == ["Alice Martin", "Bruno Petit"]
    assert len({t.code for t in tickets}) == 2
    mails = db.exec(select(OutboxEmail).where(OutboxEmail.subject.contains("Vos billets"))).all()
    assert len(mails) == 1 and mails[0].attachment_data.startswith(b"%PDF")
    assert qr_codes(mails[0].attachment_data) == [t.code for t in tickets]  # the QR reads back each code


def test_codes_are_admitted_once_and_forged_void_or_foreign_ones_refused(app, db, show, factories):
    order = buy_and_pay(app, db, show, ["Alice Martin", "Bruno Petit"])
    staff = factories.make_staff(show["cluster"], "manager", email="entree@salon.fr", full_name="Entrée Nord")
    first, second = _tickets(db)
    event = db.get(Event, show["event"].id)
    with app.test_request_context():
        assert scan(db, event, first.code.lower(), staff.id).outcome == "admitted"  # typed in lower case
        again = scan(db, event, first.code, staff.id)
        assert again.outcome == "already" and again.by == "Entrée Nord" and again.ticket.checked_in_at
        line, position, sig = second.code.split("-")
        assert scan(db, event, f"{line}-{position}-{'A' * len(sig)}", staff.id).outcome == "unknown"  # forged
        assert scan(db, event, f"{line}-{int(position) + 5}-{sig}", staff.id).outcome == "unknown"
        assert scan(db, event, "n'importe quoi", staff.id).outcome == "unknown"
        other = save_event(db, show["cluster"], Event(), EventInput(
            "autre-salon", "Autre", "Other", "", "", "", "", "", "", event.starts_at, event.ends_at, None))
        assert scan(db, other, second.code, staff.id).outcome == "other_event"
        assert signature(other.id, int(line), int(position)) != sig  # a code is bound to its event
        db.commit()
        change_order_status(db, db.get(Order, order.id), "refunded")
        db.commit()
        assert scan(db, event, second.code, staff.id).outcome == "void"
        db.commit()
    assert [t.status for t in _tickets(db)] == ["void", "void"]


def test_the_buyer_renames_an_attendee_until_the_event(app, client, db, show, factories):
    user = factories.make_user("acheteur@exemple.fr")
    order = buy_and_pay(app, db, show, ["Alice Martin"])
    order.user_id = user.id
    db.add(db.get(Order, order.id))
    db.get(Order, order.id).user_id = user.id
    db.commit()
    ticket = _tickets(db)[0]
    login(client, "acheteur@exemple.fr", PASSWORD)
    page = client.get("/account/tickets").get_data(as_text=True)
    assert "Alice Martin" in page and ticket.code in page
    client.post(f"/account/tickets/{ticket.id}", data={"name": "Chloé Durand", "csrf_token": csrf_token(client)})
    assert _tickets(db)[0].attendee_name == "Chloé Durand"
    assert client.get(f"/account/tickets/{ticket.id}.pdf").data.startswith(b"%PDF")
    event = db.get(Event, show["event"].id)
    event.starts_at = datetime.now(UTC) - timedelta(hours=1)
    db.add(event)
    db.commit()
    client.post(f"/account/tickets/{ticket.id}", data={"name": "Trop Tard", "csrf_token": csrf_token(client)})
    assert _tickets(db)[0].attendee_name == "Chloé Durand"
    other = factories.make_user("autre@exemple.fr")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, other.email, PASSWORD)
    assert client.get(f"/account/tickets/{ticket.id}.pdf").status_code == 404


def test_the_order_page_links_the_tickets_for_whoever_may_see_the_order(app, client, db, show):
    order = buy_and_pay(app, db, show, ["Alice Martin"])
    page = client.get(f"/orders/{order.number}?t={order.access_token}").get_data(as_text=True)
    assert "Billets (PDF)" in page
    assert client.get(f"/orders/{order.number}/tickets.pdf?t={order.access_token}").data.startswith(b"%PDF")
    assert client.get(f"/orders/{order.number}/tickets.pdf").status_code == 404
    assert client.get(f"/orders/{order.number}/tickets.pdf?t=faux").status_code == 404


def test_the_entrance_page_admits_counts_and_lists(app, client, db, show, factories):
    buy_and_pay(app, db, show, ["Alice Martin", "Bruno Petit"])
    factories.make_staff(show["cluster"], "manager", email="entree@salon.fr", full_name="Entrée Nord")
    code = _tickets(db)[0].code
    login(client, "entree@salon.fr", PASSWORD)
    url = f"/console/clusters/salon/events/{show['event'].id}/checkin"
    assert "Code du billet" in client.get(url).get_data(as_text=True)
    ok = client.post(url, data={"code": code, "csrf_token": csrf_token(client)}, headers={"HX-Request": "true"})
    assert ok.status_code == 200 and "Entrée validée" in ok.get_data(as_text=True)
    again = client.post(url, data={"code": code, "csrf_token": csrf_token(client)}, headers={"HX-Request": "true"})
    assert again.status_code == 409 and "Déjà enregistré" in again.get_data(as_text=True)
    assert "Entrée Nord" in again.get_data(as_text=True)
    counts = client.get(f"{url}/counts").get_data(as_text=True)
    assert "Pass 1 jour" in counts and ">1<" in counts.replace(" ", "") and ">2<" in counts.replace(" ", "")
    listing = client.get(f"/console/clusters/salon/events/{show['event'].id}/attendees.csv").get_data(as_text=True)
    assert "Alice Martin" in listing and "Bruno Petit" in listing and code in listing
    assert db.exec(select(func.count(Ticket.id))).one() == 2


@pytest.mark.parametrize("quantity", [1, 3])
def test_each_unit_is_one_ticket(app, db, show, quantity):
    buy_and_pay(app, db, show, [f"P{n}" for n in range(quantity)], key=f"q{quantity}", offer=show["both"])
    assert len(_tickets(db)) == quantity
    assert attach_offer and change_status  # the fixture built the event through the services


def test_a_day_pass_admits_on_its_day_only(app, db, show, factories):
    event = db.get(Event, show["event"].id)
    second_day = factories.make_offer(show["cluster"], kind="event_ticket", title_fr="Pass du 2e jour",
                                      list_price_cents=1500, starts_at=event.starts_at + timedelta(days=1),
                                      ends_at=event.starts_at + timedelta(days=1, hours=8))
    with app.test_request_context():
        from marketplace.events.services import attach_offer as attach

        attach(db, event, second_day)
        db.commit()
    buy_and_pay(app, db, show, ["Dana"], key="day2", offer=second_day)
    staff = factories.make_staff(show["cluster"], "manager", email="entree@salon.fr")
    ticket = _tickets(db)[0]
    with app.test_request_context():
        first_morning = event.starts_at + timedelta(hours=1)
        assert scan(db, event, ticket.code, staff.id, now=first_morning).outcome == "wrong_day"
        assert scan(db, event, ticket.code, staff.id, now=first_morning + timedelta(days=1)).outcome == "admitted"
        db.commit()
