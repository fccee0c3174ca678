"""Agreement arithmetic (pure): success fees within their bounds, rebates shared to the cent."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.money import allocate, apply_bps


def success_fee_cents(declared_cents: int, rate_bps: int, min_cents: int, cap_cents: int | None) -> int:
    """rate × declared amount (half-up), raised to the minimum, lowered to the cap."""
    fee = max(apply_bps(declared_cents, rate_bps), min_cents)
    return min(fee, cap_cents) if cap_cents is not None else fee


def rebate_cents(turnover_cents: int, rebate_bps: int) -> int:
    return apply_bps(turnover_cents, rebate_bps)


def redistribute(rebate: int, purchases: Sequence[int]) -> list[int]:
    """Each member's part of the rebate pro rata of its purchases: the parts add up to the rebate."""
    if rebate == 0 or not purchases:
        return [0] * len(purchases)
    return allocate(rebate, purchases)
