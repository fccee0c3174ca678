"""The membership kind: a cluster's yearly fee, priced from its fee grid by category and headcount."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from ..core.kinds import OfferKind, register_kind
from .rules import bands_of, fee_unit
from .services import fee_grid


def _terms(db, offer, lang: str):
    return bands_of(fee_grid(db, offer.cluster_id), lang)


def _read(args: Mapping[str, str]) -> tuple[dict, dict]:
    return ({"category": args["category"]} if args.get("category") else {}), {}


def _page(db, offer, cluster) -> dict:
    return {"tiers": fee_grid(db, cluster.id)}


MEMBERSHIP = register_kind(OfferKind(
    "membership", _l("Adhésion"), "memberships", price_unit=fee_unit, load_terms=_terms,
    quote_fields="memberships/_quote_fields.html", read_options=_read, page_context=_page,
    page_section="memberships/_fee_grid_section.html", from_price=True))
