"""The API fuzzed from its own OpenAPI document by schemathesis, as an integrator's odd input would reach it: as a
platform administrator, as a cluster's staff and anonymously, every operation, a fixed seed and a bounded number
of examples. Any 5xx, any status or body the document does not describe, any invalid input accepted fails the
test; afterwards the money and the stock still hold (ledger balanced, nothing over capacity, no slot twice, paid
amounts equal to the payments).

Schema-valid input may still be refused by a business rule (sold out, a SIRET's checksum, a closed room), so the
`positive_data_acceptance` check is left out; every other check runs."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.auth.models import User
from marketplace.auth.services import create_api_token
from marketplace.catalogue.models import Offer, OfferDayStock, OfferStock
from marketplace.checkout.models import Order
from marketplace.db import reader_engine
from marketplace.demo import load_demo
from marketplace.events.models import EventQuota
from marketplace.ledger.models import LedgerLine
from marketplace.payments.models import Payment
from marketplace.rooms.models import RoomBooking

pytest.importorskip("schemathesis", reason="schemathesis not installed")
EXAMPLES, SEED = 25, 20261201
CALLERS = {"platform_admin": "admin@federation-clusters.fr", "cluster_staff": "lacantine@silicon-sentier.fr",
           "anonymous": None}


@pytest.fixture
def live(database_url, tmp_path):
    """The demo federation served on a free port, without rate limits (the fuzzer sends thousands of requests)."""
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "MAIL_DIR": str(tmp_path / "mail"),
                      "SECRET_KEY": "test-secret-key-of-at-least-32-bytes", "PUBLIC_CACHE_SECONDS": 0,
                      "RATE_LIMITS": False, "TESTING": True})
    with Session(reader_engine(database_url), expire_on_commit=False) as db:
        tokens = {}
        with app.test_request_context(method="POST"):
            load_demo(db)
            for caller, email in CALLERS.items():
                if email is not None:
                    user = db.exec(select(User).where(User.email == email)).one()
                    tokens[caller] = create_api_token(db, user, "fuzz")[1]
            db.commit()
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{httpd.server_port}", tokens, db, tmp_path
        httpd.shutdown()
    from tests.conftest import _empty_all_tables

    _empty_all_tables(database_url)


def _fuzz(base: str, token: str | None, workdir) -> subprocess.CompletedProcess:
    header = f"Authorization: Bearer {token}" if token else "X-Caller: anonymous"
    command = [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/openapi.json",
               "--checks", "all", "--exclude-checks", "positive_data_acceptance",
               "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "1",
               "--header", header, "--no-color"]
    # One worker: hypothesis reads lambda sources with `ast`, which is not safe across threads on Python 3.11.
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=workdir)


def test_the_api_answers_every_fuzzed_request_as_documented_and_the_money_still_holds(live):
    base, tokens, db, workdir = live
    for caller in CALLERS:
        run = _fuzz(base, tokens.get(caller), workdir)
        assert run.returncode == 0, f"as {caller}:\n{run.stdout[-12000:]}\n{run.stderr[-3000:]}"
    db.rollback()
    unbalanced = db.exec(select(LedgerLine.transaction_id).group_by(LedgerLine.transaction_id).having(
        func.sum(LedgerLine.debit_cents) != func.sum(LedgerLine.credit_cents))).all()
    assert unbalanced == []
    over = [(stock.offer_id, stock.held_units) for stock, offer in db.exec(
        select(OfferStock, Offer).join(Offer, Offer.id == OfferStock.offer_id)) if offer.capacity is not None
        and stock.held_units > offer.capacity]
    over += [(stock.offer_id, stock.held_units) for stock, offer in db.exec(
        select(OfferDayStock, Offer).join(Offer, Offer.id == OfferDayStock.offer_id))
        if offer.capacity is not None and stock.held_units > offer.capacity]
    over += [(quota.id, quota.held_units) for quota in db.exec(select(EventQuota)) if quota.held_units > quota.size]
    assert over == []
    twice = db.exec(select(RoomBooking.offer_id, RoomBooking.day, RoomBooking.block).group_by(
        RoomBooking.offer_id, RoomBooking.day, RoomBooking.block).having(func.count() > 1)).all()
    assert twice == []
    received = dict(db.exec(select(Payment.order_id, func.sum(Payment.amount_cents)).where(
        Payment.order_id.is_not(None), Payment.match_status != "late").group_by(Payment.order_id)).all())
    assert [(o.number, o.paid_cents) for o in db.exec(select(Order)) if o.paid_cents != received.get(o.id, 0)] == []
