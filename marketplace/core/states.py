"""Allowed status transitions, one table per kind of record."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import Conflict

MEMBERSHIP_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "pending": frozenset({"active", "excluded"}),
    "active": frozenset({"expired", "excluded"}),
    "expired": frozenset({"active"}),
    "excluded": frozenset(),
}


def check_transition(table: Mapping[str, frozenset[str]], current: str, target: str) -> None:
    """Raise Conflict unless `current -> target` is in `table`; the table is the only truth."""
    if target not in table.get(current, frozenset()):
        raise Conflict(f"Passage de « {current} » à « {target} » impossible.")
