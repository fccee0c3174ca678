"""One audited change: a row created, changed or deleted by a staff member's request in the console."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of

AUDIT_ACTIONS = ("created", "changed", "deleted")


class AuditEntry(SQLModel, table=True):
    __table_args__ = (CheckConstraint(one_of("action", AUDIT_ACTIONS), name="ck_auditentry_action"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # No foreign keys: the log outlives what it names (an account or a cluster removed later).
    user_id: int | None = Field(default=None, index=True)
    who: str = Field(max_length=254, description="the staff member's email when it was written")
    cluster_id: int | None = Field(default=None, index=True)
    request: str = Field(max_length=300, description="method and path of the console request")
    action: str = Field(max_length=10)
    table_name: str = Field(max_length=60)
    row_id: int | None = None
    changes_json: str = Field(sa_type=Text, description="{column: value} created or deleted, {column: [before, after]}")
