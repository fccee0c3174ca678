"""The membership kind: a cluster's yearly fee, priced from its fee grid by category and headcount or turnover.

Joining is a line of the normal checkout (joining.py): a year already paid is not sold again, and the
paid line makes the organization a member once; an order ending unpaid or refunded ends what it paid.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..catalogue.freshness import watch
from ..core.kinds import OfferKind, register_kind
from .joining import check_can_join, end_unpaid_membership, read_join_options, record_paid_membership
from .models import MembershipTier
from .rules import bands_of, fee_unit
from .services import MEMBERSHIP_KIND, fee_grid


def _terms(db, offer, lang: str):
    return bands_of(fee_grid(db, offer.cluster_id), lang)


def _page(db, offer, cluster) -> dict:
    return {"tiers": fee_grid(db, cluster.id)}


def _year(options) -> object:
    return options.get("year")


def _paid(db, order, line) -> None:
    record_paid_membership(db, order, line)


MEMBERSHIP = register_kind(OfferKind(
    MEMBERSHIP_KIND, _l("Adhésion"), "memberships", price_unit=fee_unit, load_terms=_terms,
    check_available=check_can_join, quote_fields="memberships/_quote_fields.html", read_options=read_join_options,
    page_context=_page, page_section="memberships/_fee_grid_section.html", single_booking=True, from_price=True,
    line_key=_year, on_paid=_paid, on_cancelled=end_unpaid_membership))
# The fee grid a membership offer's page and prices read is kept with the catalogue.
watch(MembershipTier)
