"""Monthly settlements: each cluster's statement from the ledger, closing a month once, and payouts.

A statement row is what one kind of event did to the cluster's claim on the federation (467):
credits minus debits of its other accounts, per kind and account. Because every posting balances
for each cluster, the rows add up to the claim's movement: opening + rows = closing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from ..clusters.models import Cluster
from ..clusters.services import staff_of
from ..core.errors import Conflict, Invalid, NotFound
from ..core.money import decimal_comma, format_eur_fr
from ..core.timeutil import utcnow
from ..db import get_owned
from ..ledger.models import LedgerAccount, LedgerCalendar, LedgerLine, LedgerTransaction
from ..ledger.queries import spreadsheet_csv
from ..ledger.rules import month_of, next_month, period_bounds
from ..ledger.services import CLUSTER_ACCOUNTS, calendar, paid_to_cluster, post
from ..mail.services import queue_email
from ..pools.models import PooledCost
from ..pools.services import close_month, pools_to_close
from .models import PayoutFile, Settlement

KIND_ORDER = ("sale", "success_fee", "refund", "payment_fee", "pooled_cost", "rebate", "transfer",
              "transfer_reversal", "payout", "other")
KIND_LABELS = {"sale": "Ventes", "success_fee": "Success fees", "refund": "Remboursements",
               "payment_fee": "Frais de paiement", "pooled_cost": "Coûts mutualisés",
               "rebate": "Ristournes fournisseurs", "transfer": "Virements Stripe des parts",
               "transfer_reversal": "Reprises de virements Stripe", "payout": "Règlements reçus",
               "other": "Autres"}
CODE_ORDER = ("706", "708", "622", "44571", "627", "604", "609", "512")
CLAIM = "467"


def _row_order(row: dict) -> tuple[int, int, str]:
    """Kinds in the order of KIND_ORDER; in a kind, revenue before charges and VAT."""
    kind, code = row["kind"], row["code"]
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER),
            CODE_ORDER.index(code) if code in CODE_ORDER else len(CODE_ORDER), code)


@dataclass
class Statement:
    cluster_id: int
    period: str
    opening_cents: int
    rows: list[dict] = field(default_factory=list)  # kind, code, label, cents
    claim_movement_cents: int = 0

    @property
    def closing_cents(self) -> int:
        return self.opening_cents + self.claim_movement_cents

    @property
    def rows_total_cents(self) -> int:
        return sum(row["cents"] for row in self.rows)

    @property
    def balances(self) -> bool:
        """The rows explain the claim's movement to the cent."""
        return self.rows_total_cents == self.claim_movement_cents

    def to_json(self) -> str:
        return json.dumps({"rows": self.rows, "claim_movement_cents": self.claim_movement_cents}, ensure_ascii=False)


def row_label(kind: str, code: str) -> str:
    return f"{KIND_LABELS.get(kind, kind)} — {CLUSTER_ACCOUNTS.get(code, code)}"


def _openings(db: Session, period: str) -> dict[int, int]:
    """Each cluster's claim at the start of the month: its last settlement's closing (0 before any), plus
    what moved it in months still open before this one (a running statement two months ahead)."""
    latest = (select(Settlement.cluster_id, func.max(Settlement.period).label("period"))
              .where(Settlement.period < period).group_by(Settlement.cluster_id).subquery())
    rows = db.exec(select(Settlement.cluster_id, Settlement.closing_cents)
                   .join(latest, (latest.c.cluster_id == Settlement.cluster_id) & (latest.c.period == Settlement.period)))
    openings = dict(rows.all())
    after = last_closed(db) or ""
    if after < period:
        moved = db.exec(select(LedgerAccount.cluster_id, func.sum(LedgerLine.debit_cents - LedgerLine.credit_cents))
                        .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
                        .where(LedgerLine.period > after, LedgerLine.period < period, LedgerAccount.code == CLAIM,
                               LedgerAccount.key.startswith("cluster-"))
                        .group_by(LedgerAccount.cluster_id))
        for cluster_id, cents in moved.all():
            openings[cluster_id] = openings.get(cluster_id, 0) + int(cents)
    return openings


def statements(db: Session, period: str, cluster_id: int | None = None) -> dict[int, Statement]:
    """Every cluster's statement for a month (or one cluster's), from one grouped read of the ledger."""
    query = (select(LedgerAccount.cluster_id, LedgerLine.kind, LedgerAccount.code,
                    func.sum(LedgerLine.credit_cents - LedgerLine.debit_cents))
             .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
             .where(LedgerLine.period == period, LedgerAccount.key.startswith("cluster-"),
                    LedgerLine.kind != "rebate_share")
             .group_by(LedgerAccount.cluster_id, LedgerLine.kind, LedgerAccount.code))
    if cluster_id is not None:
        query = query.where(LedgerAccount.cluster_id == cluster_id)
    openings = _openings(db, period)
    result: dict[int, Statement] = {}
    for owner, opening in openings.items():
        if opening and (cluster_id is None or owner == cluster_id):
            result[owner] = Statement(owner, period, opening)
    grouped = defaultdict(list)
    for owner, kind, code, cents in db.exec(query).all():
        grouped[owner].append((kind, code, int(cents)))
    for owner, rows in grouped.items():
        statement = result.setdefault(owner, Statement(owner, period, openings.get(owner, 0)))
        for kind, code, cents in rows:
            if code == CLAIM:
                statement.claim_movement_cents -= cents  # debit - credit: the claim grows with debits
            elif cents:
                statement.rows.append({"kind": kind, "code": code, "label": row_label(kind, code), "cents": cents})
        statement.rows.sort(key=_row_order)
    if cluster_id is not None and cluster_id not in result:
        result[cluster_id] = Statement(cluster_id, period, openings.get(cluster_id, 0))
    return result


def last_closed(db: Session) -> str | None:
    """The last month closed (read without a lock: closing takes the calendar's lock itself)."""
    return db.exec(select(LedgerCalendar.closed_through).where(LedgerCalendar.id == 1)).first()


def first_open_period(db: Session) -> str | None:
    """The month to close next: after the last closed one, else the earliest month with postings or pooled costs."""
    closed = last_closed(db)
    if closed is not None:
        return next_month(closed)
    starts = [db.exec(select(func.min(LedgerTransaction.period))).one(),
              db.exec(select(func.min(PooledCost.starts_on))).one()]
    months = [start if isinstance(start, str) else month_of(start) for start in starts if start is not None]
    return min(months, default=None)


@dataclass
class CloseResult:
    period: str
    settlements: list[Settlement]
    pools_closed: list[str]
    pools_left: list[str]
    already_closed: bool = False


def close_period(db: Session, period: str, today: date) -> CloseResult:
    """Close a month once for every cluster: pooled costs allocated, statements frozen, payouts due.

    Closing the same month again changes nothing; postings made later for that month count in
    the next open month. Months close in order and only once they are over.
    """
    row = calendar(db, for_update=True)
    if row.closed_through is not None and period <= row.closed_through:
        kept = db.exec(select(Settlement).where(Settlement.period == period).order_by(Settlement.cluster_id)).all()
        return CloseResult(period, list(kept), [], [], already_closed=True)
    if period_bounds(period)[1] >= today:
        raise Conflict(_("Le mois %(period)s n'est pas terminé.", period=period))
    expected = first_open_period(db)
    if expected is not None and period > expected:
        raise Conflict(_("Clôturez d'abord %(period)s.", period=expected))
    waiting = db.exec(select(PayoutFile).where(PayoutFile.status == "prepared", PayoutFile.period < period)).first()
    if waiting is not None:
        raise Conflict(_("Le fichier de virements %(file)s attend encore la banque : confirmez son exécution ou "
                         "annulez-le avant de clôturer %(period)s.", file=waiting.message_id, period=period))
    closed, left = [], []
    for pool in pools_to_close(db, period):
        try:
            with db.begin_nested():
                close_month(db, pool, period, today)
            closed.append(pool.name)
        except (Invalid, Conflict) as exc:
            left.append(exc.message)
    # An earlier month not paid yet is carried into this one: its amount is in this month's opening,
    # so only the latest settlement of a cluster is ever paid (never twice).
    for earlier in db.exec(select(Settlement).where(Settlement.period < period, Settlement.payout_status == "pending")):
        earlier.payout_status = "carried"
        db.add(earlier)
    settlements = []
    for _cluster, statement in sorted(statements(db, period).items()):
        if not statement.rows and not statement.opening_cents and not statement.claim_movement_cents:
            continue
        settlements.append(_freeze(db, statement))
    row.closed_through = period
    db.add(row)
    db.flush()
    return CloseResult(period, settlements, closed, left)


def _freeze(db: Session, statement: Statement) -> Settlement:
    if not statement.balances:
        raise AssertionError(f"statement of cluster {statement.cluster_id} does not balance")
    cluster = db.get(Cluster, statement.cluster_id)
    closing = statement.closing_cents
    method = ("stripe" if cluster.stripe_account_id else "sepa") if closing > 0 else None
    settlement = Settlement(cluster_id=statement.cluster_id, period=statement.period,
                            opening_cents=statement.opening_cents, closing_cents=closing,
                            figures_json=statement.to_json(), payout_method=method,
                            payout_status="pending" if closing > 0 else ("carried" if closing < 0 else "none"))
    db.add(settlement)
    db.flush()
    return settlement


def figures(settlement: Settlement) -> Statement:
    """A closed settlement's frozen statement."""
    data = json.loads(settlement.figures_json)
    return Statement(settlement.cluster_id, settlement.period, settlement.opening_cents, data["rows"],
                     data["claim_movement_cents"])


def settlement_of(db: Session, cluster_id: int, period: str) -> Settlement | None:
    return db.exec(select(Settlement).where(Settlement.cluster_id == cluster_id, Settlement.period == period)).first()


def statement_for(db: Session, cluster_id: int, period: str) -> tuple[Settlement | None, Statement]:
    """A cluster's statement of a month: frozen with its settlement once closed, running before."""
    settlement = settlement_of(db, cluster_id, period)
    if settlement is not None:
        return settlement, figures(settlement)
    return None, statements(db, period, cluster_id)[cluster_id]


def post_payout(db: Session, settlement: Settlement, on: date, reference: str) -> None:
    """The federation pays a cluster what it owed at the end of the month."""
    label = f"Règlement {settlement.period} — {reference}"
    post(db, f"payout:{settlement.id}", label, paid_to_cluster(settlement.cluster_id, settlement.closing_cents, label),
         on, "payout", "BQ")
    settlement.payout_status, settlement.payout_reference, settlement.paid_at = "paid", reference[:64], utcnow()
    db.add(settlement)
    db.flush()


def notify_closed_month(db: Session, settlements: list[Settlement], link_for) -> int:
    """Tell each cluster's administrators that its statement is ready and what is due; returns emails queued."""
    queued = 0
    for settlement in settlements:
        cluster = db.get(Cluster, settlement.cluster_id)
        closing = settlement.closing_cents
        if closing > 0:
            due = _("la fédération vous doit %(amount)s", amount=format_eur_fr(closing))
        elif closing < 0:
            due = _("vous devez %(amount)s à la fédération, déduits du prochain règlement",
                    amount=format_eur_fr(-closing))
        else:
            due = _("rien n'est dû")
        body = _("Bonjour,\n\nLe relevé de %(period)s de %(cluster)s est arrêté : %(due)s.\n\n"
                 "Le relevé, son PDF, son CSV et les écritures de chaque montant : %(link)s\n",
                 period=settlement.period, cluster=cluster.name, due=due, link=link_for(cluster, settlement.period))
        for role, user in staff_of(db, cluster.id):
            if role.role == "admin" and user.is_active:
                queue_email(db, user.email, _("Relevé %(period)s de %(cluster)s", period=settlement.period,
                                              cluster=cluster.name), body)
                queued += 1
    return queued


def close_and_notify(db: Session, period: str, today: date,
                     link_for: Callable[[Cluster, str], str]) -> CloseResult:
    """Close a month (see close_period); the first time, each cluster's administrators are told its statement."""
    result = close_period(db, period, today)
    if not result.already_closed:
        notify_closed_month(db, result.settlements, link_for)
    return result


def running_statement(db: Session, cluster_id: int, today: date) -> Statement:
    """The cluster's statement of the month to close next (this month when there is none), as it stands."""
    period = first_open_period(db) or month_of(today)
    return statements(db, period, cluster_id)[cluster_id]


def settlements_of(db: Session, cluster_id: int) -> list[Settlement]:
    """A cluster's settlements, newest month first."""
    return list(db.exec(select(Settlement).where(Settlement.cluster_id == cluster_id)
                        .order_by(col(Settlement.period).desc())))


def clusters_by_id(db: Session) -> dict[int, Cluster]:
    return {cluster.id: cluster for cluster in db.exec(select(Cluster))}


def settlements_by_period(db: Session) -> dict[str, list[Settlement]]:
    """Every settlement, newest month first, by cluster within a month."""
    by_period: dict[str, list[Settlement]] = {}
    for row in db.exec(select(Settlement).order_by(col(Settlement.period).desc(), Settlement.cluster_id)):
        by_period.setdefault(row.period, []).append(row)
    return by_period


def get_settlement(db: Session, settlement_id: int) -> Settlement:
    return get_owned(db, Settlement, settlement_id, _("Règlement introuvable."))


def payout_files(db: Session) -> list[PayoutFile]:
    return list(db.exec(select(PayoutFile).order_by(col(PayoutFile.id).desc())))


def get_payout_file(db: Session, file_id: int) -> PayoutFile:
    record = db.get(PayoutFile, file_id)
    if record is None:
        raise NotFound(_("Fichier introuvable."))
    return record


def period_summary_csv(db: Session, period: str) -> bytes:
    """Every cluster's settlement of a closed month, for the federation's treasurer (semicolons, UTF-8 BOM)."""
    rows = db.exec(select(Settlement, Cluster).join(Cluster, Cluster.id == Settlement.cluster_id)
                   .where(Settlement.period == period).order_by(Cluster.name)).all()
    return spreadsheet_csv([
        ["Mois", "Cluster", "SIRET", "IBAN", "Ouverture", "Clôture", "Règlement", "Moyen", "Référence"],
        *([period, cluster.name, cluster.siret, cluster.iban or "", decimal_comma(settlement.opening_cents),
           decimal_comma(settlement.closing_cents), settlement.payout_status, settlement.payout_method or "",
           settlement.payout_reference or ""] for settlement, cluster in rows)])
