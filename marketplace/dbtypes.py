"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

MAX_ROW_ID = 2**31 - 1  # the largest id an integer column holds (PostgreSQL's INTEGER)


class UTCDateTime(TypeDecorator):
    """A timezone-aware moment stored in UTC; SQLite (which forgets the zone) gives back aware values too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC moments only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL of a CHECK constraint keeping `column` within `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
