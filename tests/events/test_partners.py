"""Ticket types' limits and invitation codes; exhibitors and sponsors shown on the event page after payment;
a sponsorship's invitations issued when paid; the organiser's view of sales."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlmodel import select

from marketplace.catalogue.models import Offer
from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.models import Order
from marketplace.checkout.orders import Billing, change_order_status, place_order
from marketplace.core.errors import Conflict, PricingError
from marketplace.events.invitations import create_invitation
from marketplace.events.models import Event, EventProfile, InvitationCode, SponsorPackage, Ticket
from marketplace.events.services import attach_offer
from marketplace.payments.services import record_manual_payment
from tests.conftest import csrf_token, login
from tests.events.test_tickets import buy_and_pay
from tests.factories import PASSWORD


def _fresh(db):
    db.rollback()
    db.expire_all()


def _png(size=(800, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 114, 173)).save(out, format="PNG")
    return out.getvalue()


def test_a_ticket_type_has_a_most_per_order(app, db, show):
    offer = db.get(Offer, show["day"].id)
    offer.max_per_order = 4
    db.add(offer)
    db.commit()
    with app.test_request_context(), pytest.raises(PricingError) as refused:
        add_to_cart(db, ensure_cart(db, "five", None), show["day"].id, 5, {}, Viewer())
    assert refused.value.message == "4 au plus par commande."


def test_an_invitation_code_is_free_as_many_times_as_it_says(app, client, db, show):
    with app.test_request_context():
        code = create_invitation(db, db.get(Event, show["event"].id), show["both"].id, "Presse", 2, "presse-2027")
        db.commit()
    assert code.code == "PRESSE-2027"
    answer = client.post("/events/salon-test/invitation", data={"invitation": " presse-2027 ",
                                                               "csrf_token": csrf_token(client)})
    assert answer.headers["Location"].endswith("/cart")
    cart = client.get("/cart").get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert "invitation" in cart and "0,00 €" in cart
    with app.test_request_context():
        orders = []
        for key in ("g1", "g2", "g3"):
            cart = ensure_cart(db, key, None)
            try:
                line = add_to_cart(db, cart, show["both"].id, 1, {"invitation": "PRESSE-2027"}, Viewer())
                order, _ = place_order(db, cart, Viewer(), None, Billing("Journaliste", f"{key}@presse.fr"), key, 30,
                                       holders={line.id: [{"name": key, "email": None}]})
                db.commit()
                orders.append(order)
            except (PricingError, Conflict):
                db.rollback()
        assert len(orders) == 2 and all(o.total_incl_cents == 0 for o in orders)  # the third is refused
        change_order_status(db, db.get(Order, orders[0].id), "expired")  # an unused invitation comes back
        db.commit()
    _fresh(db)
    assert db.exec(select(InvitationCode)).one().used_units == 1
    wrong = client.post("/events/salon-test/invitation", data={"invitation": "FAUX-CODE",
                                                              "csrf_token": csrf_token(client)})
    assert wrong.headers["Location"].endswith("#tickets")


@pytest.fixture
def partners(app, db, show, factories):
    gold = factories.make_offer(show["cluster"], kind="sponsorship", title_fr="Parrainage Or", capacity=2,
                                list_price_cents=1_500_000)
    with app.test_request_context():
        attach_offer(db, show["event"], gold)
        db.add(SponsorPackage(offer_id=gold.id, invitations=3, stands=1))
        db.commit()
    return dict(gold=gold)


def _buy(app, db, offer, key, quantity=1) -> Order:
    with app.test_request_context():
        cart = ensure_cart(db, key, None)
        add_to_cart(db, cart, offer.id, quantity, {}, Viewer())
        order, _ = place_order(db, cart, Viewer(), None, Billing(f"Société {key}", f"{key}@societe.fr"), key, 30)
        record_manual_payment(db, order, order.total_incl_cents, date.today(), None)
        db.commit()
    return order


def test_a_paid_stand_makes_an_exhibitor_who_fills_its_profile(app, client, db, show, factories):
    order = _buy(app, db, show["stand"], "expo", quantity=2)
    _fresh(db)
    profiles = db.exec(select(EventProfile).order_by(EventProfile.id)).all()
    assert [(p.role, p.company) for p in profiles] == [("exhibitor", "Société expo")] * 2
    url = f"/events/profiles/{profiles[0].id}"
    assert client.get(url).status_code == 404  # only its buyer
    page = client.get(f"{url}?t={order.access_token}")
    assert page.status_code == 200
    bad = client.post(url, data={"t": order.access_token, "company": "Emballages Expo", "csrf_token":
                                 csrf_token(client), "logo": (io.BytesIO(b"not an image"), "logo.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    saved = client.post(url, data={"t": order.access_token, "company": "Emballages Expo",
                                   "website": "https://emballages-expo.fr", "description": "Films et étuis.",
                                   "csrf_token": csrf_token(client), "logo": (io.BytesIO(_png()), "logo.png")},
                        content_type="multipart/form-data")
    assert saved.status_code == 303
    _fresh(db)
    profile = db.get(EventProfile, profiles[0].id)
    assert Image.open(io.BytesIO(profile.logo)).size == (480, 180)  # resized, re-encoded
    staff = factories.make_staff(show["cluster"], "manager", email="salon@salon.fr")
    login(client, staff.email, PASSWORD)
    client.post(f"/console/clusters/salon/events/{show['event'].id}/profiles/{profile.id}/stand",
                data={"stand_number": "B12", "csrf_token": csrf_token(client)})
    listing = client.get(f"/console/clusters/salon/events/{show['event'].id}/exhibitors.csv").get_data(as_text=True)
    assert "Emballages Expo" in listing and "B12" in listing
    public = client.get("/events/salon-test").get_data(as_text=True)
    assert "Emballages Expo" in public and "stand B12" in public
    assert client.get(f"/events/profiles/{profile.id}/logo").mimetype == "image/png"
    _fresh(db)
    with app.test_request_context():
        change_order_status(db, db.get(Order, order.id), "refunded")
        db.commit()
    assert "Emballages Expo" not in client.get("/events/salon-test").get_data(as_text=True)


def test_a_paid_sponsorship_shows_its_sponsor_and_issues_its_invitations(app, client, db, show, partners):
    _buy(app, db, partners["gold"], "sponsor")
    _fresh(db)
    tickets = db.exec(select(Ticket).where(Ticket.offer_id == partners["gold"].id)).all()
    assert len(tickets) == 3 and tickets[0].attendee_name == "Invité·e de Société sponsor"
    roles = [p.role for p in db.exec(select(EventProfile).order_by(EventProfile.position))]
    assert roles == ["sponsor", "exhibitor"]  # the package includes a stand
    assert "Société sponsor" in client.get("/events/salon-test").get_data(as_text=True)


def test_the_organisers_view(app, client, db, show, factories):
    buy_and_pay(app, db, show, ["A", "B"], key="s1")
    buy_and_pay(app, db, show, ["C"], key="s2", offer=show["both"])
    factories.make_staff(show["cluster"], "manager", email="salon@salon.fr")
    login(client, "salon@salon.fr", PASSWORD)
    page = client.get(f"/console/clusters/salon/events/{show['event'].id}/sales").get_data(as_text=True)
    assert "<polyline" in page and "Pass 1 jour : 2" in page and "Pass 2 jours : 1" in page
    assert "Cluster du Salon" in page  # revenue booked on its 706
    assert ">3<" in page.replace(" ", "")  # tickets sold


def test_staff_of_another_cluster_cannot_touch_an_events_partners(client, db, show, partners, factories):
    other = factories.make_cluster(slug="autre")
    factories.make_staff(other, "admin", email="admin@autre.fr")
    login(client, "admin@autre.fr", PASSWORD)
    base = f"/console/clusters/salon/events/{show['event'].id}"
    for url, data in ((f"{base}/invitations", {"offer_id": show["day"].id, "max_uses": "5"}),
                      (f"{base}/packages/{partners['gold'].id}", {"invitations": "50"}),
                      (f"{base}/profiles/1/stand", {"stand_number": "Z9"})):
        assert client.post(url, data={**data, "csrf_token": csrf_token(client)}).status_code == 403
    _fresh(db)
    assert db.exec(select(InvitationCode)).first() is None and db.get(SponsorPackage, partners["gold"].id).invitations == 3
