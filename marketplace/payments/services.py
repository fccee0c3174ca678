"""Recording money received: by hand or from a bank statement; matched by reference, never guessed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..checkout.models import Order
from ..checkout.orders import change_order_status
from ..core.errors import Conflict, Invalid, NotFound
from ..core.money import format_eur_fr
from ..core.timeutil import PARIS, paris_today
from ..db import get_owned
from ..invoicing.services import issue_credit_notes, sold_lines
from ..ledger.services import post_payment_received, post_refund
from ..mail.services import queue_email
from .camt import Credit, StatementError, parse_camt053
from .cfonb import looks_like_cfonb, parse_cfonb120
from .models import Payment, Refund, StatementImport
from .paid import order_paid

PAYABLE = ("pending_payment",)


def _normalise(reference: str) -> str:
    return "".join(reference.split()).upper()


def _lock_order(db: Session, order_id: int) -> Order:
    return db.exec(select(Order).where(Order.id == order_id).with_for_update()).one()


def apply_payment(db: Session, payment: Payment, order: Order | None) -> Payment:
    """Attach a payment to its order: paid in full settles it (and invoices it); anything else is flagged."""
    if order is None:
        payment.match_status = "unmatched"
    else:
        order = _lock_order(db, order.id)
        payment.order_id = order.id
        if order.status not in PAYABLE:
            payment.match_status = "late"
        else:
            order.paid_cents += payment.amount_cents
            due = order.total_incl_cents
            if order.paid_cents < due:
                payment.match_status = "partial"
            else:
                payment.match_status = "matched" if order.paid_cents == due else "excess"
                order_paid(db, order, payment.booked_on)
            db.add(order)
    db.add(payment)
    db.flush()
    post_payment_received(db, payment.id, payment.amount_cents, payment.order_id, payment.booked_on,
                          payment_label(payment, order))
    return payment


# How money came in, as the ledger's entries say it (French: the books are kept in French).
LEDGER_SOURCE_WORDS = {"manual": "Virement enregistré à la main", "statement": "Virement lu sur le relevé bancaire",
                 "stripe": "Carte bancaire (Stripe)"}


def payment_label(payment: Payment, order: Order | None) -> str:
    """« Virement lu sur le relevé bancaire · ACME SAS · commande C2026-000042 · RF18… »."""
    return " · ".join(filter(None, (LEDGER_SOURCE_WORDS[payment.source], payment.payer,
                                    f"commande {order.number}" if order is not None else "commande à identifier",
                                    payment.reference)))


def record_manual_payment(db: Session, order: Order, amount_cents: int, booked_on: date, user_id: int,
                          note: str = "") -> Payment:
    """Staff record a transfer they see on the account (the statement import dedupes by entry id)."""
    if amount_cents <= 0:
        raise Invalid(_("Le montant doit être positif."), field="amount")
    payment = Payment(source="manual", amount_cents=amount_cents, reference=order.payment_reference,
                      booked_on=booked_on, match_status="unmatched", recorded_by=user_id, note=note[:500])
    return apply_payment(db, payment, order)


def check_booking_day(order: Order, booked_on: date) -> None:
    """A transfer staff type in was booked by the bank between the day of the order and today."""
    ordered_on = order.created_at.astimezone(PARIS).date()
    if not ordered_on <= booked_on <= paris_today():
        raise Invalid(_("La date de valeur doit être entre le jour de la commande (%(day)s) et aujourd'hui.",
                        day=ordered_on.strftime("%d/%m/%Y")), field="booked_on")


@dataclass(frozen=True)
class ManualTransfer:
    """A transfer staff see on the federation's account, for the order whose number it names."""

    order_number: str
    amount_cents: int
    booked_on: date
    note: str


def record_manual_transfer(db: Session, transfer: ManualTransfer, user_id: int) -> Payment:
    """Record a transfer against the order it names; an unknown number is refused, nothing guessed."""
    order = db.exec(select(Order).where(Order.number == transfer.order_number.upper())).first()
    if order is None:
        raise NotFound(_("Aucune commande ne porte ce numéro."), field="order_number")
    check_booking_day(order, transfer.booked_on)
    return record_manual_payment(db, order, transfer.amount_cents, transfer.booked_on, user_id, transfer.note)


def get_order(db: Session, order_id: int) -> Order:
    return get_owned(db, Order, order_id, _("Commande introuvable."))


@dataclass(frozen=True)
class ImportResult:
    entries: int
    recorded: list[Payment]
    already_known: int


def import_statement(db: Session, filename: str, data: bytes, user_id: int) -> ImportResult:
    """Record every new credit of a camt.053 or CFONB 120 file; the same file or entry twice records nothing more."""
    digest = hashlib.sha256(data).hexdigest()
    if db.exec(select(StatementImport).where(StatementImport.sha256 == digest)).first():
        raise Conflict(_("Ce relevé a déjà été importé."))
    try:
        credits = parse_cfonb120(data) if looks_like_cfonb(data) else parse_camt053(data)
    except StatementError as exc:
        raise Invalid(_("Relevé illisible : %(reason)s", reason=str(exc)), field="statement") from exc
    known = set(db.exec(select(Payment.external_id).where(
        col(Payment.external_id).in_([c.entry_id for c in credits]))).all()) if credits else set()
    recorded = []
    for credit in credits:
        if credit.entry_id in known:
            continue
        recorded.append(_record_credit(db, credit, user_id))
        known.add(credit.entry_id)
    db.add(StatementImport(sha256=digest, filename=filename[:200], entries=len(credits), recorded=len(recorded),
                           imported_by=user_id))
    db.flush()
    return ImportResult(len(credits), recorded, len(credits) - len(recorded))


def _record_credit(db: Session, credit: Credit, user_id: int) -> Payment:
    order = None
    if credit.reference and credit.currency == "EUR":
        order = db.exec(select(Order).where(Order.payment_reference == _normalise(credit.reference))).first()
    payment = Payment(source="statement", external_id=credit.entry_id, amount_cents=credit.amount_cents,
                      currency=credit.currency, reference=credit.reference[:140], payer=credit.payer,
                      booked_on=credit.booked_on, match_status="unmatched", recorded_by=user_id)
    return apply_payment(db, payment, order)


def payments_to_review(db: Session) -> list[tuple[Payment, Order | None]]:
    """Partial, excess, unmatched and late payments staff have not dealt with, oldest first."""
    rows = db.exec(select(Payment).where(col(Payment.match_status).in_(("partial", "excess", "unmatched", "late")),
                                         col(Payment.resolved).is_(False)).order_by(Payment.id)).all()
    return [(p, db.get(Order, p.order_id) if p.order_id else None) for p in rows]


REFUNDABLE = ("paid", "fulfilled", "partially_refunded")


def refunded_cents(db: Session, order_id: int) -> int:
    return sum(db.exec(select(Refund.amount_cents).where(Refund.order_id == order_id)).all())


def record_refund(db: Session, order: Order, amount_cents: int, reason: str, method: str, user_id: int | None,
                  issued_on: date, stripe_refund_id: str | None = None) -> Refund:
    """Book a refund: credit notes for the same amount, the order marked refunded in part or in full."""
    order = _lock_order(db, order.id)
    if order.status not in REFUNDABLE:
        raise Conflict(_("Seule une commande payée peut être remboursée."))
    refundable = min(order.paid_cents, order.total_incl_cents) - refunded_cents(db, order.id)
    if not 0 < amount_cents <= refundable:
        raise Invalid(_("Le remboursement doit être compris entre 0,01 € et %(max)s.",
                        max=format_eur_fr(refundable)), field="amount")
    refund = Refund(order_id=order.id, amount_cents=amount_cents, reason=reason[:500], method=method,
                    stripe_refund_id=stripe_refund_id, created_by=user_id)
    db.add(refund)
    notes = issue_credit_notes(db, order, amount_cents, issued_on)
    db.flush()
    for note in notes:
        note.refund_id = refund.id
    if notes:  # the sale was posted with the invoices these credit notes reverse
        post_refund(db, refund.id, order.id, order.number, [line for n in notes for line in sold_lines(n)],
                    issued_on)
    target = "refunded" if refunded_cents(db, order.id) >= order.total_incl_cents else "partially_refunded"
    change_order_status(db, order, target)
    base = current_app.config["BASE_URL"].rstrip("/")
    links = "\n".join(f"- {n.number} : {base}/invoices/{n.id}.pdf?t={order.access_token}" for n in notes)
    queue_email(db, order.billing_email, _("Remboursement de la commande %(number)s", number=order.number),
                _("Bonjour,\n\nNous vous remboursons %(amount)s sur la commande %(number)s.\n\n"
                  "Avoirs :\n%(links)s\n", amount=format_eur_fr(amount_cents),
                  number=order.number, links=links))
    db.flush()
    return refund
