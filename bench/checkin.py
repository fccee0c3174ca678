"""Check-in at the entrance of an event with 3 000 issued tickets: the scan a staff member's phone posts.

Usage: python bench/checkin.py [--tickets 3000] [--scans 300] [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

What one run does, on one freshly built PostgreSQL database (`bench_checkin_<pid>_<random>`, the project's
migrations, dropped at the end, also on error or Ctrl-C):

1. a cluster, a published event, two ticket types and `--tickets` tickets issued in orders of three
   (codes signed as the product signs them), a staff member of the cluster;
2. signs that staff member in through the application (the real sign-in form, a real session cookie)
   and scans `--scans` distinct codes the way the entrance page does: `POST
   /console/clusters/<slug>/events/<id>/checkin` as an htmx request (CSRF header, permission check,
   the conditional update that admits once, the commit, the result panel and the live counts rendered);
3. then scans a few of them again (the "already admitted" answer) and a few forged codes;
4. as a floor, times the least a scan needs through the same engine: one `SELECT` of the ticket by its
   code and one conditional `UPDATE`, committed;
5. prints the median and 95th percentile of each, the ratio of the page's median to the floor's, and the
   goal: **median scan < 50 ms**, PASS or FAIL.

Exit status 0 whatever the goal says; non-zero only when something broke (a scan not answered as
expected). Figures are for this machine; a run made while something else eats a core is noisy.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from marketplace import create_app  # noqa: E402
from marketplace.auth.models import StaffRole, User  # noqa: E402
from marketplace.auth.services import hash_password  # noqa: E402
from marketplace.catalogue.models import Offer  # noqa: E402
from marketplace.checkout.models import Order, OrderLine  # noqa: E402
from marketplace.clusters.models import Cluster  # noqa: E402
from marketplace.events.models import Event, Ticket  # noqa: E402
from marketplace.events.tickets import ticket_code  # noqa: E402
from marketplace.migrate import upgrade  # noqa: E402

PASSWORD = "bench-checkin-password-2026"
GOAL_MS = 50


def _database(base: str) -> str:
    name = f"bench_checkin_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def _populate(url: str, tickets: int, secret: str) -> tuple[int, list[str]]:
    """The event and its tickets; returns the event id and every code."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    codes = []
    with Session(engine) as db:
        cluster = Cluster(slug="bench", name="Cluster de mesure", legal_name="Association de mesure",
                          siret="41230000600019", region="Pays de la Loire", sector="Emballage")
        db.add(cluster)
        db.flush()
        event = Event(cluster_id=cluster.id, slug="salon-mesure", title_fr="Salon", title_en="Show",
                      starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=9), status="published")
        db.add(event)
        db.flush()
        offers = [Offer(cluster_id=cluster.id, event_id=event.id, kind="event_ticket", slug=f"pass-{n}",
                        title_fr=f"Pass {n}", title_en=f"Pass {n}", list_price_cents=2000) for n in (1, 2)]
        db.add_all(offers)
        db.flush()
        user = User(email="entree@mesure.fr", full_name="Entrée", password_hash=hash_password(PASSWORD))
        db.add(user)
        db.flush()
        db.add(StaffRole(user_id=user.id, cluster_id=cluster.id, role="manager"))
        for n in range(0, tickets, 3):
            offer = offers[n // 3 % 2]
            order = Order(number=f"C2026-{n:06d}", payment_reference=f"RF00{n}", idempotency_key=f"k{n}",
                          access_token=secrets.token_urlsafe(8), status="paid", total_excl_cents=6000,
                          total_vat_cents=1200, total_incl_cents=7200, billing_name=f"Acheteur {n}",
                          billing_email=f"a{n}@mesure.fr", terms_accepted_at=now, created_at=now)
            db.add(order)
            db.flush()
            quantity = min(3, tickets - n)
            line = OrderLine(order_id=order.id, offer_id=offer.id, cluster_id=cluster.id, kind="event_ticket",
                             description=offer.title_fr, quantity=quantity, units=quantity, unit_list_cents=2000,
                             unit_price_cents=2000, excl_cents=2000 * quantity, vat_rate_bps=2000,
                             vat_cents=400 * quantity, incl_cents=2400 * quantity)
            db.add(line)
            db.flush()
            for position in range(1, quantity + 1):
                code = ticket_code(event.id, line.id, position, secret)
                codes.append(code)
                db.add(Ticket(event_id=event.id, offer_id=offer.id, order_line_id=line.id, position=position,
                              code=code, attendee_name=f"Participant {n + position}"))
        db.commit()
        event_id = event.id
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return event_id, codes


def _sign_in(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"email": "entree@mesure.fr", "password": PASSWORD, "csrf_token": token})
    if answer.status_code != 303:
        raise SystemExit(f"sign-in failed: {answer.status_code}")
    page = client.get("/console/").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _p95_ms(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    url = _database(args.url)
    try:
        secret = secrets.token_hex(32)
        upgrade(url)
        event_id, codes = _populate(url, args.tickets, secret)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret, "RATE_LIMITS": False,
                          "PUBLIC_CACHE_SECONDS": 0, "MAIL_DIR": "/tmp/bench-checkin-mail"})
        client = app.test_client()
        csrf = _sign_in(client)
        endpoint = f"/console/clusters/bench/events/{event_id}/checkin"
        headers = {"HX-Request": "true", "X-CSRFToken": csrf}
        picked = codes[:: max(1, len(codes) // args.scans)][: args.scans]
        for code in codes[-5:]:  # warm-up (templates, connections)
            client.post(endpoint, data={"code": code}, headers=headers)
        page = []
        for code in picked:
            started = time.perf_counter()
            answer = client.post(endpoint, data={"code": code}, headers=headers)
            page.append(time.perf_counter() - started)
            if answer.status_code != 200 or "Entrée validée" not in answer.get_data(as_text=True):
                raise SystemExit(f"scan of {code} answered {answer.status_code}")
        for code in picked[:20]:
            if client.post(endpoint, data={"code": code}, headers=headers).status_code != 409:
                raise SystemExit("a second scan was admitted")
        if client.post(endpoint, data={"code": picked[0][:-3] + "AAA"}, headers=headers).status_code != 409:
            raise SystemExit("a forged code was admitted")
        floor = _floor(url, codes[len(codes) // 2:], len(picked))
        _report(args, page, floor)
        return 0
    finally:
        from marketplace.db import dispose_engine

        dispose_engine(url)
        _drop(url)


def _floor(url: str, codes: list[str], count: int) -> list[float]:
    engine = create_engine(url)
    samples = []
    with engine.connect() as conn:
        for code in codes[:count]:
            started = time.perf_counter()
            row = conn.execute(text("SELECT id FROM ticket WHERE code = :c"), {"c": code}).first()
            conn.execute(text("UPDATE ticket SET checked_in_at = now() WHERE id = :i AND checked_in_at IS NULL"),
                         {"i": row[0]})
            conn.commit()
            samples.append(time.perf_counter() - started)
    engine.dispose()
    return samples


def _report(args, page: list[float], floor: list[float]) -> None:
    median = _median_ms(page)
    print(f"tickets issued: {args.tickets}, scans timed: {len(page)}")
    print(f"scan through the entrance page: median {median:.1f} ms, p95 {_p95_ms(page):.1f} ms")
    print(f"floor (select + conditional update + commit): median {_median_ms(floor):.2f} ms, "
          f"p95 {_p95_ms(floor):.2f} ms")
    print(f"ratio page / floor (medians): {median / _median_ms(floor):.1f}")
    print(f"goal: median scan < {GOAL_MS} ms: {'PASS' if median < GOAL_MS else 'FAIL'}")


if __name__ == "__main__":
    sys.exit(main())
