"""How an event's offers hold their stock: the offer's own capacity (N stands of a type), then every quota it
belongs to (seats several ticket types share). A ticket needs room in each; none is held otherwise.

Quota rows are taken by conditional updates (`held + n <= size`) in increasing quota order, after the
offers' own stock rows (catalogue.stock, in offer order): two buyers queue on the same rows in the same
order and never deadlock, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import ngettext
from sqlalchemy import update
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..catalogue.stock import CAPACITY
from ..core.errors import Conflict
from .invitations import hold_invitations, release_invitations
from .models import EventQuota, EventQuotaOffer

TICKET_KIND = "event_ticket"  # the code kind.py registers: an event's capacity counts its tickets only


def quotas_of(db: Session, offer_ids: set[int]) -> dict[int, list[EventQuota]]:
    """The quotas each offer counts in, by offer id, in quota order: those it is linked to, and for a ticket
    type its event's capacity (a quota of every ticket)."""
    if not offer_ids:
        return {}
    placing = db.info.get("placing")  # while an order is placed, its quotas are read once (checked, then held)
    key = ("quotas", frozenset(offer_ids))
    if placing is not None and key in placing:
        return placing[key]
    found: dict[int, dict[int, EventQuota]] = {}
    for link, quota in db.exec(select(EventQuotaOffer, EventQuota)
                               .join(EventQuota, EventQuota.id == EventQuotaOffer.quota_id)
                               .where(col(EventQuotaOffer.offer_id).in_(offer_ids))).all():
        found.setdefault(link.offer_id, {})[quota.id] = quota
    for offer_id, quota in db.exec(select(Offer.id, EventQuota)
                                   .join(EventQuota, EventQuota.event_id == Offer.event_id)
                                   .where(col(Offer.id).in_(offer_ids), col(EventQuota.every_ticket),
                                          Offer.kind == TICKET_KIND)).all():
        found.setdefault(offer_id, {})[quota.id] = quota
    result = {offer_id: [quotas[k] for k in sorted(quotas)] for offer_id, quotas in found.items()}
    if placing is not None:
        placing[key] = result
    return result


class QuotaStock:
    """An event offer's capacity and the quotas it shares with the event's other ticket types."""

    name = "quota"

    def hold(self, db: Session, lines: Sequence[tuple[Any, Offer]]) -> None:
        CAPACITY.hold(db, lines)
        hold_invitations(db, lines)
        by_offer = quotas_of(db, {offer.id for _line, offer in lines})
        wanted: dict[int, int] = {}
        quotas: dict[int, EventQuota] = {}
        for line, offer in lines:
            for quota in by_offer.get(offer.id, []):
                wanted[quota.id] = wanted.get(quota.id, 0) + line.units
                quotas[quota.id] = quota
        for quota_id, units in sorted(wanted.items()):
            held = db.connection().execute(update(EventQuota).where(
                EventQuota.id == quota_id, EventQuota.held_units + units <= EventQuota.size)
                .values(held_units=EventQuota.held_units + units))
            if held.rowcount != 1:
                left = db.exec(select(EventQuota.size - EventQuota.held_units).where(EventQuota.id == quota_id)).one()
                raise Conflict(ngettext("Complet : « %(quota)s » n'a plus que %(num)d place disponible.",
                                        "Complet : « %(quota)s » n'a plus que %(num)d places disponibles.",
                                        max(left, 0), quota=quotas[quota_id].name), code="sold_out")

    def release(self, db: Session, line) -> None:
        CAPACITY.release(db, line)
        release_invitations(db, line)
        for quota in quotas_of(db, {line.offer_id}).get(line.offer_id, []):
            db.connection().execute(update(EventQuota).where(EventQuota.id == quota.id)
                                    .values(held_units=EventQuota.held_units - line.units))

    def available(self, db: Session, offer: Offer, options: Mapping[str, Any]) -> int | None:
        """The fewest places left in the offer's capacity and in any of its quotas (None: not limited)."""
        left = [CAPACITY.available(db, offer, options)]
        left += [max(q.size - q.held_units, 0) for q in quotas_of(db, {offer.id}).get(offer.id, [])]
        known = [n for n in left if n is not None]
        return min(known) if known else None


QUOTAS = QuotaStock()
