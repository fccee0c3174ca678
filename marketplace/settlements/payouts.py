"""Paying clusters what a closed month owes them: a Stripe transfer to a connected account, or a SEPA
credit transfer file (pain.001) for the federation's bank."""

from __future__ import annotations

from datetime import date

import stripe
from flask_babel import format_date
from flask_babel import gettext as _
from sepaxml import SepaTransfer
from sqlalchemy import update
from sqlmodel import Session, col, select

from ..clusters.models import Cluster
from ..config import stripe_enabled
from ..core.errors import Conflict, Invalid
from ..core.timeutil import PARIS, utcnow
from ..payments.stripe_api import stripe_client
from .models import PayoutFile, Settlement
from .services import post_payout


def pending_payouts(db: Session, period: str, method: str) -> list[tuple[Settlement, Cluster]]:
    rows = db.exec(select(Settlement, Cluster).join(Cluster, Cluster.id == Settlement.cluster_id)
                   .where(Settlement.period == period, Settlement.payout_status == "pending",
                          Settlement.payout_method == method).order_by(Cluster.name))
    return list(rows.all())


def pay_by_stripe(db: Session, config, settlement: Settlement, on: date) -> Settlement:
    """One transfer per settlement (idempotency key per settlement: a retry pays once)."""
    if settlement.payout_status != "pending" or settlement.payout_method != "stripe":
        raise Conflict(_("Ce règlement n'attend pas de virement Stripe."))
    if not stripe_enabled(config):
        raise Conflict(_("Stripe n'est pas configuré."))
    cluster = db.get(Cluster, settlement.cluster_id)
    try:
        transfer = stripe_client(config).v1.transfers.create(
            params={"amount": settlement.closing_cents, "currency": "eur", "destination": cluster.stripe_account_id,
                    "transfer_group": f"settlement-{settlement.period}",
                    "metadata": {"settlement": str(settlement.id), "period": settlement.period}},
            options={"idempotency_key": f"payout-{settlement.id}"})
    except stripe.StripeError as exc:
        raise Conflict(_("Stripe a refusé le virement : %(error)s", error=exc.user_message or str(exc))) from exc
    post_payout(db, settlement, on, transfer.id)
    return settlement


def build_sepa_file(config, message_id: str, payments: list[dict], on: date) -> bytes:
    """A pain.001.001.03 file checked against its schema."""
    sepa = SepaTransfer({"name": config["FEDERATION_NAME"], "IBAN": config["FEDERATION_IBAN"],
                         "BIC": config["FEDERATION_BIC"], "batch": True, "currency": "EUR"}, clean=True)
    sepa.msg_id = message_id
    for payment in payments:
        sepa.add_payment({**payment, "execution_date": on})
    return sepa.export(validate=True)


def sepa_payout_file(db: Session, config, period: str, on: date, user_id: int | None) -> PayoutFile:
    """One file for every pending SEPA payout of the month. Its settlements are *prepared*, not paid: nothing is
    posted until the treasurer confirms that the bank executed the file (confirm_payout_file)."""
    pending = pending_payouts(db, period, "sepa")
    missing = [cluster.name for _s, cluster in pending if not cluster.iban]
    if missing:
        raise Invalid(_("IBAN manquant pour : %(clusters)s.", clusters=", ".join(missing)))
    if not pending:
        raise Conflict(_("Aucun règlement par virement SEPA en attente pour %(period)s.", period=period))
    number = len(db.exec(select(PayoutFile.id)).all()) + 1
    message_id = f"REGL-{period}-{number:04d}"
    payments = [{"name": cluster.legal_name[:70], "IBAN": cluster.iban, "BIC": cluster.bic or "NOTPROVIDED",
                 "amount": settlement.closing_cents, "description": f"Reglement {period} {cluster.name}"[:140],
                 "endtoend_id": f"S{settlement.id}-F{number}"} for settlement, cluster in pending]
    xml = build_sepa_file(config, message_id, payments, on)
    record = PayoutFile(period=period, message_id=message_id, total_cents=sum(p["amount"] for p in payments),
                        count=len(payments), xml=xml.decode(), created_by=user_id)
    db.add(record)
    db.flush()
    taken = db.connection().execute(
        update(Settlement).where(col(Settlement.id).in_([s.id for s, _c in pending]),
                                 Settlement.payout_status == "pending")
        .values(payout_status="prepared", payout_file_id=record.id, payout_reference=message_id))
    if taken.rowcount != len(pending):  # another file took some of them meanwhile
        raise Conflict(_("Un autre fichier de virements vient d'être préparé pour %(period)s.", period=period))
    return record


def _close_file(db: Session, record: PayoutFile, status: str, user_id: int | None, on: date | None = None) -> None:
    """Move a prepared file to `status` once: a second confirmation or cancellation, even concurrent, is refused."""
    moved = db.connection().execute(
        update(PayoutFile).where(PayoutFile.id == record.id, PayoutFile.status == "prepared")
        .values(status=status, executed_on=on, closed_by=user_id, closed_at=utcnow()))
    if moved.rowcount != 1:
        raise Conflict(_("Le fichier %(file)s a déjà été confirmé ou annulé.", file=record.message_id))
    db.refresh(record)


def confirm_payout_file(db: Session, record: PayoutFile, executed_on: date, today: date,
                        user_id: int | None) -> list[Settlement]:
    """The bank executed the file: each of its settlements is paid and posted, on the day of execution."""
    prepared_on = record.created_at.astimezone(PARIS).date()
    if not prepared_on <= executed_on <= today:
        raise Invalid(_("La date d'exécution doit être comprise entre le %(first)s et aujourd'hui.",
                        first=format_date(prepared_on, "long")), field="executed_on")
    _close_file(db, record, "executed", user_id, executed_on)
    settlements = db.exec(select(Settlement).where(Settlement.payout_file_id == record.id,
                                                   Settlement.payout_status == "prepared")).all()
    for settlement in settlements:
        post_payout(db, settlement, executed_on, record.message_id)
    return list(settlements)


def cancel_payout_file(db: Session, record: PayoutFile, user_id: int | None) -> int:
    """The file was not sent, or the bank rejected it: its settlements wait for payment again; returns how many."""
    _close_file(db, record, "cancelled", user_id)
    back = db.connection().execute(
        update(Settlement).where(Settlement.payout_file_id == record.id, Settlement.payout_status == "prepared")
        .values(payout_status="pending", payout_file_id=None, payout_reference=None))
    return back.rowcount

