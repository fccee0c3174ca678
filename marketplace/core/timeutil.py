"""Clock helpers: every stored moment is timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC)


def paris_minute(moment: datetime | None) -> str:
    """A moment as a spreadsheet cell, on the French clock: "16/03/2027 10:00" (empty when there is none)."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if moment else ""


def paris_today() -> date:
    """Today in France: what a buyer means by "today" when booking a room or a desk."""
    return datetime.now(PARIS).date()
