"""Closing a month of settlements over a million ledger lines, against a bare aggregate of the same lines.

Usage: python bench/settlement.py [--lines 1000000] [--repeat 5] [--seed 7] [--explain]
                                  [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

What is measured, in one run on one freshly built database:

- close: `settlements.services.close_period(db, "2026-10", 2026-11-27)` in a SQLModel session, then
  the commit: the month's pooled costs allocated and posted, every cluster's statement computed from
  the ledger, one settlement frozen per cluster, the calendar moved on;
- statements: `settlements.services.statements(db, "2026-10")`, every statement recomputed (what the
  console's pages and documents call);
- floor: `SELECT account_id, sum(debit_cents), sum(credit_cents) FROM ledgerline WHERE period = ...
  GROUP BY account_id`, all rows fetched, through the same engine: the least work any statement needs,
  since it must at least read every line of the month once.

The goal is **close and statements within 3x of the floor**: a statement is one grouped read of the
month's lines, so its cost should follow the size of the month, not add joins or per-row work on top.

Why a generated ledger: a federation of 9 clusters posting for years reaches a million lines in a
busy month only in a stress scenario, but that is where a grouped read that scales badly shows. The
postings are built with the product's own line builders (sales and refunds from
`ledger.services._sale_lines`, card fees and Stripe transfers from `payments.transfers`), so each
balances per owner (federation and each cluster) exactly as in production: sales (1 to 3 sold lines,
some co-produced, VAT at 20 % or none, platform fee 5 %, 8 % or none), payments by card or bank
transfer, card fees shared pro rata of the claims, one Stripe transfer per connected cluster, refunds
with their transfer reversals, and payments left to identify (471). Orders exist only as numbers
(`order_id` stays NULL). The rows go in with COPY, then VACUUM ANALYZE (as autovacuum would leave
them, and so that it does not start in the middle of the timings).

The month before (2026-09) gets a few hundred orders and is closed first, untimed, with three pooled
costs (equal shares with an outside supplier, usage with a provider cluster, fixed percentages), so
October has openings; September's settlements are paid out in October (ledger payouts). Each part
is warmed once, then timed `--repeat` times, interleaved; the medians are compared. The close is
repeatable because each timed close but the last is rolled back (same work, same state again); the
last one commits. Checks: every statement balances, and its claim movement equals the cluster's 467
account in the floor's figures.

The database (`bench_settlement_<pid>_<random>`) is created from `--url`'s server with the
project's migrations and dropped at the end, also on error or Ctrl-C. Exit status 0 whatever the goal
says; non-zero only when something broke.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import psycopg
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlmodel import Session, select

import marketplace.models  # noqa: F401  (every table in the metadata, as the app has it)
from marketplace.clusters.models import Cluster
from marketplace.db import dispose_engine, get_engine
from marketplace.ledger.models import LedgerAccount
from marketplace.ledger.rules import Line, check_balanced, fingerprint, month_of, period_bounds, reversal
from marketplace.ledger.services import (
    SoldLine,
    _account,
    _sale_lines,
    claims_of,
    federation,
    paid_to_cluster,
)
from marketplace.migrate import upgrade
from marketplace.payments.transfers import _fee_lines
from marketplace.pools.models import PooledCost, PoolUsage
from marketplace.pools.services import set_participant
from marketplace.settlements.models import Settlement
from marketplace.settlements.services import close_period, post_payout, statements

PERIOD = "2026-10"
PREVIOUS = "2026-09"
CLOSE_DAY = date(2026, 11, 27)
GOAL = 3.0
FLOOR_SQL = ("SELECT account_id, sum(debit_cents), sum(credit_cents) FROM ledgerline "
             "WHERE period = :period GROUP BY account_id")

# slug, name, legal name, region, sector, city, Stripe connected account?
CLUSTERS = [
    ("aero-loire", "Aéro Loire", "Association Aéro Loire", "Pays de la Loire", "Aéronautique", "Nantes", True),
    ("bois-vosges", "Bois des Vosges", "Pôle Bois des Vosges", "Grand Est", "Filière bois", "Épinal", False),
    ("cosmeto-centre", "Cosméto Centre", "Association Cosméto Centre", "Centre-Val de Loire", "Cosmétique",
     "Chartres", True),
    ("agrinov-sud", "Agrinov Sud", "Agrinov Sud", "Occitanie", "Agroalimentaire", "Montpellier", False),
    ("numeric-lyon", "Numeric Lyon", "Association Numeric Lyon", "Auvergne-Rhône-Alpes", "Numérique", "Lyon", True),
    ("meca-ain", "Méca Ain", "Pôle Mécanique de l'Ain", "Auvergne-Rhône-Alpes", "Mécanique", "Bourg-en-Bresse",
     False),
    ("ocean-tech", "Océan Tech", "Cluster Océan Tech", "Bretagne", "Technologies marines", "Brest", True),
    ("energie-nord", "Énergie Nord", "Association Énergie Nord", "Hauts-de-France", "Énergie", "Lille", False),
    ("sante-est", "Santé Est", "Pôle Santé Est", "Grand Est", "Santé", "Strasbourg", False),
]
CLUSTER_WEIGHTS = [18, 6, 14, 8, 20, 10, 9, 7, 8]  # share of sales issued: busier clusters sell more
PRICES = [4_500, 9_000, 15_000, 35_000, 60_000, 120_000, 250_000, 480_000]
PRICE_WEIGHTS = [20, 25, 20, 14, 10, 6, 3, 2]


@dataclass
class Posting:
    key: str
    description: str
    on: date
    kind: str
    journal: str
    lines: list[Line]
    reverses: str | None = None


class LedgerGenerator:
    """Postings of a month of marketplace activity, each checked balanced per owner as it is added."""

    def __init__(self, rng: random.Random, cluster_ids: list[int], connected: set[int]) -> None:
        self.rng = rng
        self.clusters = cluster_ids
        self.connected = connected
        self.postings: list[Posting] = []
        self.line_count = 0
        self.next_id = {"order": 1, "payment": 1, "refund": 1}

    def _next(self, what: str) -> int:
        value = self.next_id[what]
        self.next_id[what] += 1
        return value

    def add(self, key: str, description: str, on: date, kind: str, journal: str, lines: list[Line],
            reverses: str | None = None) -> None:
        lines = [line for line in lines if line.debit_cents or line.credit_cents]  # as ledger.services.post
        check_balanced(lines)
        per_owner: dict[str, int] = defaultdict(int)
        for line in lines:
            per_owner[line.account.split(":")[0]] += line.debit_cents - line.credit_cents
        if any(per_owner.values()):
            raise AssertionError(f"{key} does not balance per owner: {dict(per_owner)}")
        self.postings.append(Posting(key, description, on, kind, journal, lines, reverses))
        self.line_count += len(lines)

    def _sold_line(self, fee_bps: int | None = None, vat: bool | None = None, shared: bool | None = None) -> SoldLine:
        rng = self.rng
        issuer = rng.choices(self.clusters, CLUSTER_WEIGHTS)[0]
        excl = rng.choices(PRICES, PRICE_WEIGHTS)[0] * rng.choices([1, 2, 3, 4], [70, 18, 8, 4])[0]
        vat = rng.random() >= 0.1 if vat is None else vat  # some trainings are VAT-exempt
        fee = rng.choices([500, 800, 0], [80, 10, 10])[0] if fee_bps is None else fee_bps
        shared = rng.random() < 0.12 if shared is None else shared  # co-produced offers
        shares: tuple[tuple[int, int], ...] = ()
        if shared:
            partner = rng.choice([c for c in self.clusters if c != issuer])
            shares = ((partner, rng.choice([3000, 4000, 5000])),)
        return SoldLine(issuer, excl, (excl * 2000 + 5000) // 10000 if vat else 0, fee, shares)

    def order(self, on: date, last_day: date, sold: list[SoldLine] | None = None, card: bool | None = None,
              refund: bool | None = None) -> None:
        """One paid order: payment, sale, and for a card the fee and the transfers; sometimes refunded."""
        rng = self.rng
        order_id = self._next("order")
        number = f"CMD-{on.year}-{order_id:06d}"
        if sold is None:
            sold = [self._sold_line() for _ in range(rng.choices([1, 2, 3], [80, 15, 5])[0])]
        total = sum(line.excl_cents + line.vat_cents for line in sold)
        card = rng.random() < 0.75 if card is None else card
        payment_id = self._next("payment")
        label = f"{'Carte' if card else 'Virement'} {number}"
        self.add(f"payment:{payment_id}", f"Paiement reçu : {label}", on, "payment", "BQ",
                 [Line(federation("512"), debit_cents=total, label=label),
                  Line(federation("411"), credit_cents=total, label=label)])
        self.add(f"order:{order_id}:paid", f"Vente {number}", on, "sale", "VT",
                 [Line(federation("411"), debit_cents=total, label=number), *_sale_lines(sold, number)])
        claims = {cluster: cents for cluster, cents in claims_of(sold).items() if cents > 0}
        transferred = {}
        if card:
            self.add(f"payment_fee:{payment_id}", f"Frais de paiement {number}", on, "payment_fee", "BQ",
                     _fee_lines(total * 14 // 1000 + 25, claims, number))
            for cluster in sorted(set(claims) & self.connected):
                transferred[cluster] = claims[cluster]
                self.add(f"transfer:{order_id}:{cluster}", f"Transfert Stripe {number}", on, "transfer", "BQ",
                         paid_to_cluster(cluster, claims[cluster], number))
        if refund if refund is not None else rng.random() < 0.02:
            refund_id = self._next("refund")
            when = min(on + timedelta(days=rng.randint(1, 10)), last_day)
            self.add(f"refund:{refund_id}", f"Remboursement {number}", when, "refund", "VT",
                     [Line(federation("512"), credit_cents=total, label=number),
                      *reversal(_sale_lines(sold, number))])
            for cluster, cents in transferred.items():
                self.add(f"transfer_reversal:{refund_id}:{cluster}", f"Reprise de transfert {number}", when,
                         "transfer_reversal", "BQ", reversal(paid_to_cluster(cluster, cents, number)),
                         reverses=f"transfer:{order_id}:{cluster}")

    def unidentified_payment(self, on: date) -> None:
        """A bank transfer received without a usable reference: 2 lines (512 / 471)."""
        payment_id = self._next("payment")
        label = f"Virement sans référence n° {payment_id}"
        cents = self.rng.randint(1_000, 90_000)
        self.add(f"payment:{payment_id}", f"Paiement reçu : {label}", on, "payment", "BQ",
                 [Line(federation("512"), debit_cents=cents, label=label),
                  Line(federation("471"), credit_cents=cents, label=label)])

    def month(self, period: str, lines: int) -> None:
        """Orders on random days of the month until exactly `lines` lines were added."""
        first, last = period_bounds(period)
        days = (last - first).days + 1
        target = self.line_count + lines
        while target - self.line_count > 400:  # one order adds well under 400 lines
            self.order(first + timedelta(days=self.rng.randrange(days)), last)
        if (target - self.line_count) % 2:  # a bank-paid sale without fee: 2 + 5 lines
            sold = [self._sold_line(fee_bps=0, vat=True, shared=False)]
            self.order(first + timedelta(days=self.rng.randrange(days)), last, sold, card=False, refund=False)
        while self.line_count < target:
            self.unidentified_payment(first + timedelta(days=self.rng.randrange(days)))
        if self.line_count != target:
            raise AssertionError(f"{self.line_count} lines generated, {target} expected")


# --- database ---------------------------------------------------------------------------------------

def create_database(admin: URL, name: str) -> None:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()


def drop_database(admin: URL, name: str) -> None:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


def libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def add_clusters(engine: Engine) -> list[int]:
    with Session(engine) as db:
        rows = []
        for index, (slug, name, legal, region, sector, city, stripe) in enumerate(CLUSTERS, start=1):
            rows.append(Cluster(slug=slug, name=name, legal_name=legal, siret=f"{index * 111_111_111:09d}00017",
                                region=region, sector=sector, city=city, vat_regime="liable",
                                vat_number=f"FR{index:02d}{index * 111_111_111:09d}",
                                iban=f"FR76300040000{index:02d}00000000{index:04d}", bic="BNPAFRPPXXX",
                                stripe_account_id=f"acct_bench{index:07d}" if stripe else None))
        db.add_all(rows)
        db.commit()
        return [row.id for row in rows]


def add_pools(engine: Engine, ids: list[int]) -> None:
    """Three pooled costs running from September: allocated and posted by each month's close."""
    start = date(2026, 9, 1)  # the first month closed: months close in order from a cost's start
    pools = [
        (PooledCost(name="Veille réglementaire mutualisée", kind="strategic_purchase", sharing_key="equal",
                    supplier_name="Cabinet Veille & Marchés", monthly_cost_cents=150_000, starts_on=start),
         {ids[0]: None, ids[1]: None, ids[2]: None, ids[3]: None}),
        (PooledCost(name="Comptable partagé", kind="shared_function", sharing_key="usage", usage_unit="hours",
                    provider_cluster_id=ids[5], monthly_cost_cents=385_000, starts_on=start),
         {ids[5]: None, ids[6]: None, ids[7]: None, ids[8]: None}),
        (PooledCost(name="Chargée de communication partagée", kind="shared_function", sharing_key="fixed",
                    provider_cluster_id=ids[8], monthly_cost_cents=240_000, starts_on=start),
         {ids[8]: 4000, ids[0]: 3000, ids[4]: 3000}),
    ]
    with Session(engine) as db:
        for pool, participants in pools:
            db.add(pool)
            db.flush()
            for cluster_id, bps in participants.items():
                set_participant(db, pool, cluster_id, start, None, bps)
            if pool.sharing_key == "usage":
                for period in (PREVIOUS, PERIOD):
                    first, _last = period_bounds(period)
                    for n, cluster_id in enumerate(participants):
                        for day in (3 + n, 14 + n, 24 + n):
                            db.add(PoolUsage(pooled_cost_id=pool.id, cluster_id=cluster_id,
                                             day=first.replace(day=day), quantity_centi=350 + 125 * n,
                                             note="Saisie du banc d'essai"))
        db.commit()


def create_accounts(engine: Engine, postings: list[Posting]) -> dict[str, int]:
    """The accounts the postings use, created by the product's own lookup-or-create."""
    keys = sorted({line.account for posting in postings for line in posting.lines})
    with Session(engine) as db:
        for key in keys:
            _account(db, key)
        db.commit()
        return {account.key: account.id for account in db.exec(select(LedgerAccount))}


def copy_postings(conninfo: str, postings: list[Posting], accounts: dict[str, int]) -> None:
    """COPY the transactions then their lines (ids assigned here), and move the sequences past them."""
    postings.sort(key=lambda posting: posting.on)  # stable: a day's postings keep their order
    ids = {posting.key: number for number, posting in enumerate(postings, start=1)}
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        columns = ("id, idempotency_key, fingerprint, description, occurred_on, kind, journal, period, order_id, "
                   "reverses_id, created_at")
        with cur.copy(f"COPY ledgertransaction ({columns}) FROM STDIN") as copy:
            for posting in postings:
                created = datetime(posting.on.year, posting.on.month, posting.on.day, 9, tzinfo=UTC)
                copy.write_row((ids[posting.key], posting.key, fingerprint(posting.lines),
                                posting.description[:300], posting.on, posting.kind, posting.journal,
                                month_of(posting.on), None, ids[posting.reverses] if posting.reverses else None,
                                created + timedelta(seconds=ids[posting.key] % 30_000)))
        line_id = 0
        columns = "id, transaction_id, account_id, debit_cents, credit_cents, label, period, kind"
        with cur.copy(f"COPY ledgerline ({columns}) FROM STDIN") as copy:
            for posting in postings:
                transaction_id, period = ids[posting.key], month_of(posting.on)
                for line in posting.lines:
                    line_id += 1
                    copy.write_row((line_id, transaction_id, accounts[line.account], line.debit_cents,
                                    line.credit_cents, line.label[:300], period, posting.kind))
        for table in ("ledgertransaction", "ledgerline"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()


def vacuum_analyze(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def close_previous_month(engine: Engine) -> None:
    """Close September (untimed) and pay its settlements out in October, as the federation would."""
    with Session(engine, expire_on_commit=False) as db:
        result = close_period(db, PREVIOUS, date(2026, 10, 5))
        if result.pools_left or len(result.pools_closed) != 3:
            raise AssertionError(f"September's pooled costs not all allocated: {result.pools_left}")
        db.commit()
        for settlement in result.settlements:
            if settlement.payout_status == "pending":
                post_payout(db, settlement, date(2026, 10, 8), f"BENCH-{PREVIOUS}-{settlement.cluster_id}")
        db.commit()


# --- timings ----------------------------------------------------------------------------------------

def spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def run_floor(engine: Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(text(FLOOR_SQL), {"period": PERIOD}).fetchall()


def run_statements(engine: Engine) -> dict:
    with Session(engine) as db:
        result = statements(db, PERIOD)
        db.rollback()
        return result


def run_close(engine: Engine, commit: bool):
    with Session(engine, expire_on_commit=False) as db:
        result = close_period(db, PERIOD, CLOSE_DAY)
        if commit:
            db.commit()
        else:
            db.rollback()  # the same state again for the next timed close
        return result


def check(floor_rows: list, result: dict, close, cluster_ids: list[int], engine: Engine) -> None:
    """Statements balance and agree with the floor's 467 figures; the close froze them all."""
    with Session(engine) as db:
        claim_ids = {account.id: account.cluster_id for account in db.exec(select(LedgerAccount))
                     if account.key.startswith("cluster-") and account.code == "467"}
    movement = {claim_ids[account]: debit - credit for account, debit, credit in floor_rows if account in claim_ids}
    if sorted(result) != sorted(cluster_ids):
        raise AssertionError(f"statements for clusters {sorted(result)}, expected {cluster_ids}")
    for cluster_id, statement in result.items():
        if not statement.balances or statement.claim_movement_cents != movement.get(cluster_id, 0):
            raise AssertionError(f"statement of cluster {cluster_id} disagrees with the ledger")
    if close.already_closed or len(close.settlements) != len(cluster_ids) or close.pools_left:
        raise AssertionError(f"close froze {len(close.settlements)} settlements, left {close.pools_left}")


def explain(engine: Engine) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the floor and of the grouped read statements() sends (captured)."""
    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "ledgerline" in statement and "GROUP BY" in statement:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run_statements(engine)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as conn:
        plans = [("floor", conn.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + FLOOR_SQL), {"period": PERIOD}))]
        for statement, parameters in captured:
            plans.append(("statements()", conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                                               parameters)))
        for name, rows in plans:
            print(f"\n--- EXPLAIN ANALYZE: {name}")
            for (row,) in rows:
                print(row)


def report(times: dict[str, list[float]], lines: int) -> None:
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nlines in {PERIOD}: {spaced(lines)}")
    print(f"{'part':<12}{'median':>10}{'min':>10}{'max':>10}{'x floor':>10}   runs (ms)")
    for name in ("floor", "statements", "close"):
        values = times[name]
        ratio = medians[name] / medians["floor"]
        runs = " ".join(f"{v * 1000:.0f}" for v in values)
        print(f"{name:<12}{medians[name] * 1000:>8.0f}ms{min(values) * 1000:>8.0f}ms{max(values) * 1000:>8.0f}ms"
              f"{ratio:>9.2f}x   {runs}")
    print(f"\ngoal: within {GOAL:g}x of the floor")
    for name in ("close", "statements"):
        ratio = medians[name] / medians["floor"]
        print(f"  {name + '/floor':<18}{ratio:6.2f}x  {'PASS' if ratio <= GOAL else 'FAIL'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="ledger lines in the month closed")
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="admin connection, used to create and drop the benchmark database")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each part (median)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of both queries")
    args = parser.parse_args()
    if args.lines < 1000 or args.repeat < 1:
        parser.error("--lines must be at least 1000 and --repeat at least 1")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the database is dropped

    admin = make_url(args.url)
    name = f"bench_settlement_{os.getpid()}_{secrets.token_hex(4)}"
    url = admin.set(database=name)
    print(f"database {name}")
    create_database(admin, name)
    try:
        upgrade(url.render_as_string(hide_password=False))
        engine = get_engine(url.render_as_string(hide_password=False))
        cluster_ids = add_clusters(engine)
        add_pools(engine, cluster_ids)

        step, generator = time.perf_counter(), LedgerGenerator(random.Random(args.seed), cluster_ids,
                                                                {cid for cid, c in zip(cluster_ids, CLUSTERS,
                                                                                       strict=True) if c[6]})
        generator.month(PREVIOUS, 3_000)
        generator.month(PERIOD, args.lines)
        postings = generator.postings
        print(f"generated {spaced(len(postings))} postings, {spaced(generator.line_count)} lines "
              f"in {time.perf_counter() - step:.1f}s")
        step = time.perf_counter()
        accounts = create_accounts(engine, postings)
        copy_postings(libpq(url), postings, accounts)
        del postings, generator
        vacuum_analyze(libpq(url))
        print(f"loaded ({len(accounts)} accounts) with COPY, VACUUM ANALYZE in {time.perf_counter() - step:.1f}s")
        close_previous_month(engine)

        with engine.connect() as conn:
            lines = conn.execute(text("SELECT count(*) FROM ledgerline WHERE period = :p"), {"p": PERIOD}).scalar()
        run_floor(engine), run_statements(engine)  # warm-up: cache, hint bits, connections
        times: dict[str, list[float]] = {"floor": [], "statements": [], "close": []}
        for round_ in range(args.repeat):
            last = round_ == args.repeat - 1
            seconds, floor_rows = timed(lambda: run_floor(engine))
            times["floor"].append(seconds)
            seconds, result = timed(lambda: run_statements(engine))
            times["statements"].append(seconds)
            seconds, closed = timed(lambda last=last: run_close(engine, commit=last))
            times["close"].append(seconds)
            check(floor_rows, result, closed, cluster_ids, engine)
        with Session(engine) as db:
            frozen = db.exec(select(Settlement).where(Settlement.period == PERIOD)).all()
            if len(frozen) != len(cluster_ids):
                raise AssertionError(f"{len(frozen)} settlements committed for {PERIOD}")
        print(f"checks: {len(cluster_ids)} statements balance and match the ledger; {PERIOD} closed "
              f"({len(frozen)} settlements, 3 pooled costs allocated)")
        report(times, lines)
        if args.explain:
            explain(engine)
    finally:
        dispose_engine(url.render_as_string(hide_password=False))
        drop_database(admin, name)
        print(f"dropped {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
