"""Operations endpoints: /readyz (the database answers and its schema is at the code's migration head) beside
/healthz, and Prometheus metrics at /metrics when MARKETPLACE_METRICS is on — requests and latencies per endpoint
from every worker, and the business read from the database at each scrape (orders by status, payments,
the outbox backlog, settlements due). /metrics answers the bearer of MARKETPLACE_METRICS_TOKEN, or, without a
token, requests from the loopback only (a Prometheus on the same machine, or through nginx's internal address).

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR to an empty folder so the request figures of every
worker add up (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import hmac
import ipaddress
import os
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from .checkout.models import Order
from .db import get_db, reader_engine
from .mail.models import OutboxEmail
from .migrate import alembic_config
from .payments.models import Payment
from .settlements.models import Settlement
from .web.requestlog import request_seconds

bp = Blueprint("ops", __name__)

REQUESTS = Counter("marketplace_requests", "Requests answered, by endpoint, method and status",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("marketplace_request_seconds", "Time to answer a request, by endpoint", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))


@cache
def migration_head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@bp.get("/readyz")
def readyz():
    """Ready for traffic: the database answers and its schema is the one this code expects."""
    try:
        connection = get_db().connection()
        connection.execute(text("SELECT 1"))
        current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    head = migration_head()
    body = {"database": "ok", "migration": current, "expected": head}
    if current != head:
        return {"status": "unavailable", **body}, 503
    return {"status": "ready", **body}


class BusinessCollector:
    """What the database holds, read at each scrape (the same answer from every worker)."""

    def __init__(self, database_url: str):
        self.database_url = database_url

    def collect(self):
        with Session(reader_engine(self.database_url)) as db:
            orders = GaugeMetricFamily("marketplace_orders", "Orders by status", labels=["status"])
            for status, count in db.execute(select(Order.status, func.count()).group_by(Order.status)):
                orders.add_metric([status], count)
            yield orders
            count, cents = db.execute(select(func.count(), func.coalesce(func.sum(Payment.amount_cents), 0))).one()
            yield GaugeMetricFamily("marketplace_payments", "Payments recorded", value=count)
            yield GaugeMetricFamily("marketplace_payments_euros", "Money received, in euros", value=cents / 100)
            backlog = db.execute(select(func.count()).where(OutboxEmail.sent_at.is_(None))).scalar_one()
            yield GaugeMetricFamily("marketplace_outbox_backlog", "Emails waiting to be sent", value=backlog)
            due, due_cents = db.execute(select(func.count(), func.coalesce(func.sum(Settlement.closing_cents), 0))
                                        .where(Settlement.payout_status.in_(("pending", "prepared")))).one()
            yield GaugeMetricFamily("marketplace_settlements_due", "Settlements to pay to clusters", value=due)
            yield GaugeMetricFamily("marketplace_settlements_due_euros", "Owed to clusters, in euros",
                                    value=due_cents / 100)


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics():
    if not current_app.config.get("METRICS"):
        abort(404)
    if not _allowed():
        abort(403)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(BusinessCollector(current_app.config["DATABASE_URL"]))
    return generate_latest(registry), 200, {"Content-Type": CONTENT_TYPE_LATEST}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    if not app.config.get("METRICS"):
        return

    @app.after_request
    def _count(response):
        endpoint = request.endpoint or "unmatched"
        if endpoint != "ops.metrics":
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
            LATENCY.labels(endpoint).observe(request_seconds())
        return response
