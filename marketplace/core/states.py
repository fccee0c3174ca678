"""Allowed status transitions, one table per kind of record."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import Conflict

MEMBERSHIP_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "pending": frozenset({"active", "excluded", "lapsed"}),
    "active": frozenset({"expired", "excluded"}),
    "expired": frozenset({"active"}),
    "lapsed": frozenset({"pending", "active"}),  # a renewal left unpaid past its grace; it may be taken up again
    "excluded": frozenset(),
}


ORDER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "awaiting_approval": frozenset({"pending_payment", "cancelled"}),
    "pending_payment": frozenset({"paid", "expired", "cancelled"}),
    "paid": frozenset({"fulfilled", "refunded", "partially_refunded"}),
    "partially_refunded": frozenset({"refunded", "partially_refunded", "fulfilled"}),
    "fulfilled": frozenset({"refunded", "partially_refunded"}),
    "expired": frozenset(),
    "cancelled": frozenset(),
    "refunded": frozenset(),
}
# Orders in these statuses hold their stock (seats, stands, packages, passes, room slots).
HOLDING_STATUSES = frozenset({"awaiting_approval", "pending_payment", "paid", "fulfilled", "partially_refunded"})


def check_transition(table: Mapping[str, frozenset[str]], current: str, target: str) -> None:
    """Raise Conflict unless `current -> target` is in `table`; the table is the only truth."""
    if target not in table.get(current, frozenset()):
        raise Conflict(f"Passage de « {current} » à « {target} » impossible.")
