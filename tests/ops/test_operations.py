"""Operations: /readyz, /metrics (enabled, protected), request ids in a header and on every JSON log line, and a
worker that stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time

import pytest
from alembic import command
from sqlalchemy import text

from marketplace.db import get_engine
from marketplace.migrate import alembic_config
from marketplace.web.requestlog import JsonFormatter, RequestIdFilter, configure_logging
from tests.conftest import PG_URL


@pytest.fixture()
def stamped(database_url):
    """The test database, built from the models, marked at a given migration (then unmarked)."""
    def stamp(revision: str) -> None:
        command.stamp(alembic_config(database_url), revision, purge=True)
    yield stamp
    with get_engine(database_url).begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_ready_when_the_database_is_at_the_migration_head(client, stamped):
    stamped("head")
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["status"] == "ready"
    assert response.json["migration"] == response.json["expected"]
    stamped("0027")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["migration"] == "0027"
    assert client.get("/healthz").status_code == 200  # alive, but not ready for this code


def test_metrics_are_off_by_default_and_protected_when_on(app, client, factories):
    assert client.get("/metrics").status_code == 404
    app.config["METRICS"] = True
    factories.make_order(factories.make_offer(factories.make_cluster()))
    client.get("/catalogue")
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    body = client.get("/metrics").get_data(as_text=True)  # from the loopback
    assert 'marketplace_orders{status="pending_payment"} 1.0' in body
    assert "marketplace_outbox_backlog" in body and "marketplace_settlements_due" in body
    app.config["METRICS_TOKEN"] = "jeton-de-prometheus-assez-long"
    assert client.get("/metrics").status_code == 403
    response = client.get("/metrics", headers={"Authorization": "Bearer jeton-de-prometheus-assez-long"},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200 and response.mimetype == "text/plain"


def test_request_metrics_count_each_endpoint(database_url, tmp_path):
    from marketplace import create_app

    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "MAIL_DIR": str(tmp_path),
                      "SECRET_KEY": "test-secret-key-of-at-least-32-bytes", "TESTING": True, "METRICS": True,
                      "PUBLIC_CACHE_SECONDS": 0})
    client = app.test_client()
    for _ in range(3):
        client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    line = next(x for x in body.splitlines() if x.startswith('marketplace_requests_total{endpoint="site.healthz"'))
    assert float(line.rsplit(" ", 1)[1]) >= 3
    assert 'marketplace_request_seconds_bucket{endpoint="site.healthz",le="0.005"}' in body


def test_every_response_names_its_request(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["X-Request-ID"]) == 32 and first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert client.get("/healthz", headers={"X-Request-ID": "lb-4f2a9c01"}).headers["X-Request-ID"] == "lb-4f2a9c01"
    odd = client.get("/healthz", headers={"X-Request-ID": "a b;<script>"}).headers["X-Request-ID"]
    assert len(odd) == 32 and " " not in odd


def test_json_log_lines_carry_the_request_id(app, client):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    keep = Keep()
    keep.setFormatter(JsonFormatter())
    keep.addFilter(RequestIdFilter())
    logger = logging.getLogger("marketplace.access")
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)
    app.config["LOG_FORMAT"] = "json"
    try:
        response = client.get("/catalogue", headers={"X-Request-ID": "requete-0001"})
    finally:
        logger.removeHandler(keep)
    line = json.loads(records[-1])
    assert line["request_id"] == "requete-0001" == response.headers["X-Request-ID"]
    assert (line["method"], line["path"], line["status"], line["endpoint"]) == ("GET", "/catalogue", 200,
                                                                                  "shop.catalogue")
    assert line["level"] == "info" and line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


def test_json_logging_replaces_the_root_handlers_once():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("json")
        configure_logging("json")
        assert len(root.handlers) == 1 and isinstance(root.handlers[0].formatter, JsonFormatter)
    finally:
        root.handlers, _ = saved
        root.setLevel(saved[1])


def test_the_worker_stops_cleanly_on_sigterm(database_url, tmp_path):
    env = {**os.environ, "MARKETPLACE_DATABASE_URL": database_url, "MARKETPLACE_INSTANCE_PATH": str(tmp_path),
           "MARKETPLACE_SECRET_KEY": "test-secret-key-of-at-least-32-bytes", "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "marketplace"), "worker", "--interval", "60"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(4)  # started and sleeping between two rounds
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        worker.kill()
    assert worker.returncode == 0, output
    assert "Arrêt demandé (SIGTERM)" in output and "Worker arrêté proprement." in output


@pytest.mark.skipif(not PG_URL, reason="advisory locks are PostgreSQL's (SQLite runs one worker)")
def test_one_worker_node_runs_a_scheduled_job_at_a_time(database_url):
    from sqlmodel import Session

    from marketplace.cli import job_lock

    engine = get_engine(database_url)
    with Session(engine) as first, Session(engine) as second:
        assert job_lock(first, "expire_orders")
        assert not job_lock(second, "expire_orders")  # the other node skips it this round
        assert job_lock(second, "payment_reminders")  # another job is free
        first.commit()  # the job is done: its lock ends with its transaction
        second.rollback()
        assert job_lock(second, "expire_orders")
        second.rollback()


@pytest.mark.skipif(not PG_URL, reason="MARKETPLACE_TEST_DATABASE_URL not set")
def test_a_rested_connection_cut_by_the_server_is_replaced_not_failed(app, client, database_url, monkeypatch):
    """A pooled connection the server closed while it rested (a restart, a cut) is checked before a request gets
    it and replaced; one in steady use is not checked (no round trip per request)."""
    from marketplace import db as db_module

    engine = get_engine(database_url)
    pings = []
    assert client.get("/healthz").status_code == 200
    before = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda dbapi: pings.append("ping") or before(dbapi))
    assert client.get("/healthz").status_code == 200
    assert pings == []  # used a moment ago: not checked
    # Every pooled connection of this test database is cut by the server while it rests.
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert pings  # checked, found cut, replaced
