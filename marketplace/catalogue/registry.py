"""The registry of offer kinds: what each kind is called, what stock it has, what a quote asks for.

Features that sell a kind with inventory (events: tickets, stands, sponsorships; rooms: time slots;
coworking passes) register it here with their availability; the catalogue, pricing and checkout
reach every kind through `get_kind` and never import those features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

INVENTORY_MODES = ("none", "capacity", "time_slots")
QUOTE_INPUTS = ("quantity", "room", "membership")


@dataclass(frozen=True)
class OfferKind:
    code: str
    label: Any  # lazy translated string
    inventory: str = "none"  # "capacity": seats, stands, packages, passes; "time_slots": rooms
    quote_input: str = "quantity"  # what the quote widget asks: a quantity, a room booking, a membership category
    availability: Callable[..., int | None] | None = None  # set by the feature owning the stock

    def __post_init__(self) -> None:
        if self.inventory not in INVENTORY_MODES or self.quote_input not in QUOTE_INPUTS:
            raise ValueError(f"bad offer kind definition {self.code!r}")


_KINDS: dict[str, OfferKind] = {}


def register_kind(kind: OfferKind) -> None:
    """Register (or replace, when a feature brings its availability) the definition of a kind."""
    _KINDS[kind.code] = kind


def get_kind(code: str) -> OfferKind:
    return _KINDS[code]


def all_kinds() -> list[OfferKind]:
    return list(_KINDS.values())


for _kind in (
    OfferKind("service", _l("Service")),
    OfferKind("collective_action", _l("Action collective")),
    OfferKind("event_ticket", _l("Billet d'événement"), inventory="capacity"),
    OfferKind("stand", _l("Stand exposant"), inventory="capacity"),
    OfferKind("sponsorship", _l("Parrainage"), inventory="capacity"),
    OfferKind("patronage", _l("Mécénat")),
    OfferKind("room", _l("Location de salle"), inventory="time_slots", quote_input="room"),
    OfferKind("coworking", _l("Coworking"), inventory="capacity"),
    OfferKind("shared_function", _l("Fonction mutualisée")),
    OfferKind("membership", _l("Adhésion"), quote_input="membership"),
):
    register_kind(_kind)
