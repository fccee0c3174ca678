"""Events: an event groups what is sold for it (ticket types, stands, sponsorships), its days, and the quotas
its ticket types share."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, one_of

EVENT_STATUSES = ("draft", "published", "sales_closed", "cancelled")


class Event(SQLModel, table=True):
    """An event organised by a cluster (its offers may be co-organised: they split revenue as co-owned offers)."""

    __table_args__ = (
        UniqueConstraint("slug", name="uq_event_slug"),
        CheckConstraint(one_of("status", EVENT_STATUSES), name="ck_event_status"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_event_capacity"),
        CheckConstraint("ends_at >= starts_at", name="ck_event_dates"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True, description="the organising cluster")
    slug: str = Field(max_length=80)
    title_fr: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    summary_fr: str = Field(default="", max_length=300)
    summary_en: str = Field(default="", max_length=300)
    description_fr: str = Field(default="", sa_type=Text)
    description_en: str = Field(default="", sa_type=Text)
    venue: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=80)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="draft", max_length=20)
    capacity: int | None = Field(default=None, description="people at once: a quota every ticket type shares")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EventDay(SQLModel, table=True):
    """One day of an event with its opening hours (Paris time)."""

    __table_args__ = (UniqueConstraint("event_id", "day", name="uq_event_day"),
                      CheckConstraint("closes > opens", name="ck_event_day_hours"))

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    day: date
    opens: time
    closes: time


class EventQuota(SQLModel, table=True):
    """Seats several ticket types share (pretix's quotas): a ticket needs room in every quota it belongs to."""

    __table_args__ = (CheckConstraint("size >= 0", name="ck_quota_size"),
                      CheckConstraint("held_units >= 0 AND held_units <= size", name="ck_quota_held"))

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str = Field(max_length=120)
    size: int
    held_units: int = Field(default=0)
    every_ticket: bool = Field(default=False, description="counts every ticket type of the event (its capacity)")


class EventQuotaOffer(SQLModel, table=True):
    """A ticket type (an offer of the event) counted in a quota."""

    quota_id: int = Field(foreign_key="eventquota.id", primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", primary_key=True, index=True)


TICKET_STATUSES = ("issued", "void")


class Ticket(SQLModel, table=True):
    """One admission to an event, issued when its order line is paid; its code is signed by the server."""

    __table_args__ = (
        UniqueConstraint("order_line_id", "position", name="uq_ticket_position"),
        UniqueConstraint("code", name="uq_ticket_code"),
        CheckConstraint(one_of("status", TICKET_STATUSES), name="ck_ticket_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)
    position: int = Field(description="1..quantity within its order line")
    code: str = Field(max_length=40)
    attendee_name: str = Field(max_length=120)
    attendee_email: str | None = Field(default=None, max_length=254)
    status: str = Field(default="issued", max_length=10)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_by: int | None = Field(default=None, foreign_key="user.id")


WAITING_STATUSES = ("waiting", "offered", "served", "withdrawn")


class WaitlistEntry(SQLModel, table=True):
    """Someone waiting for a sold-out ticket type; when a place comes back, an order holds it for them."""

    __table_args__ = (CheckConstraint(one_of("status", WAITING_STATUSES), name="ck_waitlist_status"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    status: str = Field(default="waiting", max_length=10)
    order_id: int | None = Field(default=None, foreign_key="order.id", description="the order holding a place")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    offered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SponsorExclusion(SQLModel, table=True):
    """An organization a cluster declared it must not take sponsorship from (a conflict of interest)."""

    __table_args__ = (UniqueConstraint("cluster_id", "siret", name="uq_sponsor_exclusion"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    siret: str = Field(max_length=14)
    name: str = Field(max_length=200)
    reason: str = Field(default="", max_length=300)


class InvitationCode(SQLModel, table=True):
    """A code that makes a ticket type free, a number of times (guests, press, speakers)."""

    __table_args__ = (UniqueConstraint("code", name="uq_invitation_code"),
                      CheckConstraint("max_uses >= 1 AND used_units >= 0 AND used_units <= max_uses",
                                      name="ck_invitation_uses"))

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    code: str = Field(max_length=40)
    label: str = Field(default="", max_length=120, description="for whom (press, speakers...)")
    max_uses: int = Field(default=1)
    used_units: int = Field(default=0, description="tickets held or sold with it")


PROFILE_ROLES = ("exhibitor", "sponsor")


class EventProfile(SQLModel, table=True):
    """An exhibitor's stand or a sponsor's presence at an event: filled by the company after payment, shown on the
    event page (a sponsor once approved and paid); staff assign stand numbers."""

    __table_args__ = (UniqueConstraint("order_line_id", "position", name="uq_profile_position"),
                      CheckConstraint(one_of("role", PROFILE_ROLES), name="ck_profile_role"))

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)
    position: int = Field(default=1)
    role: str = Field(max_length=10)
    company: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    website: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=2000)
    logo: bytes | None = Field(default=None, sa_type=LargeBinary)
    logo_type: str | None = Field(default=None, max_length=20)
    stand_number: str = Field(default="", max_length=20)
    visible: bool = Field(default=True, description="false once its order is cancelled or refunded")


class SponsorPackage(SQLModel, table=True):
    """What a sponsorship package gives besides the logo: invitations issued and stands made when it is paid."""

    offer_id: int = Field(foreign_key="offer.id", primary_key=True)
    invitations: int = Field(default=0, ge=0)
    stands: int = Field(default=0, ge=0)
