"""An event of a cluster with two ticket types sharing a quota, for the events tests."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from marketplace.events.models import Event
from marketplace.events.services import (
    EventInput,
    add_quota,
    attach_offer,
    change_status,
    save_event,
    set_days,
)


@pytest.fixture
def show(app, db, factories):
    """A published two-day show: a day pass and a two-day pass sharing 20 seats, a stand type of 3."""
    cluster = factories.make_cluster(slug="salon", name="Cluster du Salon")
    # Nine in the morning in Paris, whatever the hour the tests run at (a late run must not move it to the next day).
    starts = datetime.combine(datetime.now(UTC).date() + timedelta(days=30), time(8), UTC)
    with app.test_request_context():
        event = save_event(db, cluster, Event(), EventInput(
            "salon-test", "Salon test", "Test show", "Deux jours d'exposition.", "Two days.", "", "",
            "Parc des expositions", "Nantes", starts, starts + timedelta(days=1, hours=9), None))
        set_days(db, event, [(starts.date(), time(9), time(18)), ((starts + timedelta(days=1)).date(), time(9),
                                                                   time(17))])
        day = factories.make_offer(cluster, kind="event_ticket", title_fr="Pass 1 jour", list_price_cents=2000,
                                   member_price_cents=0)
        both = factories.make_offer(cluster, kind="event_ticket", title_fr="Pass 2 jours", list_price_cents=3500)
        stand = factories.make_offer(cluster, kind="stand", title_fr="Stand 9 m²", list_price_cents=100_000,
                                     capacity=3)
        for offer in (day, both, stand):
            attach_offer(db, event, offer)
        quota = add_quota(db, event, "Visiteurs", 20, [day.id, both.id])
        change_status(db, event, "published")
        db.commit()
    return dict(cluster=cluster, event=event, day=day, both=both, stand=stand, quota=quota)
