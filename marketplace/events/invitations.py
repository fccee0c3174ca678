"""Invitation codes: a code makes one ticket type of an event free, a number of times (press, speakers,
guests). The price of a ticket asked with a code is nil; its uses are held with the seats and given back
with them, so a code never admits more people than it says."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, select

from ..catalogue.models import Offer
from ..catalogue.units import offer_unit
from ..core.errors import Conflict, Invalid, PricingError
from ..core.kinds import Unit, load_options
from .models import Event, InvitationCode

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


def clean_code(code: str) -> str:
    return "".join(str(code).split()).upper()[:40]


def read_ticket_options(args: Mapping[str, str]) -> tuple[dict, dict]:
    options: dict = {}
    if args.get("variant"):
        options["variant"] = args["variant"]
    if args.get("invitation"):
        options["invitation"] = clean_code(args["invitation"])
    return options, {}


class Invitations:
    """The uses left of each code of a ticket type, as its price reads them: read when a code is asked for
    (most tickets are bought without one, and a catalogue page prices many)."""

    def __init__(self, load: Callable[[], Mapping[str, int]]):
        self._load, self._left = load, None

    @property
    def left(self) -> Mapping[str, int]:
        if self._left is None:
            self._left = self._load()
        return self._left


def ticket_terms(db: Session, offer: Offer, lang: str) -> Invitations:
    offer_id = offer.id
    return Invitations(lambda: {c.code: c.max_uses - c.used_units for c in db.exec(
        select(InvitationCode).where(InvitationCode.offer_id == offer_id)).all()})


def ticket_unit(terms, options: Mapping[str, Any], buyer=None, at=None, quantity: int = 1) -> Unit:
    """A ticket at its price; with an invitation code of this ticket type, free (while the code has uses left)."""
    code = options.get("invitation")
    if not code:
        return offer_unit(terms, options, buyer, at, quantity)
    left = (terms.kind_terms.left if terms.kind_terms else {}).get(code)
    if left is None:
        raise PricingError("unknown_variant", "Ce code d'invitation n'existe pas pour ce billet.",
                           "This invitation code does not exist for this ticket.", "invitation")
    if left < quantity:
        raise PricingError("sold_out", f"Ce code d'invitation ne vaut plus que {left} billet{'s' if left > 1 else ''}.",
                           f"This invitation code is only good for {left} more ticket{'' if left == 1 else 's'}.",
                           "invitation")
    return Unit(f"{terms.title} — invitation", 0, discounts=False)


def hold_invitations(db: Session, lines) -> None:
    """Take the uses of the codes the lines were priced with (in code order), or refuse and take none."""
    wanted: dict[str, int] = {}
    for line, _offer in lines:
        code = load_options(line.options_json).get("invitation")
        if code:
            wanted[code] = wanted.get(code, 0) + line.quantity
    for code, units in sorted(wanted.items()):
        taken = db.connection().execute(update(InvitationCode).where(
            InvitationCode.code == code, InvitationCode.used_units + units <= InvitationCode.max_uses)
            .values(used_units=InvitationCode.used_units + units))
        if taken.rowcount != 1:
            raise Conflict(_("Ce code d'invitation a déjà servi autant de fois qu'il le permet."))


def release_invitations(db: Session, line) -> None:
    code = load_options(line.options_json).get("invitation")
    if code:
        db.connection().execute(update(InvitationCode).where(InvitationCode.code == code)
                                .values(used_units=InvitationCode.used_units - line.quantity))


def create_invitation(db: Session, event: Event, offer_id: int, label: str, max_uses: int,
                      code: str | None = None) -> InvitationCode:
    offer = db.get(Offer, offer_id)
    if offer is None or offer.event_id != event.id:
        raise Invalid(_("Choisissez un billet de cet événement."), field="offer_id")
    code = clean_code(code) if code else "".join(secrets.choice(ALPHABET) for _ in range(10))
    if db.exec(select(InvitationCode.id).where(InvitationCode.code == code)).first() is not None:
        raise Conflict(_("Ce code existe déjà."), field="code")
    row = InvitationCode(event_id=event.id, offer_id=offer.id, code=code, label=label, max_uses=max_uses)
    db.add(row)
    db.flush()
    return row


def invitations_of(db: Session, event_id: int) -> list[tuple[InvitationCode, Offer]]:
    return list(db.exec(select(InvitationCode, Offer).join(Offer, Offer.id == InvitationCode.offer_id)
                        .where(InvitationCode.event_id == event_id).order_by(InvitationCode.id)).all())


def offer_of_code(db: Session, event: Event, code: str) -> Offer:
    row = db.exec(select(InvitationCode).where(InvitationCode.code == clean_code(code),
                                               InvitationCode.event_id == event.id)).first()
    if row is None:
        raise Invalid(_("Code d'invitation inconnu pour cet événement."), field="invitation")
    return db.get(Offer, row.offer_id)
