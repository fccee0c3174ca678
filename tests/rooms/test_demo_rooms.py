"""The demo's rooms are run as a cluster would run them: La Cantine's space with its hours, closures, policy and
bookings in the coming weeks, a quote request; Mecabourg's meeting room for partner clusters' members; members
holding coworking tickets. Loading the demo twice adds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from marketplace.catalogue.models import Offer
from marketplace.checkout.models import Order, OrderLine
from marketplace.core.timeutil import paris_today
from marketplace.demo import DEMO_PASSWORD, load_demo
from marketplace.passes.models import PassBook
from marketplace.rooms.models import RoomBooking, RoomClosure, RoomHours, RoomQuote, RoomSpace
from tests.conftest import login


def _load(app, db):
    with app.test_request_context():
        load_demo(db)
        db.commit()


def test_the_demo_rooms_have_hours_closures_bookings_to_come_and_a_quote_request(app, db):
    _load(app, db)
    counts = [db.exec(select(func.count()).select_from(model)).one()
              for model in (RoomBooking, RoomSpace, RoomHours, RoomClosure, RoomQuote, PassBook)]
    _load(app, db)
    assert [db.exec(select(func.count()).select_from(model)).one()
            for model in (RoomBooking, RoomSpace, RoomHours, RoomClosure, RoomQuote, PassBook)] == counts
    cantine = db.exec(select(Offer).where(Offer.slug == "la-cantine-salle")).one()
    days = db.exec(select(RoomBooking.day).join(OrderLine, OrderLine.id == RoomBooking.order_line_id)
                   .join(Order, Order.id == OrderLine.order_id)
                   .where(RoomBooking.offer_id == cantine.id, Order.status == "paid")).all()
    assert len(set(days)) >= 5 and min(days) > paris_today()
    assert db.get(RoomSpace, cantine.id).buffer_minutes == 60 and counts[3] >= 6
    assert db.exec(select(RoomQuote)).one().status == "requested"
    books = {b.holder_email: b.units - b.used_units for b in db.exec(select(PassBook))}
    assert books == {"hello@pixel-sentier.fr": 7, "camille.martin@exemple.fr": 2}


def test_mecabourg_meeting_room_is_open_to_a_partner_clusters_member_at_the_partnership_rate(app, db, client):
    _load(app, db)
    room = db.exec(select(Offer).where(Offer.slug == "salle-reunion-mecabourg")).one()
    assert client.get(f"/offers/{room.id}").status_code == 404
    login(client, "contact@isolation-rhone.fr", DEMO_PASSWORD)  # a member of Cluster Eco-Énergies
    html = client.get(f"/offers/{room.id}").get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert "Salle de réunion Mecabourg" in html and "Disponibilités" in html
    # 180 € excl. VAT for a half day; 10 % reciprocity between Mecabourg and Eco-Énergies
    quote = client.get(f"/offers/{room.id}/quote?slot=half_day&half=morning&people=6&date="
                       f"{_next_weekday().isoformat()}").get_data(as_text=True).replace("\u202f", " ")
    assert "162,00" in quote.replace("\xa0", " ")


def _next_weekday():
    day = paris_today() + timedelta(days=40)
    return day + timedelta(days=(7 - day.weekday()) % 7)  # a Monday
