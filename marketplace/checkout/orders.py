"""Orders: prices frozen at ordering time, stock held in the same transaction, never oversold.

Each line's stock is held by its kind's stock policy (seats and stands, desks of a day, room slots:
core.kinds.StockPolicy), the policies in a fixed order, each locking its rows in a fixed order, so two
buyers never wait on each other in a cycle; a refused order holds nothing. An idempotency key returns
the order it created, only to the same caller asking the same thing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select
from stdnum.iso7064 import mod_97_10

from ..catalogue.models import Offer
from ..catalogue.search import Viewer
from ..core.errors import Conflict, Invalid, PricingError
from ..core.kinds import Buyer, get_kind, load_options
from ..core.money import MAX_ORDER_CENTS, TOO_LARGE_EN, TOO_LARGE_FR, format_eur_fr, vat_cents
from ..core.states import HOLDING_STATUSES, ORDER_TRANSITIONS, check_transition
from ..core.timeutil import utcnow
from ..mail.services import queue_email
from ..web.i18n import moment
from .cart import PricedLine, price_cart, price_lines
from .holders import holders_json
from .models import Cart, CartLine, Order, OrderLine


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


# Refusals that depend on what others bought meanwhile: a conflict with the current state (409), not bad input.
TAKEN_MEANWHILE = frozenset({"taken", "sold_out", "already_member"})


def _check_available(db: Session, priced: list[PricedLine], buyer: Buyer) -> None:
    """What its kind says is no longer free for this buyer (a slot taken, a year already paid) is refused."""
    for p in priced:
        check = get_kind(p.offer.kind).check_available
        if check is not None:
            try:
                check(db, p.offer, load_options(p.line.options_json), p.line.quantity, buyer)
            except PricingError as exc:
                if exc.code not in TAKEN_MEANWHILE:
                    raise  # a day beyond a room's horizon, a closed day: the request itself is wrong
                raise Conflict(exc.message, code=exc.code) from exc


def _needs_review(db: Session, lines: list[PricedLine], buyer: Buyer, year: int) -> str | None:
    """Why a kind wants staff to approve the order before payment (a sponsor involved in the cluster), if it does."""
    by_kind: dict[str, list[Offer]] = {}
    for p in lines:
        by_kind.setdefault(p.offer.kind, []).append(p.offer)
    reasons = [get_kind(code).needs_review(db, offers, buyer, year)
               for code, offers in by_kind.items() if get_kind(code).needs_review is not None]
    return "; ".join(r for r in reasons if r) or None


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


@dataclass(frozen=True)
class DirectLine:
    """A line priced by a rule rather than the catalogue's engine (a success fee, a membership renewal)."""

    offer: Offer
    description: str
    excl_cents: int
    vat_rate_bps: int | None
    vat_exempt_mention: str | None = None
    options_json: str = "{}"
    adjustments_text: str = ""


def order_for_organization(db: Session, organization, line: DirectLine, key: str, now: datetime,
                           hold_until: datetime | None = None) -> Order:
    """An order of one line billed to an organization, awaiting payment by transfer (its key makes it once)."""
    existing = db.exec(select(Order).where(Order.idempotency_key == key)).first()
    if existing is not None:
        return existing
    vat = vat_cents(line.excl_cents, line.vat_rate_bps) if line.vat_rate_bps is not None else 0
    order = number_order(db, new_order(
        now, idempotency_key=key, organization_id=organization.id, total_excl_cents=line.excl_cents,
        total_vat_cents=vat, total_incl_cents=line.excl_cents + vat, billing_name=organization.name,
        billing_email=organization.email or "", billing_siret=organization.siret,
        billing_vat_number=organization.vat_number, billing_address=organization.address,
        billing_postal_code=organization.postal_code, billing_city=organization.city, hold_expires_at=hold_until))
    db.add(OrderLine(order_id=order.id, offer_id=line.offer.id, cluster_id=line.offer.cluster_id,
                     kind=line.offer.kind, description=line.description[:400], options_json=line.options_json,
                     quantity=1, units=1, unit_list_cents=line.excl_cents, unit_price_cents=line.excl_cents,
                     excl_cents=line.excl_cents, vat_rate_bps=line.vat_rate_bps,
                     vat_exempt_mention=line.vat_exempt_mention if line.vat_rate_bps is None else None,
                     vat_cents=vat, incl_cents=line.excl_cents + vat, adjustments_text=line.adjustments_text))
    db.add(order)
    db.flush()
    return order


def request_fingerprint(*parts) -> str:
    """A digest of what was asked (canonical JSON of `parts`), kept with the order its key created."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def place_order(db: Session, cart: Cart, viewer: Viewer, user_id: int | None, billing: Billing,
                idempotency_key: str, hold_minutes: int, payment_method: str = "bank_transfer",
                now: datetime | None = None, fingerprint: str | None = None,
                holders: Mapping[int, list[dict]] | None = None, lang: str = "fr",
                lines: Sequence[CartLine] | None = None,
                before_flush: Callable[[Order, list[OrderLine]], None] | None = None) -> tuple[Order, bool]:
    """Turn the cart into an order holding its stock; returns (order, created).

    `lines`, instead of a cart, are a request's lines (the API), never stored, whose offers the caller
    checked visible and whose key it looked up (`replayed_order`): nothing is written before every check
    has passed, so a refusal (sold out) writes nothing.

    The same idempotency key returns the order it created (a double submit makes one order), but only
    to the same caller asking the same thing (`fingerprint`, by default the billing details and payment
    method): anyone else reusing a key gets Conflict and learns nothing of that order.
    Raises Conflict when something is sold out or a room slot is taken, Invalid when a line cannot
    be bought; then nothing is written. `holders` names who each unit is for, by cart line (attendees).
    """
    fingerprint = fingerprint or request_fingerprint(asdict(billing), payment_method)
    existing = replayed_order(db, idempotency_key, user_id, fingerprint) if lines is None else None
    if existing is not None:
        return existing, False
    db.info["placing"] = {}  # what the stock policies read while checking, reused when holding
    try:
        return _place(db, cart, viewer, user_id, billing, idempotency_key, hold_minutes, payment_method, now,
                      fingerprint, holders, lang, lines, before_flush), True
    finally:
        db.info.pop("placing", None)


def _place(db: Session, cart, viewer, user_id, billing, idempotency_key, hold_minutes, payment_method, now,
           fingerprint, holders, lang, lines, before_flush) -> Order:
    now = now or utcnow()
    buyer = Buyer(viewer.organization_id, billing.siret, at_checkout=True)
    if lines is not None:  # a request: what is no longer free is refused before anything is priced or written
        _check_available(db, [PricedLine(line, db.get(Offer, line.offer_id), None, None, None) for line in lines],
                         buyer)
    priced = price_lines(db, lines, viewer, lang, checked=True) if lines is not None \
        else price_cart(db, cart, viewer, lang)
    if not priced:
        raise Invalid(_("Votre panier est vide."))
    refused = [p for p in priced if p.problem]
    if refused:
        title = (lambda p: p.offer.title_en or p.offer.title_fr) if lang == "en" else (lambda p: p.offer.title_fr)
        raise Invalid(" ".join(f"{title(p)} : {p.problem}" for p in refused),
                      code=refused[0].error.code if refused[0].error is not None else None)
    if sum(p.priced.incl_cents for p in priced) > MAX_ORDER_CENTS:
        raise Invalid(TOO_LARGE_EN if lang == "en" else TOO_LARGE_FR, code="too_large")
    if lines is None:
        _check_available(db, priced, buyer)
    if db.get_bind().dialect.name == "postgresql":
        # A buyer waiting behind others for the same stock gives up after a while and is told to retry.
        db.connection().execute(text("SET LOCAL lock_timeout = '5s'"))
    review = _needs_review(db, priced, buyer, now.year)
    order = new_order(
        now, idempotency_key=idempotency_key, request_fingerprint=fingerprint, user_id=user_id,
        organization_id=viewer.organization_id,
        status="awaiting_approval" if review else "pending_payment", payment_method=payment_method,
        review_reason=review[:1000] if review else None,
        total_excl_cents=sum(p.priced.excl_cents for p in priced),
        total_vat_cents=sum(p.priced.vat_cents for p in priced),
        total_incl_cents=sum(p.priced.incl_cents for p in priced),
        billing_name=billing.name, billing_email=billing.email, billing_siret=billing.siret,
        billing_vat_number=billing.vat_number, billing_address=billing.address,
        billing_postal_code=billing.postal_code, billing_city=billing.city,
        hold_expires_at=now + timedelta(minutes=hold_minutes), holds_stock=holds_stock(p.offer.kind for p in priced))
    number_order(db, order)
    written = [_order_line(order, p, (holders or {}).get(p.line.id)) for p in priced]
    if before_flush is not None:
        before_flush(order, written)  # e.g. the payment deadline: written with the order's number, not after
    db.add_all(written)
    db.flush()
    db.info.setdefault("order_lines", {})[order.id] = written  # lines_of needs no query for a new order
    try:
        hold_stock(db, [(line, p.offer) for line, p in zip(written, priced, strict=True)])
    except OperationalError as exc:  # lock_timeout
        raise Conflict(_("Beaucoup de demandes en même temps sur ces offres : réessayez dans un instant."),
                       code="busy") from exc
    if lines is None:
        for line in db.exec(select(CartLine).where(CartLine.cart_id == cart.id)).all():
            db.delete(line)
    db.flush()
    return order


def replayed_order(db: Session, idempotency_key: str, user_id: int | None, fingerprint: str) -> Order | None:
    """The order an earlier request with this key created, if it is the same caller asking the same thing;
    Conflict when anyone else reuses the key (they learn nothing of that order)."""
    existing = db.exec(select(Order).where(Order.idempotency_key == idempotency_key)).first()
    if existing is not None and (existing.user_id != user_id
                                 or not secrets.compare_digest(existing.request_fingerprint or "", fingerprint)):
        raise Conflict(_("Cette clé d'idempotence a déjà servi pour une autre demande : "
                         "envoyez une nouvelle clé pour une nouvelle commande."), field="idempotency_key",
                       code="key_reused")
    return existing


def _order_line(order: Order, p: PricedLine, people: list[dict] | None) -> OrderLine:
    q = p.priced
    return OrderLine(
        order_id=order.id, offer_id=p.offer.id, cluster_id=p.cluster.id, kind=p.offer.kind,
        description=q.description[:400], options_json=p.line.options_json, quantity=q.quantity, units=q.units,
        unit_list_cents=q.unit_list_cents, unit_price_cents=q.unit_price_cents,
        prices_include_vat=q.prices_include_vat, excl_cents=q.excl_cents, vat_rate_bps=q.vat_rate_bps,
        vat_exempt_mention=q.vat_exempt_mention, vat_cents=q.vat_cents, incl_cents=q.incl_cents,
        adjustments_text="\n".join(a.label_fr for a in q.adjustments), holders_json=holders_json(people))


def holds_stock(kinds: Iterable[str]) -> bool:
    """Whether lines of these kinds hold stock (seats, stands, desks, slots) until they are paid."""
    return any(get_kind(kind).stock is not None for kind in kinds)


def hold_stock(db: Session, lines: list[tuple[OrderLine, Offer]]) -> None:
    """Hold what the lines take, policy by policy in a fixed order, or raise Conflict and hold nothing."""
    by_policy: dict[str, list[tuple[OrderLine, Offer]]] = {}
    policies = {}
    for line, offer in lines:
        policy = get_kind(offer.kind).stock
        if policy is not None:
            by_policy.setdefault(policy.name, []).append((line, offer))
            policies[policy.name] = policy
    for name in sorted(by_policy):
        policies[name].hold(db, by_policy[name])


def release_stock(db: Session, order: Order) -> None:
    """Give back what the order held (when it expires or is cancelled)."""
    for line in db.exec(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.offer_id)).all():
        policy = get_kind(line.kind).stock
        if policy is not None:
            policy.release(db, line)
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
        for line in lines_of(db, order.id):
            hook = get_kind(line.kind).on_cancelled
            if hook is not None:
                hook(db, order, line)
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


def available_units(db: Session, offer: Offer, options: dict | None = None) -> int | None:
    """Units still for sale (for the options, e.g. a day), None when not limited."""
    policy = get_kind(offer.kind).stock
    return None if policy is None else policy.available(db, offer, options or {})


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


def lines_by_order(db: Session, order_ids: list[int]) -> dict[int, list[OrderLine]]:
    """The lines of several orders in one query, by order."""
    by_order: dict[int, list[OrderLine]] = {}
    for line in db.exec(select(OrderLine).where(col(OrderLine.order_id).in_(order_ids)).order_by(OrderLine.id)):
        by_order.setdefault(line.order_id, []).append(line)
    return by_order


def lines_of(db: Session, order_id: int) -> list[OrderLine]:
    """An order's lines (never changed once written: those of an order placed in this session are at hand)."""
    placed = db.info.get("order_lines", {}).get(order_id)
    if placed is not None:
        return list(placed)
    return list(db.exec(select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)).all())


def order_documents(db: Session, order: Order) -> list[tuple[str, str]]:
    """What the order page links to besides invoices, as each kind of its lines says (tickets...)."""
    documents = []
    for code in dict.fromkeys(line.kind for line in lines_of(db, order.id)):
        hook = get_kind(code).documents
        if hook is not None:
            documents += hook(db, order)
    return documents


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
            "  Montant : %(amount)s\n  Référence (obligatoire) : %(reference)s\n%(held)s",
            held=_("Ce que la commande réserve vous est gardé jusque-là ; sans paiement à cette date, la commande "
                   "expire et le reste est remis en vente.") if order.holds_stock else
            _("Sans paiement à cette date, la commande expire."),
            deadline=moment(order.hold_expires_at), holder=config["FEDERATION_NAME"],
            iban=config["FEDERATION_IBAN"], bic=config["FEDERATION_BIC"],
            amount=format_eur_fr(order.total_incl_cents), reference=order.payment_reference)
    body = _("Bonjour,\n\nNous avons bien reçu votre commande %(number)s :\n%(lines)s\n"
             "Total TTC : %(total)s\n\n%(next)s\n\nSuivre la commande : %(link)s\n",
             number=order.number, lines=lines, total=format_eur_fr(order.total_incl_cents), next=next_step,
             link=link)
    queue_email(db, order.billing_email, _("Commande %(number)s reçue", number=order.number), body)


def order_link(order: Order) -> str:
    """The buyer's address of the order (its access token lets a guest in without an account)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("checkout.order_page", number=order.number,
                                                                t=order.access_token)
