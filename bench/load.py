"""A mixed load on the marketplace next to a bare Flask "hello", same gunicorn settings, same run.

    python bench/load.py [--duration 60s] [--hello-duration 15s] [--connections 32] [--capacity 400]

What one run does (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth; wrk installed, as catalogue.sh does):

1. creates a uniquely named database, `marketplace db upgrade`, `marketplace load-demo`, 2 000 generated offers
   (bench/generate_offers.py) and one ticket type with `--capacity` places for the orders;
2. starts the marketplace and bench/hello_app.py under gunicorn (2 gthread workers x 4 threads each), the public
   page cache on, and signs a demo member in;
3. runs wrk against hello, then the mixed load (bench/load.lua) for `--duration` at `--connections`: 45 %
   anonymous catalogue pages (search, filters, pages), 15 % offer pages with a live quote (a room slot), 20 % the
   member's catalogue (own prices, never cached), 20 % POST /api/v1/orders for the limited ticket type;
4. prints throughput, p50/p99 and the answers by status next to hello, and checks: no error (anything but 2xx, or
   409 once the tickets are sold out; no socket error), every order accepted is recorded once, nothing oversold;
   PASS or FAIL (exit status 1 on FAIL or when something broke), then stops the servers and drops the database.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))
from scaleout import bench_database, free_port, gunicorn, seed, wait_for  # noqa: E402  (shared with scaleout)


def _member_cookie(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    opener.open(f"{base}/login", urllib.parse.urlencode({"email": "contact@usinage-bressan.fr",
                                                         "password": "demo-clusters-2026", "csrf_token": token}).encode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    request = urllib.request.Request(f"{base}/catalogue", headers={"Cookie": cookie})
    if "Se déconnecter" not in urllib.request.urlopen(request).read().decode():
        raise RuntimeError("the member is not signed in")
    return cookie


def _wrk(url: str, duration: str, connections: int, script: Path | None = None, env: dict | None = None) -> str:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--timeout", "10s", "--latency"]
    command += ["-s", str(script)] if script else []
    return subprocess.run([*command, url], capture_output=True, text=True, check=True, env=env).stdout


def _figures(output: str) -> tuple[float, str, str, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+(\S+)", output).group(1)
    p99 = re.search(r"99%\s+(\S+)", output).group(1)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return rps, p50, p99, sum(int(n) for n in socket.groups()) if socket else 0


def run(duration: str, hello_duration: str, connections: int, capacity: int) -> bool:
    with bench_database("mkt_load") as url:
        env = {**os.environ, "MARKETPLACE_DATABASE_URL": url, "MARKETPLACE_SECRET_KEY": secrets.token_hex(32),
               "MARKETPLACE_INSTANCE_PATH": tempfile.mkdtemp(prefix="load-"), "MARKETPLACE_RATE_LIMITS": "0"}
        servers: list[subprocess.Popen] = []
        try:
            for command in (["marketplace", "db", "upgrade"], ["marketplace", "load-demo"]):
                subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, env=env, check=True,
                               capture_output=True)
            subprocess.run([sys.executable, str(HERE / "generate_offers.py"), "--count", "2000"], env=env,
                           check=True, capture_output=True)
            offer_id = seed(env, capacity)
            with psycopg.connect(url.replace("+psycopg", "")) as db:
                room = db.execute("SELECT id FROM offer WHERE slug = 'la-cantine-salle'").fetchone()[0]
            app_port, hello_port = free_port(), free_port()
            servers += [gunicorn("marketplace:create_app()", app_port, env),
                        gunicorn("hello_app:app", hello_port, env, HERE)]
            base, hello_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{hello_port}/"
            wait_for(f"{base}/catalogue")
            wait_for(hello_url)
            lua_env = {**os.environ, "LOAD_OFFER": str(offer_id), "LOAD_ROOM": str(room),
                       "LOAD_COOKIE": _member_cookie(base)}
            _wrk(hello_url, "3s", connections)
            hello = _figures(_wrk(hello_url, hello_duration, connections))
            output = _wrk(base, duration, connections, HERE / "load.lua", lua_env)
            statuses = json.loads(re.search(r"STATUSES (\{.*\})", output).group(1))
            with psycopg.connect(url.replace("+psycopg", "")) as db:
                orders = db.execute("SELECT count(*) FROM \"order\" o JOIN orderline l ON l.order_id = o.id "
                                    "WHERE l.offer_id = %s", (offer_id,)).fetchone()[0]
                held = db.execute("SELECT coalesce(sum(held_units), 0) FROM offerstock WHERE offer_id = %s",
                                  (offer_id,)).fetchone()[0]
            return _report(hello, _figures(output), statuses, orders, held, capacity, duration, connections)
        finally:
            for server in servers:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait()


def _report(hello, mixed, statuses, orders, held, capacity, duration, connections) -> bool:
    accepted = statuses.get("201", 0)  # only an order answers 201; 409 is an order refused once sold out
    errors = {k: v for k, v in statuses.items() if k not in ("200", "201", "409")}
    print(f"mixed load: wrk -t2 -c{connections} -d{duration}, 2 CPUs shared by wrk, PostgreSQL and both servers")
    print(f"{'endpoint':<10}{'req/s':>10}{'p50':>10}{'p99':>10}{'% of hello':>12}")
    print(f"{'hello':<10}{hello[0]:>10.1f}{hello[1]:>10}{hello[2]:>10}{100.0:>11.1f}%")
    print(f"{'mixed':<10}{mixed[0]:>10.1f}{mixed[1]:>10}{mixed[2]:>10}{100 * mixed[0] / hello[0]:>11.1f}%")
    print("answers by status:", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())),
          f"; socket errors {mixed[3]}")
    print(f"orders: {accepted} accepted, {orders} recorded, places held {held} of {capacity}")
    checks = {"zero errors": not errors and mixed[3] == 0, "every accepted order recorded once": orders == accepted,
              "zero oversell": held <= capacity and held == accepted}
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return all(checks.values())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--hello-duration", default="15s")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--capacity", type=int, default=400)
    args = parser.parse_args()
    sys.exit(0 if run(args.duration, args.hello_duration, args.connections, args.capacity) else 1)
