"""Calendars: an event as an .ics file, and each cluster's published events as a feed a calendar app
subscribes to (icalendar), times in UTC, stable UIDs so an update replaces the entry."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ..clusters.models import Cluster
from .models import Event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Place de marché des clusters//Événements//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _entry(event: Event, cluster: Cluster, link: str, now: datetime) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.id}@clusters.marketplace")
    entry.add("dtstamp", now)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title_fr)
    entry.add("description", "\n\n".join(filter(None, (event.summary_fr, event.description_fr, link))))
    entry.add("location", ", ".join(filter(None, (event.venue, event.city))))
    entry.add("url", link)
    entry.add("organizer", f"mailto:{cluster.email}" if cluster.email else f"https://clusters.marketplace/{cluster.slug}",
              parameters={"CN": cluster.name})
    entry.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    return entry


def event_ics(event: Event, cluster: Cluster, link: str, now: datetime) -> bytes:
    calendar = _calendar(event.title_fr)
    calendar.add_component(_entry(event, cluster, link, now))
    return calendar.to_ical()


def cluster_feed(cluster: Cluster, events: list[tuple[Event, str]], now: datetime) -> bytes:
    """The cluster's events (each with its page's address), as one calendar."""
    calendar = _calendar(f"Événements {cluster.name}")
    for event, link in events:
        calendar.add_component(_entry(event, cluster, link, now))
    return calendar.to_ical()
