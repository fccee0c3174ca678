"""Staff build an event in the console: details, days, what is sold for it, a shared quota, then sales open."""

from __future__ import annotations

import re

from sqlmodel import select

from marketplace.catalogue.models import Offer
from marketplace.events.models import Event, EventDay, EventQuota
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def _post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client)})


def test_staff_build_an_event_and_open_its_sales(client, db, factories):
    cluster = factories.make_cluster(slug="atl", name="Atlanpack")
    factories.make_staff(cluster, "manager", email="salon@atl.fr")
    day = factories.make_offer(cluster, kind="event_ticket", title_fr="Pass 1 jour", list_price_cents=2500)
    both = factories.make_offer(cluster, kind="event_ticket", title_fr="Pass 3 jours", list_price_cents=4500)
    service = factories.make_offer(cluster, kind="service", title_fr="Conseil")
    login(client, "salon@atl.fr", PASSWORD)
    bad = _post(client, "/console/clusters/atl/events/new", slug="VS Pack!", title_fr="VS Pack", title_en="VS Pack",
                starts_at="2027-03-18T09:00", ends_at="2027-03-16T18:00")
    assert bad.status_code == 422 and "Minuscules" in bad.get_data(as_text=True)
    created = _post(client, "/console/clusters/atl/events/new", slug="vs-pack-2027", title_fr="VS Pack 2027",
                    title_en="VS Pack 2027", venue="Beaujoire", city="Nantes", starts_at="2027-03-16T09:00",
                    ends_at="2027-03-18T18:00", capacity="3000")
    assert created.status_code == 303
    db.rollback()
    event = db.exec(select(Event)).one()
    base = f"/console/clusters/atl/events/{event.id}"
    assert event.status == "draft" and client.get("/events/vs-pack-2027").status_code == 200  # staff preview it
    unreadable = _post(client, f"{base}/days", days="16/03/2027 9h-18h\nmardi")
    assert unreadable.status_code == 422 and "Ligne 2 illisible" in unreadable.get_data(as_text=True)
    assert _post(client, f"{base}/days", days="16/03/2027 09:00-18:00\n17/03/2027 09:00-18:00\n"
                                               "18/03/2027 09:00-17:00").status_code == 303
    for offer in (day, both):
        assert _post(client, f"{base}/offers", offer_id=str(offer.id)).status_code == 303
    refused = _post(client, f"{base}/offers", offer_id=str(service.id))  # not a ticket, stand or sponsorship
    assert refused.status_code == 422
    assert _post(client, f"{base}/quotas", name="Visiteurs du jeudi", size="500",
                 offer_ids=[str(day.id), str(both.id)]).status_code == 303
    assert _post(client, f"{base}/status", status="published").status_code == 303
    db.rollback()
    db.expire_all()
    assert db.get(Event, event.id).status == "published"
    assert len(db.exec(select(EventDay).where(EventDay.event_id == event.id)).all()) == 3
    quotas = {q.name: q.size for q in db.exec(select(EventQuota).where(EventQuota.event_id == event.id))}
    assert quotas == {"Capacité de l'événement": 3000, "Visiteurs du jeudi": 500}
    assert {o.id for o in db.exec(select(Offer).where(Offer.event_id == event.id))} == {day.id, both.id}
    page = client.get(base).get_data(as_text=True)
    assert "Visiteurs du jeudi" in page and re.search(r"0 / 500", page)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert "16 mars 2027" in client.get("/events/vs-pack-2027").get_data(as_text=True)


def test_staff_of_another_cluster_see_nothing(client, db, factories):
    cluster = factories.make_cluster(slug="atl", name="Atlanpack")
    other = factories.make_cluster(slug="autre", name="Autre")
    factories.make_staff(other, "admin", email="admin@autre.fr")
    login(client, "admin@autre.fr", PASSWORD)
    assert client.get(f"/console/clusters/{cluster.slug}/events").status_code == 403
    assert client.get("/console/clusters/autre/events").status_code == 200
