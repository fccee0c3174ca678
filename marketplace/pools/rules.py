"""Sharing one month of a pooled cost between its participants (pure): every cent is allocated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..core.money import allocate, format_hundredths, round_div


class NothingToShare(ValueError):
    """No participant has a positive weight this month (no one present, no usage recorded)."""


@dataclass(frozen=True)
class Participant:
    cluster_id: int
    joined_on: date
    left_on: date | None = None
    fixed_bps: int | None = None
    members: int = 0
    usage_centi: int = 0


@dataclass(frozen=True)
class Share:
    cluster_id: int
    amount_cents: int
    days: int
    weight: int
    basis: str


def overlap_days(first: date, last: date, start: date, end: date | None) -> int:
    """Days of [first, last] inside [start, end] (both inclusive; no end: still running)."""
    low, high = max(first, start), min(last, end or last)
    return max(0, (high - low).days + 1)


def month_cost(monthly_cost_cents: int, first: date, last: date, starts_on: date, ends_on: date | None) -> int:
    """The month's cost, prorated by days when the pooled cost starts or ends inside the month."""
    active = overlap_days(first, last, starts_on, ends_on)
    return round_div(monthly_cost_cents * active, (last - first).days + 1)


def share_month(cost_cents: int, key: str, first: date, last: date, participants: Sequence[Participant],
                unit: str = "h") -> list[Share]:
    """Allocate a month's cost by the key, to the cent (largest remainder; ties to the earlier participant).

    equal, members and fixed weigh each participant by its days of presence in the month (joining
    or leaving mid-month is prorated); usage weighs the usage recorded in the month. The parts add
    up to the cost exactly. Raises NothingToShare when every weight is zero.
    """
    month_days = (last - first).days + 1
    rows = []
    for p in participants:
        days = overlap_days(first, last, p.joined_on, p.left_on)
        presence = f"{days}/{month_days} j"
        if key == "equal":
            weight, basis = days, f"{presence} × 1 part"
        elif key == "members":
            weight = days * p.members
            basis = f"{presence} × {p.members} adhérent" + ("s" if p.members > 1 else "")
        elif key == "fixed":
            weight = days * (p.fixed_bps or 0)
            basis = f"{presence} × {format_hundredths(p.fixed_bps or 0)} %"
        elif key == "usage":
            weight, basis = p.usage_centi, f"{format_hundredths(p.usage_centi)} {unit}"
        else:
            raise ValueError(f"unknown sharing key {key!r}")
        rows.append((p, days, weight, basis))
    weights = [weight for _p, _days, weight, _basis in rows]
    if sum(weights) <= 0:
        raise NothingToShare(key)
    parts = allocate(cost_cents, weights)
    return [Share(p.cluster_id, part, days, weight, basis)
            for (p, days, weight, basis), part in zip(rows, parts, strict=True)]
