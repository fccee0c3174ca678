"""The demo runs the worker's jobs in its own process: what it queues is written as .eml files without a second
command, and unpaid orders past their deadline expire."""

from __future__ import annotations

import time
from pathlib import Path

from sqlmodel import Session

from marketplace.checkout.models import Order
from marketplace.cli import jobs_in_background
from marketplace.core.timeutil import utcnow
from marketplace.db import get_engine
from marketplace.demo import demo_logins
from marketplace.mail.services import queue_email


def test_the_demos_background_jobs_send_the_outbox_and_expire_orders(app, db, factories):
    with app.test_request_context():
        queue_email(db, "membre@exemple.fr", "Bienvenue", "Bonjour.")
        order = factories.make_order(factories.make_offer(factories.make_cluster()))
        order.hold_expires_at = utcnow()
        db.add(order)
        db.commit()
    stop, thread = jobs_in_background(app, interval=0.05)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not list(Path(app.config["MAIL_DIR"]).glob("*.eml")):
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert [p.read_text() for p in Path(app.config["MAIL_DIR"]).glob("*.eml")]
    with Session(get_engine(app.config["DATABASE_URL"])) as fresh:
        assert fresh.get(Order, order.id).status == "expired"


def test_the_demo_names_its_teams_in_words():
    described = dict(demo_logins())
    assert described["direction@neopolia.fr"] == "équipe de Neopolia (administration)"
    assert not any("-" in what.split("(")[0] for what in described.values())
