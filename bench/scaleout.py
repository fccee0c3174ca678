"""Two app servers on one PostgreSQL (and Redis), one of them killed mid-sale: nothing oversold, every accepted
order recorded once, every email sent once.

    python bench/scaleout.py [--orders 300] [--capacity 120] [--concurrency 16] [--quantity 1]

What one run does (needs PostgreSQL on 127.0.0.1:5432, user postgres, trust auth; Redis is used when it answers
on 127.0.0.1:6379):

1. creates a uniquely named database, `marketplace db upgrade`, one cluster and one offer with `--capacity` places;
2. starts two nodes, each a gunicorn (2 gthread workers) and a `marketplace worker`, with their own instance folder
   (their emails are written as .eml files there), on two ports;
3. sends `--orders` orders through POST /api/v1/orders, alternately to each node, from `--concurrency` threads;
   when a third of them are answered, node A's gunicorn is killed with SIGKILL (its worker too); a request that
   got no answer is sent again, with the same idempotency key, to node B, as an integrator's retry would;
4. stops node B's worker with SIGTERM once the outbox is empty, and checks: every order a client was told about
   is recorded once (and no other), the places held never exceed the capacity (all taken when the demand is
   larger), every email of the outbox was sent and written exactly once across both nodes;
5. prints the counts and PASS or FAIL (exit status 1 on FAIL), stops everything and drops the database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def bench_database(prefix: str) -> Iterator[str]:
    """A uniquely named PostgreSQL database for one run (its SQLAlchemy URL), dropped afterwards whatever happens."""
    name = f"{prefix}_{int(time.time())}_{secrets.token_hex(3)}"
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def gunicorn(app: str, port: int, env: dict, cwd: Path = ROOT) -> subprocess.Popen:
    """`app` under gunicorn as deploy/gunicorn.conf.py runs it (2 gthread workers x 4 threads, 16 connections
    each at most), in its own group."""
    return subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4",
                             "--worker-connections", "16", "-b",
                             f"127.0.0.1:{port}", "--log-level", "warning", "--worker-tmp-dir", "/dev/shm", app],
                            cwd=cwd, env=env, start_new_session=True)


def wait_for(url: str) -> None:
    """Until `url` answers (30 s at most)."""
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} does not answer")


def redis_url() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return f"redis://127.0.0.1:6379/{random.randint(1, 14)}"
    except OSError:
        return ""


def seed(env: dict, capacity: int) -> int:
    """One cluster and one public event ticket with `capacity` places; returns the offer's id."""
    code = f"""
from datetime import UTC, datetime
from marketplace import create_app
from marketplace.db import get_engine
from marketplace.catalogue.models import Offer
from marketplace.clusters.models import Cluster
from sqlmodel import Session
app = create_app()
with app.app_context(), Session(get_engine(app.config["DATABASE_URL"])) as db:
    cluster = Cluster(slug="grappe-test", name="Grappe test", legal_name="Association Grappe test",
                      siret="73282932000074", city="Nantes", region="Pays de la Loire", sector="Industrie")
    db.add(cluster); db.flush()
    offer = Offer(cluster_id=cluster.id, kind="event_ticket", slug="atelier-limite", title_fr="Atelier limité",
                  title_en="Limited workshop", list_price_cents=12000, capacity={capacity},
                  starts_at=datetime(2099, 6, 1, 8, tzinfo=UTC), ends_at=datetime(2099, 6, 1, 17, tzinfo=UTC))
    db.add(offer); db.commit(); print(offer.id)
"""
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


class Node:
    def __init__(self, name: str, env: dict, workdir: Path):
        self.name, self.port = name, free_port()
        self.instance = workdir / name
        self.env = {**env, "MARKETPLACE_INSTANCE_PATH": str(self.instance)}
        self.web = self.worker = None

    def start(self) -> None:
        self.web = gunicorn("marketplace:create_app()", self.port, self.env)
        self.worker = subprocess.Popen([str(BIN / "marketplace"), "worker", "--interval", "1"], cwd=ROOT,
                                       env=self.env, start_new_session=True, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
        wait_for(f"http://127.0.0.1:{self.port}/healthz")

    def kill(self) -> None:
        for process in (self.web, self.worker):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_worker(self) -> str:
        self.worker.send_signal(signal.SIGTERM)
        output, _ = self.worker.communicate(timeout=60)
        return output

    def mails(self) -> list[str]:
        folder = self.instance / "mail"
        return sorted(p.name for p in folder.glob("*.eml")) if folder.exists() else []


def post_order(port: int, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/orders", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def run(orders: int, capacity: int, concurrency: int, quantity: int) -> bool:
    with bench_database("mkt_scale") as url:
        workdir = Path(tempfile.mkdtemp(prefix="scaleout-"))
        env = {**os.environ, "MARKETPLACE_DATABASE_URL": url, "MARKETPLACE_SECRET_KEY": secrets.token_hex(32),
               "MARKETPLACE_REDIS_URL": redis_url(), "MARKETPLACE_RATE_LIMITS": "0", "PYTHONUNBUFFERED": "1",
               "MARKETPLACE_INSTANCE_PATH": str(workdir / "setup")}
        nodes = [Node("a", env, workdir), Node("b", env, workdir)]
        try:
            subprocess.run([str(BIN / "marketplace"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                           capture_output=True)
            offer_id = seed(env, capacity)
            for node in nodes:
                node.start()
            return _sale(nodes, offer_id, orders, capacity, concurrency, quantity, url)
        finally:
            for node in nodes:
                node.kill()


def _sale(nodes, offer_id, orders, capacity, concurrency, quantity, url) -> bool:
    told: dict[str, int] = {}  # idempotency key -> order id a client was given
    statuses: Counter = Counter()
    answered, retried, lock, killed = [0], [0], threading.Lock(), threading.Event()

    def one(i: int) -> None:
        key = f"scaleout-{i:06d}-{secrets.token_hex(4)}"
        body = {"lines": [{"offer_id": offer_id, "quantity": quantity}], "idempotency_key": key,
                "buyer": {"name": f"Entreprise {i}", "email": f"achat{i}@exemple.fr", "address": "1 rue du Port",
                          "postal_code": "44000", "city": "Nantes"}}
        node = nodes[i % 2]
        for attempt in range(3):
            try:
                status, answer = post_order(node.port, body)
                break
            except OSError:  # the node died under this request: retry the same request on the other one
                node = nodes[1]
                with lock:
                    retried[0] += 1
                time.sleep(0.2 * (attempt + 1))
        else:
            status, answer = 0, {}
        with lock:
            statuses[status] += 1
            if status in (200, 201):
                told[key] = answer["id"]
            answered[0] += 1
            if answered[0] >= orders // 3 and not killed.is_set():
                killed.set()
                nodes[0].kill()  # SIGKILL, mid-sale

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(orders)))
    print(f"node a killed (SIGKILL) after {orders // 3} answers; {retried[0]} requests sent again to node b")
    return _check(nodes, told, statuses, capacity, quantity, orders, url)


def _check(nodes, told, statuses, capacity, quantity, orders, url) -> bool:
    with psycopg.connect(url.replace("+psycopg", "")) as db:
        for _ in range(120):  # the surviving worker sends what is left in the outbox
            if db.execute("SELECT count(*) FROM outboxemail WHERE sent_at IS NULL").fetchone()[0] == 0:
                break
            time.sleep(0.5)
        print(nodes[1].stop_worker().strip().splitlines()[-1])
        rows = db.execute("SELECT idempotency_key, id FROM \"order\" WHERE idempotency_key LIKE 'scaleout-%'").fetchall()
        held = db.execute("SELECT coalesce(sum(ol.quantity), 0) FROM orderline ol JOIN \"order\" o ON o.id = ol.order_id "
                          "WHERE o.status NOT IN ('cancelled', 'expired')").fetchone()[0]
        outbox = db.execute("SELECT id, sent_at IS NOT NULL FROM outboxemail").fetchall()
    recorded = dict(rows)
    mails = [name for node in nodes for name in node.mails()]
    ids = Counter(int(name.split("-")[1]) for name in mails)
    checks = {
        "every accepted order recorded once, and no other": recorded == told,
        "not oversold": held <= capacity and held == len(told) * quantity,
        "sold out when the demand is larger": orders * quantity <= capacity or held > capacity - quantity,
        "every email sent": all(sent for _id, sent in outbox),
        "every email written once": sorted(ids) == sorted(i for i, _sent in outbox) and set(ids.values()) <= {1},
        "every request answered": statuses[0] == 0 and set(statuses) <= {200, 201, 409},
    }
    print(f"orders sent {orders}, accepted {len(told)} ({dict(sorted(statuses.items()))}), places held {held} of "
          f"{capacity}, emails in the outbox {len(outbox)}, written {len(mails)} (node a {len(nodes[0].mails())}, "
          f"node b {len(nodes[1].mails())})")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return all(checks.values())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--capacity", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--quantity", type=int, default=1)
    args = parser.parse_args()
    sys.exit(0 if run(args.orders, args.capacity, args.concurrency, args.quantity) else 1)
