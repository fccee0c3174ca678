"""The catalogue's own kinds of offer: plain services and actions, patronage (a gift: a tax receipt). Event
tickets, stands and sponsorships are the events package's, coworking passes the passes package's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.kinds import OfferKind, register_kind

SERVICE = register_kind(OfferKind("service", _l("Service"), "catalogue", tags=frozenset({"success_fee"})))
COLLECTIVE_ACTION = register_kind(OfferKind("collective_action", _l("Action collective"), "catalogue"))
PATRONAGE = register_kind(OfferKind("patronage", _l("Mécénat"), "catalogue", document="tax_receipt"))
SHARED_FUNCTION = register_kind(OfferKind("shared_function", _l("Fonction mutualisée"), "catalogue"))
