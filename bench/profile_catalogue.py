"""Where one catalogue request spends its time: SQL statements (count, time), template rendering, the rest.

Usage (against a database prepared like bench/catalogue.sh does, MARKETPLACE_DATABASE_URL set):

    python bench/profile_catalogue.py ['/catalogue' ...] [--repeat 30] [--pyinstrument] [--sql] [--member EMAIL]

Runs each path in-process with Flask's test client, after a warm-up: as an anonymous visitor, or signed in
as a demo member with --member (password demo-clusters-2026), as bench/catalogue.sh's "member" row. Prints per request: wall time, Python CPU time (steadier than wall time on a busy machine), number of SQL statements and their time, the
time inside render_template, and with --sql the statements grouped by their text. --pyinstrument
prints a call tree of one request (pip install pyinstrument).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict

from flask import before_render_template, template_rendered
from sqlalchemy import event
from sqlalchemy.engine import Engine

from marketplace import create_app

state = {"sql": [], "render": [], "render_start": None}


@event.listens_for(Engine, "before_cursor_execute")
def _before(conn, cursor, statement, parameters, context, executemany):
    conn.info.setdefault("t0", []).append(time.perf_counter())


@event.listens_for(Engine, "after_cursor_execute")
def _after(conn, cursor, statement, parameters, context, executemany):
    start = conn.info["t0"].pop()
    state["sql"].append((re.sub(r"\s+", " ", statement)[:110], time.perf_counter() - start))


def _render_start(sender, template, context, **extra):
    state["render_start"] = time.perf_counter()


def _render_end(sender, template, context, **extra):
    state["render"].append(time.perf_counter() - state["render_start"])


def measure(client, path: str, repeat: int, show_sql: bool) -> None:
    for _ in range(5):
        client.get(path)
    walls, cpus, counts, sql_times, renders = [], [], [], [], []
    groups: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        state["sql"].clear()
        state["render"].clear()
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get(path)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu_start)
        assert response.status_code == 200, response.status_code
        counts.append(len(state["sql"]))
        sql_times.append(sum(t for _s, t in state["sql"]))
        renders.append(sum(state["render"]))
        for statement, t in state["sql"]:
            groups[statement].append(t)
    median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    wall, sql, render = median(walls), median(sql_times), median(renders)
    print(f"{path}  ({len(response.data)} bytes, median of {repeat})")
    print(f"  wall {wall * 1000:7.1f} ms, of which CPU of this Python process {median(cpus) * 1000:.1f} ms")
    print(f"  SQL  {sql * 1000:7.1f} ms  {median(counts)} statements ({100 * sql / wall:.0f} %)")
    print(f"  render_template {render * 1000:7.1f} ms (includes SQL run from the template: "
          f"{100 * render / wall:.0f} % of wall)")
    if show_sql:
        print("  statements per request (count, total ms per request):")
        by_cost = sorted(groups.items(), key=lambda item: -sum(item[1]))
        for statement, times in by_cost:
            print(f"    {len(times) / repeat:5.1f} x {sum(times) / repeat * 1000:6.2f} ms  {statement}")


def sign_in(app, client, email: str) -> None:
    """Sign in through the login form, as a browser does (the form's CSRF token included)."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    response = client.post("/login", data={"email": email, "password": "demo-clusters-2026",
                                           "csrf_token": token.group(1) if token else ""})
    if response.status_code not in (302, 303):
        raise SystemExit(f"cannot sign in as {email} (status {response.status_code})")


def main() -> None:
    parser = argparse.ArgumentParser(description="profile catalogue requests in-process")
    parser.add_argument("paths", nargs="*", default=["/catalogue", "/catalogue?q=robotique&kind=service"])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sql", action="store_true", help="list the statements of a request")
    parser.add_argument("--pyinstrument", action="store_true", help="call tree of one request")
    parser.add_argument("--member", metavar="EMAIL", help="sign in as this demo member first")
    args = parser.parse_args()
    app = create_app()
    before_render_template.connect(_render_start, app)
    template_rendered.connect(_render_end, app)
    client = app.test_client(use_cookies=bool(args.member))
    if args.member:
        sign_in(app, client, args.member)
    for path in args.paths:
        measure(client, path, args.repeat, args.sql)
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
            client.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
