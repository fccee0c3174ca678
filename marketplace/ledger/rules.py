"""Double-entry rules (pure): a posting balances, amounts are positive cents, its content has a fingerprint."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..core.money import allocate

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class UnbalancedPosting(ValueError):
    """Debits and credits differ, an amount is not positive, or there are fewer than two lines."""


@dataclass(frozen=True)
class Line:
    """One side of a posting on one account: exactly one of debit and credit is positive."""

    account: str  # "owner:code", e.g. "federation:512" or "cluster-7:706"
    debit_cents: int = 0
    credit_cents: int = 0
    label: str = ""


def check_balanced(lines: Sequence[Line]) -> None:
    """Raise UnbalancedPosting unless there are 2+ lines, each one-sided and positive, debits == credits."""
    if len(lines) < 2:
        raise UnbalancedPosting("a posting needs at least two lines")
    for line in lines:
        if (line.debit_cents > 0) == (line.credit_cents > 0) or min(line.debit_cents, line.credit_cents) < 0:
            raise UnbalancedPosting(f"line on {line.account}: exactly one positive side expected")
    debits = sum(line.debit_cents for line in lines)
    credits = sum(line.credit_cents for line in lines)
    if debits != credits:
        raise UnbalancedPosting(f"debits {debits} != credits {credits}")


def fingerprint(lines: Sequence[Line]) -> str:
    """The same lines (in any order) always give the same fingerprint; any change gives another."""
    canonical = sorted((line.account, line.debit_cents, line.credit_cents) for line in lines)
    return hashlib.sha256(repr(canonical).encode()).hexdigest()


def reversal(lines: Sequence[Line]) -> list[Line]:
    """The lines that cancel `lines` (debits become credits and back): corrections never edit the past."""
    return [Line(line.account, line.credit_cents, line.debit_cents, f"Annulation : {line.label}") for line in lines]


def split_amount(amount_cents: int, fee_bps: int, shares: Sequence[tuple[int, int]],
                 issuer_id: int) -> list[tuple[int | None, int]]:
    """Split an amount excl. VAT between the platform fee (party None), co-owners and the issuer.

    Largest remainder: the parts add up to the amount exactly and each is within one cent of its
    exact share; the issuer keeps what the fee and the co-owners' shares leave (in bps of 10 000).
    Works the same for negative amounts (refunds reverse with the same rule).
    """
    kept_bps = 10_000 - fee_bps - sum(bps for _cluster, bps in shares)
    if fee_bps < 0 or kept_bps < 0 or any(bps <= 0 for _cluster, bps in shares):
        raise ValueError("fee and shares must be positive and leave the issuer a non-negative share")
    parties: list[int | None] = [None, *(cluster for cluster, _bps in shares), issuer_id]
    weights = [fee_bps, *(bps for _cluster, bps in shares), kept_bps]
    if amount_cents == 0:
        return [(party, 0) for party in parties]
    return list(zip(parties, allocate(amount_cents, weights), strict=True))


def month_of(day: date) -> str:
    """The settlement month of a day, as YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"


def is_month(text: str) -> bool:
    """A settlement month written YYYY-MM (month 01 to 12)."""
    return bool(MONTH.fullmatch(text))


def month_before(day: date) -> str:
    """The month before the one a day falls in."""
    return month_of(date.fromordinal(day.replace(day=1).toordinal() - 1))


def next_month(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a YYYY-MM month."""
    first = date(int(period[:4]), int(period[5:7]), 1)
    after = date.fromisoformat(next_month(period) + "-01")
    return first, date.fromordinal(after.toordinal() - 1)


def settlement_period(day: date, closed_through: str | None) -> str:
    """The month a posting counts in: its own, or the first open one when its month is already closed."""
    own = month_of(day)
    if closed_through is None or own > closed_through:
        return own
    return next_month(closed_through)
