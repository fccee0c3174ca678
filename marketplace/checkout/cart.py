"""The cart: what a visitor or a member is about to buy, priced for them now (kept across sign-in)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..catalogue.search import Viewer, get_visible_offer
from ..clusters.models import Cluster
from ..core.errors import DomainError, Invalid, NotFound, PricingError
from ..core.kinds import dump_options, get_kind, load_options
from ..core.timeutil import utcnow
from ..db import get_owned
from ..pricing.quotes import QuoteLine
from ..pricing.services import price_offer
from .models import Cart, CartLine


def get_cart(db: Session, token: str | None, user_id: int | None) -> Cart | None:
    """The signed-in user's cart, else the visitor's cart named by the session token."""
    if user_id is not None:
        cart = db.exec(select(Cart).where(Cart.user_id == user_id)).first()
        if cart is not None:
            return cart
    if token:
        return db.exec(select(Cart).where(Cart.token == token, col(Cart.user_id).is_(None))).first()
    return None


def ensure_cart(db: Session, token: str | None, user_id: int | None) -> Cart:
    cart = get_cart(db, token, user_id)
    if cart is None:
        cart = Cart(token=secrets.token_urlsafe(24), user_id=user_id)
        db.add(cart)
        db.flush()
    return cart


def adopt_visitor_cart(db: Session, token: str | None, user_id: int) -> None:
    """On sign-in, the visitor's cart lines join the user's cart (kept across sign-in)."""
    visitor = get_cart(db, token, None)
    if visitor is None:
        return
    own = db.exec(select(Cart).where(Cart.user_id == user_id)).first()
    if own is None:
        visitor.user_id = user_id
        db.add(visitor)
        return
    for line in db.exec(select(CartLine).where(CartLine.cart_id == visitor.id)).all():
        _add_line(db, own, line.offer_id, line.quantity, line.options_json)
        db.delete(line)
    db.flush()
    db.delete(visitor)


def _add_line(db: Session, cart: Cart, offer_id: int, quantity: int, options_json: str) -> CartLine:
    line = db.exec(select(CartLine).where(CartLine.cart_id == cart.id, CartLine.offer_id == offer_id,
                                          CartLine.options_json == options_json)).first()
    if line is None:
        line = CartLine(cart_id=cart.id, offer_id=offer_id, quantity=0, options_json=options_json)
    line.quantity += quantity
    db.add(line)
    cart.updated_at = utcnow()
    db.add(cart)
    db.flush()
    return line


def add_to_cart(db: Session, cart: Cart, offer_id: int, quantity: int, options: dict, viewer: Viewer) -> CartLine:
    """Add an offer the viewer may see and buy so; the pricing engine refuses what cannot be sold."""
    offer, cluster = get_visible_offer(db, offer_id, viewer)
    price_offer(db, offer, cluster, viewer.organization_id, quantity, options, available=True)  # PricingError
    kind = get_kind(offer.kind)
    if kind.single_booking:
        quantity = 1  # one booking (of a slot); its price does not depend on a quantity
    if kind.line_key is not None:  # the new choice replaces the line it conflicts with (one fee per year)
        for line in db.exec(select(CartLine).where(CartLine.cart_id == cart.id, CartLine.offer_id == offer.id)):
            if kind.line_key(load_options(line.options_json)) == kind.line_key(options):
                db.delete(line)
        db.flush()
    return _add_line(db, cart, offer.id, quantity, dump_options(options))


def line_options(db: Session, offer_id: int, args: Mapping[str, str], viewer: Viewer) -> dict:
    """The options of a line as its offer's kind reads them from a form (a date, a slot, a pack...)."""
    offer, _cluster = get_visible_offer(db, offer_id, viewer)
    options, errors = get_kind(offer.kind).options_from(args)
    if errors:
        raise Invalid(_("Vérifiez : %(fields)s.", fields=", ".join(sorted(errors))))
    return options


def count_cart_items(db: Session, token: str | None, user_id: int | None) -> int:
    """How many items the cart `get_cart` finds holds, read in one statement (two for a signed-in user without a
    cart of their own but a visitor's token)."""
    def items(*where) -> tuple[int, int]:
        return db.exec(_CART_ITEMS.where(*where)).one()

    if user_id is not None:
        carts, count = db.exec(_USER_CART_ITEMS, params={"user_id": user_id}).one()
        if carts > 1:  # two first additions at once made two carts: the one get_cart finds
            carts, count = items(Cart.id == get_cart(db, None, user_id).id)
        if carts:
            return int(count)
    return int(items(Cart.token == token, col(Cart.user_id).is_(None))[1]) if token else 0


_CART_ITEMS = (select(func.count(col(Cart.id).distinct()), func.coalesce(func.sum(CartLine.quantity), 0))
               .select_from(Cart).outerjoin(CartLine, CartLine.cart_id == Cart.id))
_USER_CART_ITEMS = _CART_ITEMS.where(Cart.user_id == bindparam("user_id"))  # built once: every member's page


def set_line_quantity(db: Session, cart: Cart, line_id: int, quantity: int, viewer: Viewer) -> CartLine:
    """Change how many of a line the cart holds, as the pricing engine allows (a booking stays one)."""
    line = get_owned(db, CartLine, line_id, _("Cette ligne n'est plus dans votre panier."), cart_id=cart.id)
    offer, cluster = get_visible_offer(db, line.offer_id, viewer)
    if get_kind(offer.kind).single_booking:
        raise Invalid(_("Une réservation se compte une fois : retirez-la ou ajoutez-en une autre."), field="quantity")
    price_offer(db, offer, cluster, viewer.organization_id, quantity, load_options(line.options_json),
                available=True)  # PricingError: too many, sold out...
    line.quantity = quantity
    db.add(line)
    cart.updated_at = utcnow()
    db.add(cart)
    db.flush()
    return line


def remove_cart_line(db: Session, cart: Cart, line_id: int) -> None:
    db.delete(get_owned(db, CartLine, line_id, _("Cette ligne n'est plus dans votre panier."), cart_id=cart.id))
    db.flush()


@dataclass
class PricedLine:
    line: CartLine
    offer: Offer
    cluster: Cluster
    priced: QuoteLine | None
    problem: str | None
    error: DomainError | None = None  # what refused the line (its stable code for the API)

    @property
    def single_booking(self) -> bool:
        """One line is one booking (a room slot): its quantity is not changed in the cart."""
        return get_kind(self.offer.kind).single_booking


def price_cart(db: Session, cart: Cart | None, viewer: Viewer, lang: str = "fr") -> list[PricedLine]:
    """Every line of the cart priced now for this viewer, or the reason it cannot be bought."""
    if cart is None:
        return []
    return price_lines(db, db.exec(select(CartLine).where(CartLine.cart_id == cart.id).order_by(CartLine.id)).all(),
                       viewer, lang)


def price_lines(db: Session, lines, viewer: Viewer, lang: str = "fr", checked: bool = False) -> list[PricedLine]:
    """Lines priced now for this viewer, or the reason each cannot be bought: a cart's, or a request's (not
    stored, numbered from 1) whose offers the caller `checked` visible already."""
    result = []
    for line in lines:
        offer = db.get(Offer, line.offer_id)
        cluster = db.get(Cluster, offer.cluster_id)
        try:
            if not checked:
                get_visible_offer(db, offer.id, viewer)
            quote = price_offer(db, offer, cluster, viewer.organization_id, line.quantity,
                                load_options(line.options_json), lang=lang)
            result.append(PricedLine(line, offer, cluster, quote.lines[0], None))
        except (PricingError, NotFound) as exc:
            result.append(PricedLine(line, offer, cluster, None, exc.message_in(lang), exc))
    return result
