"""Pooled costs: participants, usage, and closing a month (allocation to the cent, posted to the ledger)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from ..clusters.models import Cluster
from ..core.errors import Conflict, Invalid
from ..core.money import format_hundredths
from ..db import get_owned
from ..ledger.rules import Line, month_of, period_bounds
from ..ledger.services import federation, of_cluster, owed_to, post
from ..memberships.models import Membership
from .models import PoolAllocation, PooledCost, PoolParticipant, PoolUsage
from .rules import NothingToShare, Participant, Share, month_cost, overlap_days, share_month


@dataclass(frozen=True)
class PoolTerms:
    """What the federation sets up a pooled cost with: its provider is a cluster, or else an outside supplier."""

    name: str
    kind: str
    description: str
    provider_cluster_id: int | None
    supplier_name: str | None
    monthly_cost_cents: int
    sharing_key: str
    usage_unit: str
    starts_on: date
    ends_on: date | None


def create_pool(db: Session, terms: PoolTerms) -> PooledCost:
    """A new pooled cost, borne by a cluster or a named outside supplier, ending (if ever) after it starts."""
    if terms.provider_cluster_id is None and not terms.supplier_name:
        raise Invalid(_("Nommez le fournisseur extérieur, ou choisissez un cluster."), field="supplier_name")
    if terms.ends_on is not None and terms.ends_on < terms.starts_on:
        raise Invalid(_("La fin précède le début."), field="ends_on")
    supplier = None if terms.provider_cluster_id else terms.supplier_name
    pool = PooledCost(**{**asdict(terms), "supplier_name": supplier})
    db.add(pool)
    db.flush()
    return pool


def get_pool(db: Session, pool_id: int) -> PooledCost:
    return get_owned(db, PooledCost, pool_id, _("Coût mutualisé introuvable."))


def pools_seen_by(db: Session, cluster_ids: Iterable[int] | None) -> list[PooledCost]:
    """Every pooled cost (None) or those the clusters provide or take part in, by name."""
    if cluster_ids is None:
        return list(db.exec(select(PooledCost).order_by(PooledCost.name)))
    seen = {pool.id: pool for cluster_id in cluster_ids for pool in pools_of_cluster(db, cluster_id)}
    return sorted(seen.values(), key=lambda pool: pool.name)


def cluster_names(db: Session) -> dict[int, str]:
    """Every cluster's name by id, in name order: the providers and participants a pool may have."""
    return {c.id: c.name for c in db.exec(select(Cluster).order_by(Cluster.name))}


def participants_of(db: Session, pool_id: int) -> list[PoolParticipant]:
    return list(db.exec(select(PoolParticipant).where(PoolParticipant.pooled_cost_id == pool_id)
                        .order_by(PoolParticipant.cluster_id)))


def participant_of(db: Session, pool_id: int, cluster_id: int) -> PoolParticipant | None:
    return db.exec(select(PoolParticipant).where(PoolParticipant.pooled_cost_id == pool_id,
                                                 PoolParticipant.cluster_id == cluster_id)).first()


def active_members(db: Session, cluster_id: int, year: int) -> int:
    """Member organizations with an active membership of the cluster for the year."""
    return int(db.exec(select(func.count(Membership.id)).where(
        Membership.cluster_id == cluster_id, Membership.year == year, Membership.status == "active")).one())


def usage_in(db: Session, pool_id: int, first: date, last: date) -> dict[int, int]:
    """Usage recorded per cluster between two days (hundredths of the pool's unit)."""
    rows = db.exec(select(PoolUsage.cluster_id, func.sum(PoolUsage.quantity_centi))
                   .where(PoolUsage.pooled_cost_id == pool_id, PoolUsage.day >= first, PoolUsage.day <= last)
                   .group_by(PoolUsage.cluster_id)).all()
    return {cluster_id: int(total) for cluster_id, total in rows}


def allocations_of(db: Session, pool_id: int, period: str) -> list[PoolAllocation]:
    return list(db.exec(select(PoolAllocation).where(PoolAllocation.pooled_cost_id == pool_id,
                                                     PoolAllocation.period == period)
                        .order_by(PoolAllocation.cluster_id)))


def is_active_in(pool: PooledCost, period: str) -> bool:
    first, last = period_bounds(period)
    return overlap_days(first, last, pool.starts_on, pool.ends_on) > 0


def preview_month(db: Session, pool: PooledCost, period: str) -> tuple[int, list[Share]]:
    """The month's cost and each participant's share as closing it now would allocate them."""
    first, last = period_bounds(period)
    cost = month_cost(pool.monthly_cost_cents, first, last, pool.starts_on, pool.ends_on)
    usage = usage_in(db, pool.id, first, last)
    people = [Participant(p.cluster_id, p.joined_on, p.left_on, p.fixed_bps,
                          active_members(db, p.cluster_id, first.year) if pool.sharing_key == "members" else 0,
                          usage.get(p.cluster_id, 0))
              for p in participants_of(db, pool.id)]
    unit = "h" if pool.usage_unit == "hours" else "j"
    fixed_total = sum(p.fixed_bps or 0 for p in people)
    if pool.sharing_key == "fixed" and fixed_total != 10000:
        raise Invalid(_("%(pool)s : les pourcentages fixes font %(total)s %%, pas 100 %%.",
                        pool=pool.name, total=format_hundredths(fixed_total)))
    try:
        return cost, share_month(cost, pool.sharing_key, first, last, people, unit)
    except NothingToShare as exc:
        reason = {"usage": _("aucun usage enregistré ce mois-ci"),
                  "members": _("aucun participant n'a d'adhérent actif")}.get(pool.sharing_key,
                                                                               _("aucun participant ce mois-ci"))
        raise Invalid(_("%(pool)s, %(period)s : rien à répartir (%(reason)s).",
                        pool=pool.name, period=period, reason=reason)) from exc


@dataclass
class PoolMonth:
    """A month of a pooled cost as the console shows it: usage, and the allocation posted or previewed."""

    period: str
    usage: list[PoolUsage]
    allocations: list[PoolAllocation]
    preview: list[Share] = field(default_factory=list)
    cost_cents: int | None = None
    problem: str | None = None  # why the month cannot be allocated as it stands


def pool_month(db: Session, pool: PooledCost, period: str) -> PoolMonth:
    """The month's usage and its allocation: the posted one once closed, else a preview (or why there is none)."""
    first, last = period_bounds(period)
    usage = db.exec(select(PoolUsage).where(PoolUsage.pooled_cost_id == pool.id, PoolUsage.day >= first,
                                            PoolUsage.day <= last).order_by(PoolUsage.day, PoolUsage.id)).all()
    month = PoolMonth(period, list(usage), allocations_of(db, pool.id, period))
    if not month.allocations:
        try:
            month.cost_cents, month.preview = preview_month(db, pool, period)
        except Invalid as exc:
            month.problem = exc.message
    return month


def _posting_lines(pool: PooledCost, shares: list[Share], label: str) -> list[Line]:
    """Each participant bears its share (604, its claim on the federation goes down); the provider
    cluster is credited what the others bear (708), or the federation owes the outside supplier (401).
    A provider's own share is its own cost: nothing moves for it."""
    lines: list[Line] = []
    credited = 0
    for share in shares:
        if share.cluster_id == pool.provider_cluster_id or share.amount_cents == 0:
            continue
        credited += share.amount_cents
        lines += [Line(of_cluster(share.cluster_id, "604"), debit_cents=share.amount_cents, label=label),
                  Line(of_cluster(share.cluster_id, "467"), credit_cents=share.amount_cents, label=label),
                  Line(owed_to(share.cluster_id), debit_cents=share.amount_cents, label=label)]
    if pool.provider_cluster_id is not None:
        provider = pool.provider_cluster_id
        lines += [Line(owed_to(provider), credit_cents=credited, label=label),
                  Line(of_cluster(provider, "467"), debit_cents=credited, label=label),
                  Line(of_cluster(provider, "708"), credit_cents=credited, label=label)]
    else:
        lines.append(Line(federation("401"), credit_cents=credited, label=f"{label} — {pool.supplier_name}"))
    return lines


def close_month(db: Session, pool: PooledCost, period: str, today: date) -> list[PoolAllocation]:
    """Allocate and post one ended month of a pooled cost, once (closing it again returns the same rows)."""
    existing = allocations_of(db, pool.id, period)
    if existing:
        return existing
    first, last = period_bounds(period)
    if last >= today:
        raise Conflict(_("Le mois %(period)s n'est pas terminé.", period=period))
    if not is_active_in(pool, period):
        raise Invalid(_("%(pool)s ne court pas en %(period)s.", pool=pool.name, period=period))
    _cost, shares = preview_month(db, pool, period)
    label = f"{pool.name} {period}"
    lines = _posting_lines(pool, shares, label)
    transaction = None
    if lines and sum(line.credit_cents for line in lines):
        transaction = post(db, f"pool:{pool.id}:{period}", f"Coût mutualisé : {label}", lines, last,
                           "pooled_cost")
    rows = [PoolAllocation(pooled_cost_id=pool.id, period=period, cluster_id=share.cluster_id,
                           amount_cents=share.amount_cents, basis=share.basis[:200],
                           transaction_id=transaction.id if transaction else None) for share in shares]
    db.add_all(rows)
    db.flush()
    return rows


def pools_to_close(db: Session, period: str) -> list[PooledCost]:
    """Pooled costs running in the month that are not allocated yet."""
    done = select(PoolAllocation.pooled_cost_id).where(PoolAllocation.period == period)
    pools = db.exec(select(PooledCost).where(col(PooledCost.id).not_in(done)).order_by(PooledCost.id)).all()
    return [pool for pool in pools if is_active_in(pool, period)]


def record_usage(db: Session, pool: PooledCost, cluster_id: int, day: date, quantity_centi: int, note: str,
                 user_id: int | None) -> PoolUsage:
    """Usage by a participant present that day, in a month not closed yet for this pool."""
    if quantity_centi <= 0:
        raise Invalid(_("La quantité doit être positive."), field="quantity")
    participant = participant_of(db, pool.id, cluster_id)
    if participant is None or not overlap_days(day, day, participant.joined_on, participant.left_on):
        raise Invalid(_("Ce cluster ne participe pas à %(pool)s à cette date.", pool=pool.name), field="day")
    if allocations_of(db, pool.id, month_of(day)):
        raise Conflict(_("Le mois %(period)s est déjà réparti pour %(pool)s.", period=month_of(day), pool=pool.name))
    usage = PoolUsage(pooled_cost_id=pool.id, cluster_id=cluster_id, day=day, quantity_centi=quantity_centi,
                      note=note[:300], recorded_by=user_id)
    db.add(usage)
    db.flush()
    return usage


def set_participant(db: Session, pool: PooledCost, cluster_id: int, joined_on: date, left_on: date | None,
                    fixed_bps: int | None) -> PoolParticipant:
    """Add a participant or change its dates; a month already allocated is not reopened."""
    if db.get(Cluster, cluster_id) is None:
        raise Invalid(_("Cluster inconnu."), field="cluster_id")
    if left_on is not None and left_on < joined_on:
        raise Invalid(_("La date de sortie précède la date d'entrée."), field="left_on")
    if pool.sharing_key == "fixed" and not (fixed_bps and 0 < fixed_bps <= 10000):
        raise Invalid(_("Indiquez le pourcentage fixe de ce participant."), field="fixed_percent")
    closed = db.exec(select(func.max(PoolAllocation.period)).where(PoolAllocation.pooled_cost_id == pool.id)).one()
    participant = participant_of(db, pool.id, cluster_id)
    before = (participant.joined_on, participant.left_on) if participant else (None, None)
    for old, new in zip(before, (joined_on, left_on), strict=True):
        if closed and old != new and any(d is not None and month_of(d) <= closed for d in (old, new)):
            raise Conflict(_("Les mois jusqu'à %(period)s sont déjà répartis : choisissez une date postérieure.",
                             period=closed))
    participant = participant or PoolParticipant(pooled_cost_id=pool.id, cluster_id=cluster_id, joined_on=joined_on)
    participant.joined_on, participant.left_on = joined_on, left_on
    participant.fixed_bps = fixed_bps if pool.sharing_key == "fixed" else None
    db.add(participant)
    db.flush()
    return participant


def pools_of_cluster(db: Session, cluster_id: int) -> list[PooledCost]:
    """Pooled costs a cluster provides or takes part in."""
    joined = select(PoolParticipant.pooled_cost_id).where(PoolParticipant.cluster_id == cluster_id)
    return list(db.exec(select(PooledCost).where((PooledCost.provider_cluster_id == cluster_id)
                                                 | col(PooledCost.id).in_(joined)).order_by(PooledCost.name)))
