"""The organiser's view of an event: tickets sold by type over time (drawn as an SVG chart, no script), how
full each quota is, and the revenue each organising cluster booked for the event's orders (ledger, 706)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..checkout.models import Order, OrderLine
from ..clusters.models import Cluster
from ..ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
from .models import Event, EventQuota
from .services import offers_of
from .stock import TICKET_KIND

SOLD = ("paid", "fulfilled", "partially_refunded")
WIDTH, HEIGHT, PAD = 640, 220, 32
COLOURS = ("#0172ad", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#16a085")


@dataclass(frozen=True)
class Series:
    title: str
    colour: str
    points: list[tuple[date, int]]  # cumulative units sold at the end of each day with sales
    sold: int
    points_svg: str = ""


@dataclass(frozen=True)
class Sales:
    series: list[Series]
    quotas: list[EventQuota]
    revenue: list[tuple[str, int]]  # (cluster, cents excl. VAT)
    sold: int
    capacity: int | None
    first: date | None
    last: date | None

    @property
    def fill_bps(self) -> int | None:
        return None if not self.capacity else self.sold * 10_000 // self.capacity


def event_sales(db: Session, event: Event) -> Sales:
    tickets = offers_of(db, event.id, TICKET_KIND)
    rows = db.exec(select(OrderLine.offer_id, Order.paid_at, OrderLine.quantity)
                   .join(Order, Order.id == OrderLine.order_id)
                   .where(col(OrderLine.offer_id).in_([o.id for o in tickets]), col(Order.status).in_(SOLD),
                          col(Order.paid_at).is_not(None)).order_by(Order.paid_at)).all()
    days = sorted({paid.date() for _o, paid, _q in rows})
    first, last = (days[0] - timedelta(days=1), days[-1]) if days else (None, None)  # each line starts at 0
    series = []
    for n, offer in enumerate(tickets):
        total, points = 0, [(first, 0)] if first else []
        for day in days:
            total += sum(q for o, paid, q in rows if o == offer.id and paid.date() == day)
            points.append((day, total))
        series.append(Series(offer.title_fr, COLOURS[n % len(COLOURS)], points, total))
    top = max((s.sold for s in series), default=0)
    series = [Series(s.title, s.colour, s.points, s.sold, _polyline(s.points, first, last, top)) for s in series]
    quotas = list(db.exec(select(EventQuota).where(EventQuota.event_id == event.id).order_by(EventQuota.id)).all())
    capacity = next((q.size for q in quotas if q.every_ticket), None)
    return Sales(series, quotas, _revenue(db, event), sum(s.sold for s in series), capacity, first, last)


def _polyline(points: list[tuple[date, int]], first: date | None, last: date | None, top: int) -> str:
    if not points or first is None or top == 0:
        return ""
    span = max((last - first).days, 1)
    return " ".join(f"{PAD + (day - first).days * (WIDTH - 2 * PAD) / span:.1f},"
                    f"{HEIGHT - PAD - units * (HEIGHT - 2 * PAD) / top:.1f}" for day, units in points)


def _revenue(db: Session, event: Event) -> list[tuple[str, int]]:
    """Sales (less refunds) booked on each cluster's 706 for the orders of the event's offers."""
    orders = select(OrderLine.order_id).where(col(OrderLine.offer_id).in_([o.id for o in offers_of(db, event.id)]))
    rows = db.exec(select(Cluster.name, func.sum(LedgerLine.credit_cents - LedgerLine.debit_cents))
                   .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
                   .join(Cluster, Cluster.id == LedgerAccount.cluster_id)
                   .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
                   .where(col(LedgerTransaction.order_id).in_(orders), LedgerAccount.code == "706")
                   .group_by(Cluster.name).order_by(Cluster.name)).all()
    return [(name, int(cents)) for name, cents in rows]
