"""Cart and orders: prices frozen at ordering time, stock held in the same transaction, never oversold.

Stock is held by conditional updates (`held + n <= capacity`) taken in increasing offer id, so two
buyers of the same offers queue on the same rows in the same order and never deadlock; room slots
are held by rows whose unique key (room, day, block) refuses a second booking. Both work the same
on SQLite (writers serialised by BEGIN IMMEDIATE) and PostgreSQL (row locks).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select
from stdnum.iso7064 import mod_97_10

from ..catalogue.models import Offer
from ..catalogue.registry import get_kind
from ..catalogue.services import Viewer, get_visible_offer
from ..clusters.models import Cluster, Membership
from ..core.errors import Conflict, Invalid, NotFound
from ..core.money import format_eur_fr
from ..core.states import HOLDING_STATUSES, ORDER_TRANSITIONS, check_transition
from ..core.timeutil import utcnow
from ..mail.services import queue_email
from ..pricing.rules import PricingError, QuoteLine
from ..pricing.services import price_offer
from .models import Cart, CartLine, OfferStock, Order, OrderLine, RoomBooking

# Which blocks of the room a booked slot occupies (the meeting room is a separate space).
ROOM_BLOCKS = {
    "full_day": ("morning", "afternoon"),
    "half_day": ("morning",),
    "evening": ("evening",),
    "breakfast": ("breakfast",),
    "meeting": ("meeting_morning",),
}
AFTERNOON = {"half_day": ("afternoon",), "meeting": ("meeting_afternoon",)}


# ---------------------------------------------------------------------------------------------
# Options travel as canonical JSON (dates as ISO strings) in carts and order lines


def dump_options(options: dict) -> str:
    return json.dumps({k: (v.isoformat() if isinstance(v, date) else v) for k, v in sorted(options.items())},
                      separators=(",", ":"), ensure_ascii=False)


def load_options(raw: str) -> dict:
    options = json.loads(raw or "{}")
    if "date" in options:
        options["date"] = date.fromisoformat(options["date"])
    return options


# ---------------------------------------------------------------------------------------------
# Cart


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
    price_offer(db, offer, cluster, viewer.organization_id, quantity, options)  # raises PricingError
    if get_kind(offer.kind).inventory == "time_slots":
        quantity = 1  # one booking of the slot; its price does not depend on a quantity
    return _add_line(db, cart, offer.id, quantity, dump_options(options))


def remove_cart_line(db: Session, cart: Cart, line_id: int) -> None:
    line = db.get(CartLine, line_id)
    if line is None or line.cart_id != cart.id:
        raise NotFound(_("Cette ligne n'est plus dans votre panier."))
    db.delete(line)
    db.flush()


@dataclass
class PricedLine:
    line: CartLine
    offer: Offer
    cluster: Cluster
    priced: QuoteLine | None
    problem: str | None


def price_cart(db: Session, cart: Cart | None, viewer: Viewer, lang: str = "fr") -> list[PricedLine]:
    """Every line of the cart priced now for this viewer, or the reason it cannot be bought."""
    if cart is None:
        return []
    result = []
    for line in db.exec(select(CartLine).where(CartLine.cart_id == cart.id).order_by(CartLine.id)).all():
        offer = db.get(Offer, line.offer_id)
        cluster = db.get(Cluster, offer.cluster_id)
        try:
            get_visible_offer(db, offer.id, viewer)
            quote = price_offer(db, offer, cluster, viewer.organization_id, line.quantity,
                                load_options(line.options_json), lang=lang)
            result.append(PricedLine(line, offer, cluster, quote.lines[0], None))
        except (PricingError, NotFound) as exc:
            message = exc.message_en if isinstance(exc, PricingError) and lang == "en" else exc.message
            result.append(PricedLine(line, offer, cluster, None, message))
    return result


# ---------------------------------------------------------------------------------------------
# Orders


@dataclass(frozen=True)
class Billing:
    name: str
    email: str
    siret: str | None = None
    vat_number: str | None = None
    address: str = ""
    postal_code: str = ""
    city: str = ""


def creditor_reference(order_number: str) -> str:
    """ISO 11649 structured creditor reference (RF + 2 check digits + the order number)."""
    body = order_number.replace("-", "")
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def _needs_review(db: Session, lines: list[PricedLine], organization_id: int | None, year: int) -> bool:
    """A sponsor involved in the cluster it sponsors (one of its members) waits for staff review."""
    if organization_id is None:
        return False
    sponsored = {p.cluster.id for p in lines if p.offer.kind == "sponsorship"}
    if not sponsored:
        return False
    return db.exec(select(Membership.id).where(Membership.organization_id == organization_id,
                                               col(Membership.cluster_id).in_(sponsored),
                                               Membership.year == year)).first() is not None


def new_order(now: datetime, **values) -> Order:
    """An order not numbered yet (temporary unique number and reference until number_order)."""
    return Order(number=f"tmp-{secrets.token_hex(6)}", payment_reference=f"tmp-{secrets.token_hex(6)}",
                 access_token=secrets.token_urlsafe(24), terms_accepted_at=now, created_at=now, **values)


def number_order(db: Session, order: Order) -> Order:
    """Store the order and give it its public number (C<year>-<id>) and the RF reference built from it."""
    db.add(order)
    db.flush()
    order.number = f"C{order.created_at.year}-{order.id:06d}"
    order.payment_reference = creditor_reference(order.number)
    return order


def request_fingerprint(*parts) -> str:
    """A digest of what was asked (canonical JSON of `parts`), kept with the order its key created."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def place_order(db: Session, cart: Cart, viewer: Viewer, user_id: int | None, billing: Billing,
                idempotency_key: str, hold_minutes: int, payment_method: str = "bank_transfer",
                now: datetime | None = None, fingerprint: str | None = None) -> tuple[Order, bool]:
    """Turn the cart into an order holding its stock; returns (order, created).

    The same idempotency key returns the order it created (a double submit makes one order), but only
    to the same caller asking the same thing (`fingerprint`, by default the billing details and payment
    method): anyone else reusing a key gets Conflict and learns nothing of that order.
    Raises Conflict when something is sold out or a room slot is taken, Invalid when a line cannot
    be bought; then nothing is written.
    """
    fingerprint = fingerprint or request_fingerprint(asdict(billing), payment_method)
    existing = db.exec(select(Order).where(Order.idempotency_key == idempotency_key)).first()
    if existing is not None:
        if existing.user_id != user_id or not secrets.compare_digest(existing.request_fingerprint or "", fingerprint):
            raise Conflict(_("Cette clé d'idempotence a déjà servi pour une autre demande : "
                             "envoyez une nouvelle clé pour une nouvelle commande."), field="idempotency_key")
        return existing, False
    now = now or utcnow()
    priced = price_cart(db, cart, viewer)
    if not priced:
        raise Invalid(_("Votre panier est vide."))
    problems = [f"{p.offer.title_fr} : {p.problem}" for p in priced if p.problem]
    if problems:
        raise Invalid(" ".join(problems))
    if db.get_bind().dialect.name == "postgresql":
        # A buyer waiting behind others for the same stock gives up after a while and is told to retry.
        db.connection().execute(text("SET LOCAL lock_timeout = '5s'"))
    review = _needs_review(db, priced, viewer.organization_id, now.year)
    order = new_order(
        now, idempotency_key=idempotency_key, request_fingerprint=fingerprint, user_id=user_id,
        organization_id=viewer.organization_id,
        status="awaiting_approval" if review else "pending_payment", payment_method=payment_method,
        total_excl_cents=sum(p.priced.excl_cents for p in priced),
        total_vat_cents=sum(p.priced.vat_cents for p in priced),
        total_incl_cents=sum(p.priced.incl_cents for p in priced),
        billing_name=billing.name, billing_email=billing.email, billing_siret=billing.siret,
        billing_vat_number=billing.vat_number, billing_address=billing.address,
        billing_postal_code=billing.postal_code, billing_city=billing.city,
        hold_expires_at=now + timedelta(minutes=hold_minutes))
    number_order(db, order)
    lines = [_order_line(order, p) for p in priced]
    db.add_all(lines)
    db.flush()
    try:
        _hold_stock(db, [(line, p.offer) for line, p in zip(lines, priced, strict=True)])
    except OperationalError as exc:  # lock_timeout
        raise Conflict(_("Beaucoup de demandes en même temps sur ces offres : réessayez dans un instant.")) from exc
    for line in db.exec(select(CartLine).where(CartLine.cart_id == cart.id)).all():
        db.delete(line)
    db.flush()
    return order, True


def _order_line(order: Order, p: PricedLine) -> OrderLine:
    q = p.priced
    return OrderLine(
        order_id=order.id, offer_id=p.offer.id, cluster_id=p.cluster.id, kind=p.offer.kind,
        description=q.description[:400], options_json=p.line.options_json, quantity=q.quantity, units=q.units,
        unit_list_cents=q.unit_list_cents, unit_price_cents=q.unit_price_cents,
        prices_include_vat=q.prices_include_vat, excl_cents=q.excl_cents, vat_rate_bps=q.vat_rate_bps,
        vat_exempt_mention=q.vat_exempt_mention, vat_cents=q.vat_cents, incl_cents=q.incl_cents,
        adjustments_text="\n".join(a.label_fr for a in q.adjustments))


def _ensure_stock_rows(db: Session, offer_ids: list[int]) -> None:
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    for offer_id in offer_ids:
        db.connection().execute(insert(OfferStock).values(offer_id=offer_id, held_units=0).on_conflict_do_nothing())


def _hold_stock(db: Session, lines: list[tuple[OrderLine, Offer]]) -> None:
    """Hold capacity (sorted by offer id) and room blocks, or raise Conflict and hold nothing."""
    wanted: dict[int, int] = {}
    capacities: dict[int, Offer] = {}
    for line, offer in lines:
        if get_kind(offer.kind).inventory == "capacity" and offer.capacity is not None:
            wanted[offer.id] = wanted.get(offer.id, 0) + line.units
            capacities[offer.id] = offer
    _ensure_stock_rows(db, sorted(wanted))
    for offer_id in sorted(wanted):
        held = db.connection().execute(update(OfferStock)
                       .where(OfferStock.offer_id == offer_id,
                              OfferStock.held_units + wanted[offer_id] <= capacities[offer_id].capacity)
                       .values(held_units=OfferStock.held_units + wanted[offer_id]))
        if held.rowcount != 1:
            left = capacities[offer_id].capacity - db.exec(
                select(OfferStock.held_units).where(OfferStock.offer_id == offer_id)).one()
            raise Conflict(_("Complet : « %(title)s » n'a plus que %(left)d place(s) disponible(s).",
                             title=capacities[offer_id].title_fr, left=max(left, 0)))
    for line, offer in lines:
        if get_kind(offer.kind).inventory == "time_slots":
            _book_room(db, line, offer)


def _book_room(db: Session, line: OrderLine, offer: Offer) -> None:
    options = load_options(line.options_json)
    slot = options["slot"]
    blocks = AFTERNOON[slot] if options.get("half") == "afternoon" and slot in AFTERNOON else ROOM_BLOCKS[slot]
    try:
        with db.begin_nested():
            for block in blocks:
                db.add(RoomBooking(offer_id=offer.id, day=options["date"], block=block, order_line_id=line.id))
            db.flush()
    except IntegrityError as exc:
        raise Conflict(_("Ce créneau de « %(title)s » est déjà réservé le %(day)s.", title=offer.title_fr,
                         day=options["date"].strftime("%d/%m/%Y"))) from exc


def release_stock(db: Session, order: Order) -> None:
    """Give back what the order held (when it expires or is cancelled)."""
    lines = db.exec(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.offer_id)).all()
    for line in lines:
        if get_kind(line.kind).inventory == "capacity":
            db.connection().execute(update(OfferStock).where(OfferStock.offer_id == line.offer_id)
                    .values(held_units=OfferStock.held_units - line.units))
        bookings = db.exec(select(RoomBooking).where(RoomBooking.order_line_id == line.id)).all()
        for booking in bookings:
            db.delete(booking)
    db.flush()


ORDER_STATUS_LABELS = {
    "awaiting_approval": _l("En attente de validation"), "pending_payment": _l("En attente de paiement"),
    "paid": _l("Payée"), "fulfilled": _l("Servie"), "expired": _l("Expirée"), "cancelled": _l("Annulée"),
    "refunded": _l("Remboursée"), "partially_refunded": _l("Remboursée en partie")}


def order_status_label(status: str) -> str:
    return str(ORDER_STATUS_LABELS.get(status, status))


def change_order_status(db: Session, order: Order, target: str, now: datetime | None = None) -> Order:
    """Move an order along ORDER_TRANSITIONS; stock is given back when it stops holding it."""
    try:
        check_transition(ORDER_TRANSITIONS, order.status, target)
    except Conflict as exc:
        raise Conflict(_("Une commande « %(current)s » ne peut pas devenir « %(target)s ».",
                         current=order_status_label(order.status), target=order_status_label(target))) from exc
    was_holding = order.status in HOLDING_STATUSES
    order.status = target
    if target in ("expired", "cancelled", "refunded"):
        order.closed_at = now or utcnow()
    if was_holding and target not in HOLDING_STATUSES:
        release_stock(db, order)
    db.add(order)
    db.flush()
    return order


def expire_orders(db: Session, now: datetime | None = None) -> int:
    """Expire unpaid orders whose hold has run out and release their stock; returns how many."""
    now = now or utcnow()
    due = db.exec(select(Order).where(Order.status == "pending_payment", col(Order.hold_expires_at) < now)
                  .order_by(Order.id).with_for_update(skip_locked=True)).all()
    for order in due:
        change_order_status(db, order, "expired", now)
    return len(due)


def available_units(db: Session, offer: Offer) -> int | None:
    """Units still for sale (None: no limit)."""
    if offer.capacity is None or get_kind(offer.kind).inventory != "capacity":
        return None
    held = db.exec(select(OfferStock.held_units).where(OfferStock.offer_id == offer.id)).first() or 0
    return max(offer.capacity - held, 0)


def orders_of(db: Session, user_id: int | None, organization_id: int | None) -> list[Order]:
    """The orders a member may see: their own and their organization's, newest first."""
    clauses = []
    if user_id is not None:
        clauses.append(Order.user_id == user_id)
    if organization_id is not None:
        clauses.append(Order.organization_id == organization_id)
    if not clauses:
        return []
    return list(db.exec(select(Order).where(or_(*clauses)).order_by(col(Order.id).desc())).all())


def lines_of(db: Session, order_id: int) -> list[OrderLine]:
    return list(db.exec(select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)).all())


def notify_order_received(db: Session, order: Order, link: str, config) -> None:
    """The buyer's confirmation with payment instructions, written to the outbox with the order."""
    lines = "\n".join(f"- {line.description} × {line.quantity} : {format_eur_fr(line.incl_cents)} TTC"
                      for line in lines_of(db, order.id))
    if order.status == "awaiting_approval":
        next_step = _("Votre commande comprend un parrainage : l'équipe du cluster la valide avant paiement. "
                      "Vous recevrez les instructions de paiement ensuite.")
    else:
        next_step = _(
            "Pour régler par virement avant le %(deadline)s :\n"
            "  Bénéficiaire : %(holder)s\n  IBAN : %(iban)s\n  BIC : %(bic)s\n"
            "  Montant : %(amount)s\n  Référence (obligatoire) : %(reference)s\n"
            "Sans paiement à cette date, la commande expire et les places sont remises en vente.",
            deadline=order.hold_expires_at.strftime("%d/%m/%Y %H:%M UTC"), holder=config["FEDERATION_NAME"],
            iban=config["FEDERATION_IBAN"], bic=config["FEDERATION_BIC"],
            amount=format_eur_fr(order.total_incl_cents), reference=order.payment_reference)
    body = _("Bonjour,\n\nNous avons bien reçu votre commande %(number)s :\n%(lines)s\n"
             "Total TTC : %(total)s\n\n%(next)s\n\nSuivre la commande : %(link)s\n",
             number=order.number, lines=lines, total=format_eur_fr(order.total_incl_cents), next=next_step,
             link=link)
    queue_email(db, order.billing_email, _("Commande %(number)s reçue", number=order.number), body)
