"""The registry of offer kinds: the only list of what a cluster can sell, and the hooks each kind brings.

Each kind is declared once, by the package that owns it (catalogue for the plain kinds, `rooms`,
`memberships`...), with `register_kind`. Everything else — pricing, the cart and checkout, a paid
order's steps, the API, the templates — reaches a kind through `get_kind(code)` and calls its hooks
instead of testing its name. A new kind of offer is a new package plus its registration.

The registry is stdlib only, so a kind package may sit at any layer above `core`: rooms and memberships
sit above checkout (joining and renewing raise orders); the layers below ask who is a member through
core.members, which the memberships package fills in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class Unit:
    """One unit of what is bought, priced before the member, partner and early-bird rules.

    `member_cents` is an explicit member price (None: the offer's member discount, if any, applies);
    `units` is the stock one unit consumes (a book of 10 tickets: 10); `is_base_price` says the offer's
    own price was taken (a fixed early-bird price replaces only that one); without `discounts` the
    list price is the price (a membership fee).
    """

    description: str
    list_cents: int
    member_cents: int | None = None
    units: int = 1
    is_base_price: bool = False
    discounts: bool = True
    own_vat: bool = False  # the unit's VAT below replaces the offer's (a membership tier's category)
    vat_rate_bps: int | None = None
    vat_mention: str | None = None


@dataclass(frozen=True)
class Buyer:
    """Who asks, for the hooks whose answer depends on it (is this organization a member already?)."""

    organization_id: int | None = None
    siret: str | None = None
    at_checkout: bool = False  # asked when the order is placed, with the billing details (a SIRET, or none)


class StockPolicy(Protocol):
    """How a kind holds what an order takes (seats, desks of a day, time slots) and gives it back.

    `hold` receives every (order line, offer) of one order using this policy and raises Conflict,
    holding nothing, when something is not available; policies are run in the order of their `name`
    and lock their rows in a fixed order, so two orders never wait on each other in a cycle.
    """

    name: str

    def hold(self, db, lines: Sequence[tuple[Any, Any]]) -> None: ...

    def release(self, db, line) -> None: ...

    def available(self, db, offer, options: Mapping[str, Any]) -> int | None: ...


@dataclass(frozen=True)
class OfferKind:
    """A kind of offer and its hooks; a hook left None means the catalogue's plain behaviour."""

    code: str
    label: Any  # lazily translated
    owner: str  # the package that declares it: the only one that may name the code
    # Pricing: the unit for the options (a room's rate, a membership fee...), from the terms `load_terms` read.
    price_unit: Callable[..., Unit] | None = None  # (terms, options, buyer, at, quantity) -> Unit
    load_terms: Callable[..., Any] | None = None  # (db, offer, lang) -> kind-specific terms for price_unit
    check_available: Callable[..., None] | None = None  # (db, offer, options, quantity, buyer): PricingError
    # What the quote and the cart ask: the form fields (a template) and how they are read.
    quote_fields: str = "shop/_quantity_fields.html"
    read_options: Callable[[Mapping[str, str]], tuple[dict, dict]] | None = None  # -> (options, errors by field)
    page_context: Callable[..., dict] | None = None  # (db, offer, cluster) -> more for the offer page
    page_section: str | None = None  # a section of the public offer page (a rate grid, a fee grid)
    # The two above are kept with the catalogue's version; what the page shows of this moment is read each time:
    live_context: Callable[..., dict] | None = None  # (db, offer, args, page_context) -> a room's calendar
    live_section: str | None = None
    # Reads ahead what live_context shows, with the catalogue's version (one round trip), when the page knows the
    # offer's kind before reading anything (it saw the offer before).
    live_reads: Callable[..., None] | None = None  # (db, offer_id, args)
    terms_are_live: bool = False  # load_terms reads what sales change (invitations used): never kept
    single_booking: bool = False  # one line is one booking: its quantity is always 1
    named_units: bool = False  # each unit is for a named person (an event ticket): the checkout asks who
    document: str = "invoice"  # what a paid line gets: an invoice, or a tax receipt for a gift ("tax_receipt")
    # Lines of one offer with the same key replace each other in a cart (a membership: one per year).
    line_key: Callable[[Mapping[str, Any]], Any] | None = None
    from_price: bool = False  # the price depends on the options: cards show "from", not a member price
    member_discount_only: bool = False  # members get a percentage off (no fixed member price)
    # Stock and the life of an order line.
    stock: StockPolicy | None = None
    needs_review: Callable[..., str | None] | None = None  # (db, offers, buyer, year) -> why staff approve first
    on_paid: Callable[..., None] | None = None  # (db, order, line): idempotent
    on_cancelled: Callable[..., None] | None = None  # (db, order, line): expired, cancelled or refunded
    documents: Callable[..., list] | None = None  # (db, order) -> [(label, url)]: what the order page links to
    quote_request: str | None = None  # the endpoint where a request above the grid asks for a quote (offer_id=)
    # The console: a section of the offer's page (e.g. a room's rate grid) and what it shows.
    console_section: str | None = None
    console_context: Callable[..., dict] | None = None  # (db, offer) -> the section's rows and forms
    tags: frozenset[str] = field(default_factory=frozenset)  # e.g. "success_fee": a service a fee can follow

    def options_from(self, args: Mapping[str, str]) -> tuple[dict, dict]:
        """The line's options read from a query string or a form, and what could not be read, by field."""
        if self.read_options is not None:
            return self.read_options(args)
        return ({"variant": args["variant"]} if args.get("variant") else {}), {}


_KINDS: dict[str, OfferKind] = {}


def register_kind(kind: OfferKind) -> OfferKind:
    """Declare (or, in tests, replace) a kind; returns it so a package can keep it as a constant."""
    _KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> OfferKind:
    return _KINDS[code]


def is_kind(code: str) -> bool:
    return code in _KINDS


def all_kinds() -> list[OfferKind]:
    return list(_KINDS.values())


def kind_codes() -> list[str]:
    return list(_KINDS)


def codes_tagged(tag: str) -> list[str]:
    """The kinds carrying `tag` (e.g. the services a success fee can follow)."""
    return [code for code, kind in _KINDS.items() if tag in kind.tags]


# Options (a date, a slot, a variant...) travel as canonical JSON, dates as ISO strings, in carts and order lines.


def dump_options(options: Mapping[str, Any]) -> str:
    return json.dumps({k: (v.isoformat() if isinstance(v, date) else v) for k, v in sorted(options.items())},
                      separators=(",", ":"), ensure_ascii=False)


def load_options(raw: str) -> dict:
    options = json.loads(raw or "{}")
    if "date" in options:
        options["date"] = date.fromisoformat(options["date"])
    return options
