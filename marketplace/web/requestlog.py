"""Every request gets an id (the caller's X-Request-ID when it is a sane one, else a new one), returned in the
X-Request-ID header and written on every log line of the request. With MARKETPLACE_LOG_FORMAT=json each log
line is one JSON object (for the production log collector), and each request adds one access line: method,
path, endpoint, status, duration."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
HEADER = "X-Request-ID"
access_log = logging.getLogger("marketplace.access")


def request_seconds() -> float:
    """How long the current request has taken so far (its clock starts before any other hook)."""
    return time.perf_counter() - g.get("request_started", time.perf_counter())


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Stamps each record with the request it was written in (None outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, the record's extras."""

    EXTRAS = ("method", "path", "endpoint", "status", "duration_ms", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", None)}
        line.update({key: getattr(record, key) for key in self.EXTRAS if hasattr(record, key)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(log_format: str) -> None:
    """JSON lines on stderr for the whole process (once), or the default text logs."""
    root = logging.getLogger()
    if log_format != "json" or any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_FORMAT", "text"))

    @app.before_request
    def _name_the_request():
        given = request.headers.get(HEADER, "")
        g.request_id = given if SANE_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _tell_the_request_id(response):
        response.headers[HEADER] = g.get("request_id", "")
        if app.config.get("LOG_FORMAT") == "json":
            access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "method": request.method, "path": request.path, "endpoint": request.endpoint,
                "status": response.status_code, "remote_addr": request.remote_addr,
                "duration_ms": round(request_seconds() * 1000, 1)})
        return response
