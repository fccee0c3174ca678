"""The transactional outbox: emails written in the same transaction as the change they tell of."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, Text
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime


class OutboxEmail(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=250)
    body_text: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    attachment_name: str | None = Field(default=None, max_length=120, description="one attached file (tickets)")
    attachment_type: str | None = Field(default=None, max_length=80)
    attachment_data: bytes | None = Field(default=None, sa_type=LargeBinary)
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True,
                                   description="an email told once whatever replays the change (order:12:paid)")
