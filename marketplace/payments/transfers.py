"""Card money passed on to the clusters: one Stripe Transfer per cluster's claim, taken back in part on refunds.

The ledger mirrors each move on Stripe: a transfer pays the federation's debt to the cluster
(owed_to) out of its bank; a reversal undoes it for the refunded part. A reversal Stripe refuses
posts nothing: the refund has already lowered the cluster's claim, so the amount stays owed by
the cluster and comes off its next monthly settlement.
"""

from __future__ import annotations

import logging

import stripe
from sqlmodel import Session, col, select

from ..checkout.models import Order
from ..clusters.models import Cluster
from ..config import stripe_enabled
from ..core.money import allocate
from ..core.timeutil import paris_today
from ..invoicing.models import Invoice
from ..invoicing.services import invoices_of, sold_lines
from ..ledger.models import LedgerTransaction
from ..ledger.rules import Line, reversal
from ..ledger.services import claims_of, federation, of_cluster, owed_to, paid_to_cluster, post
from .models import Payment, Refund, ShareTransfer, TransferReversal
from .stripe_api import stripe_client

log = logging.getLogger(__name__)

PAID_IN_FULL = ("matched", "excess")


def card_payment_of(db: Session, order_id: int) -> Payment | None:
    """The card payment that paid the order in full (bank transfers and partial payments pass nothing on)."""
    return db.exec(select(Payment).where(Payment.order_id == order_id, Payment.source == "stripe",
                                         col(Payment.match_status).in_(PAID_IN_FULL))).first()


def order_claims(db: Session, order_id: int) -> dict[int, int]:
    """Each cluster's positive claim from the order's invoices: what the sale credited it, to the cent."""
    lines = [line for invoice in invoices_of(db, order_id) if invoice.kind == "invoice"
             for line in sold_lines(invoice)]
    return {cluster: cents for cluster, cents in claims_of(lines).items() if cents > 0}


def fee_shares(fee_cents: int, claims: dict[int, int]) -> dict[int, int]:
    """The payment fee borne by each cluster pro rata of its claim; the shares add up to the fee exactly."""
    clusters = sorted(claims)
    return dict(zip(clusters, allocate(fee_cents, [claims[c] for c in clusters]), strict=True))


def _fee_lines(fee_cents: int, claims: dict[int, int], label: str) -> list[Line]:
    lines = [Line(federation("512"), credit_cents=fee_cents, label=label)]
    if not claims:  # the whole sale went to the platform fee: nobody else to bear it
        return [*lines, Line(federation("627"), debit_cents=fee_cents, label=label)]
    for cluster_id, share in fee_shares(fee_cents, claims).items():
        lines += [Line(owed_to(cluster_id), debit_cents=share, label=label),
                  Line(of_cluster(cluster_id, "627"), debit_cents=share, label=label),
                  Line(of_cluster(cluster_id, "467"), credit_cents=share, label=label)]
    return lines


def post_payment_fee(db: Session, payment: Payment, order: Order, claims: dict[int, int], fee_cents: int) -> None:
    """Stripe's fee on the charge leaves the federation's bank, charged to the order's clusters; posted once."""
    if fee_cents > 0:
        post(db, f"payment_fee:{payment.id}", f"Frais de paiement {order.number}",
             _fee_lines(fee_cents, claims, order.number), payment.booked_on, "payment_fee", "BQ", order_id=order.id)


def _charge_fee(charge) -> int:
    """The fee of an expanded charge's balance transaction (0 while Stripe has not settled it yet)."""
    balance = getattr(charge, "balance_transaction", None)
    return int(balance.fee) if balance is not None and not isinstance(balance, str) else 0


def transfer_shares(db: Session, config, order: Order) -> list[ShareTransfer]:
    """Pass each connected cluster's claim on a card-paid order on to its Stripe account, and book the fee.

    Once per (order, cluster) and once per payment: a second call (a webhook retry) creates nothing
    more. A transfer Stripe refuses leaves the claim owed in the ledger, for the monthly settlement.
    """
    payment = card_payment_of(db, order.id)
    if payment is None or not stripe_enabled(config):
        return []
    done = {t.cluster_id: t for t in db.exec(select(ShareTransfer).where(ShareTransfer.order_id == order.id))}
    claims = order_claims(db, order.id)
    client = stripe_client(config)
    try:
        intent = client.v1.payment_intents.retrieve(payment.external_id,
                                                     params={"expand": ["latest_charge.balance_transaction"]})
    except stripe.StripeError as exc:
        log.warning("Stripe payment intent %s of %s unreadable: %s", payment.external_id, order.number, exc)
        return list(done.values())
    charge = intent.latest_charge
    if charge is None or isinstance(charge, str):
        log.warning("Stripe payment intent %s of %s has no expanded charge", payment.external_id, order.number)
        return list(done.values())
    post_payment_fee(db, payment, order, claims, _charge_fee(charge))
    accounts = {c.id: c.stripe_account_id for c in db.exec(select(Cluster).where(col(Cluster.id).in_(list(claims))))
                if c.stripe_account_id}
    for cluster_id in sorted(set(accounts) - set(done)):
        transfer = _transfer_share(db, client, payment, order, cluster_id, claims[cluster_id], accounts[cluster_id],
                                   charge.id)
        if transfer is not None:
            done[cluster_id] = transfer
    return [done[cluster_id] for cluster_id in sorted(done)]


def _transfer_share(db: Session, client: stripe.StripeClient, payment: Payment, order: Order, cluster_id: int,
                    amount_cents: int, account: str, charge_id: str) -> ShareTransfer | None:
    """One transfer funded by the order's charge (source_transaction: it waits for the charge's funds)."""
    try:
        created = client.v1.transfers.create(
            params={"amount": amount_cents, "currency": order.currency.lower(), "destination": account,
                    "source_transaction": charge_id, "transfer_group": order.number,
                    "metadata": {"order_number": order.number, "cluster_id": str(cluster_id)}},
            options={"idempotency_key": f"transfer-{order.number}-{cluster_id}"})
    except stripe.StripeError as exc:
        log.warning("Stripe transfer of %s to cluster %s refused: %s", order.number, cluster_id, exc)
        return None
    transfer = ShareTransfer(order_id=order.id, cluster_id=cluster_id, amount_cents=amount_cents,
                             stripe_transfer_id=created.id)
    db.add(transfer)
    db.flush()
    post(db, f"transfer:{order.id}:{cluster_id}", f"Transfert Stripe {order.number}",
         paid_to_cluster(cluster_id, amount_cents, order.number), payment.booked_on, "transfer", "BQ",
         order_id=order.id)
    return transfer


def reverse_transfers(db: Session, config, order: Order, refund: Refund, notes: list[Invoice]) -> list[TransferReversal]:
    """Take back from each transfer the claim the refund's credit notes reverse, capped at what is left.

    Never raises a Stripe error: the refund stands whatever Stripe answers about the reversals.
    """
    transfers = db.exec(select(ShareTransfer).where(ShareTransfer.order_id == order.id)
                        .order_by(ShareTransfer.cluster_id)).all()
    if not transfers or not stripe_enabled(config):
        return []
    claims = claims_of([line for note in notes for line in sold_lines(note)])
    client = stripe_client(config)
    reversals = []
    for transfer in transfers:
        amount = min(claims.get(transfer.cluster_id, 0), transfer.amount_cents - transfer.reversed_cents)
        if amount > 0:
            reversals.append(_reverse(db, client, order, refund, transfer, amount))
    return reversals


def _reverse(db: Session, client: stripe.StripeClient, order: Order, refund: Refund, transfer: ShareTransfer,
             amount_cents: int) -> TransferReversal:
    """One reversal per (transfer, refund): reversed and posted, or failed and left owed by the cluster."""
    existing = db.exec(select(TransferReversal).where(TransferReversal.transfer_id == transfer.id,
                                                      TransferReversal.refund_id == refund.id)).first()
    if existing is not None:
        return existing
    record = TransferReversal(transfer_id=transfer.id, refund_id=refund.id, amount_cents=amount_cents,
                              status="reversed")
    try:
        created = client.v1.transfers.reversals.create(
            transfer.stripe_transfer_id,
            params={"amount": amount_cents, "metadata": {"order_number": order.number, "refund": str(refund.id)}},
            options={"idempotency_key": f"reversal-{order.number}-{refund.id}-{transfer.cluster_id}"})
    except stripe.StripeError as exc:
        log.warning("Stripe reversal of %s for refund %s refused: %s", transfer.stripe_transfer_id, refund.id, exc)
        record.status, record.error = "failed", (exc.user_message or str(exc))[:300]
        db.add(record)
        db.flush()
        return record
    record.stripe_reversal_id = created.id
    transfer.reversed_cents += amount_cents
    db.add_all([record, transfer])
    db.flush()
    original = db.exec(select(LedgerTransaction.id).where(
        LedgerTransaction.idempotency_key == f"transfer:{order.id}:{transfer.cluster_id}")).first()
    post(db, f"transfer_reversal:{refund.id}:{transfer.cluster_id}", f"Reprise de transfert {order.number}",
         reversal(paid_to_cluster(transfer.cluster_id, amount_cents, order.number)), paris_today(),
         "transfer_reversal", "BQ", order_id=order.id, reverses_id=original)
    return record
