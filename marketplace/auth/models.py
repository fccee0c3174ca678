"""Users and their roles: platform admin, cluster staff, members acting for an organization."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime

STAFF_ROLES = ("admin", "manager")
LANGUAGES = ("fr", "en")


class User(SQLModel, table=True):
    __table_args__ = (CheckConstraint("language IN ('fr', 'en')", name="ck_user_language"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=200)
    full_name: str = Field(default="", max_length=120)
    language: str = Field(default="fr", max_length=2)
    is_platform_admin: bool = Field(default=False)
    is_active: bool = Field(default=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Flask-Login's id; the cookie carries the opaque LoginSession token instead (see sign_in)."""
        return str(self.id)


class StaffRole(SQLModel, table=True):
    """A user's role in the staff of one cluster."""

    __table_args__ = (
        UniqueConstraint("user_id", "cluster_id", name="uq_staff_user_cluster"),
        CheckConstraint("role IN ('admin', 'manager')", name="ck_staff_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    role: str = Field(default="manager", max_length=20)


class ApiToken(SQLModel, table=True):
    """A personal API token: only its SHA-256 is stored; the token is shown once, at creation."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=12, description="the first characters, to recognise it in a list")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginSession(SQLModel, table=True):
    """A browser signed in: the cookie holds a random token, only its SHA-256 is stored.

    It ends at sign-out, when the password changes, or after MARKETPLACE_SESSION_MAX_HOURS; idle
    time is checked against the signed time of the last request kept in the cookie.
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PasswordResetRequest(SQLModel, table=True):
    """A reset asked for an email address, answered by the worker (the request never says if it exists)."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
