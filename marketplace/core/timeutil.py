"""Clock helpers: every stored moment is timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC)


def paris_today() -> date:
    """Today in France: what a buyer means by "today" when booking a room or a desk."""
    return datetime.now(PARIS).date()
