"""Placing an order through the API costs a bounded number of SQL statements, and a sold-out refusal reads
what it needs and writes nothing."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import event

from marketplace.db import get_engine

BUYER = {"name": "Usinage Bressan", "email": "achats@usinage-bressan.fr", "address": "3 rue de l'Industrie",
         "postal_code": "01000", "city": "Bourg-en-Bresse"}


@contextmanager
def statements(app):
    seen: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        seen.append(re.sub(r"\s+", " ", statement).strip())

    engine = get_engine(app.config["DATABASE_URL"])
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


WRITES = ("INSERT", "UPDATE", "DELETE")
TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _data(seen: list[str]) -> list[str]:
    return [s for s in seen if not s.startswith(TRANSACTION)]


def _order(client, offer_id, key):
    return client.post("/api/v1/orders", json={"lines": [{"offer_id": offer_id, "quantity": 1}], "buyer": BUYER,
                                               "idempotency_key": key})


def test_an_order_takes_at_most_12_statements_and_a_sold_out_refusal_writes_nothing(app, client, factories):
    cluster = factories.make_cluster(slug="alpha")
    offer = factories.make_offer(cluster, kind="event_ticket", capacity=1, list_price_cents=5_000,
                                 starts_at=datetime(2099, 6, 1, 8, tzinfo=UTC), ends_at=datetime(2099, 6, 1, 17, tzinfo=UTC))
    _order(client, offer.id, "cle-de-chauffe-0001")  # the first request of a process warms its caches
    other = factories.make_offer(cluster, kind="event_ticket", capacity=2, list_price_cents=5_000,
                                 starts_at=datetime(2099, 6, 1, 8, tzinfo=UTC), ends_at=datetime(2099, 6, 1, 17, tzinfo=UTC))
    assert _order(client, other.id, "cle-idempotence-0000").status_code == 201  # its stock row exists from now on
    with statements(app) as accepted:
        assert _order(client, other.id, "cle-idempotence-0001").status_code == 201
    with statements(app) as refused:
        response = _order(client, other.id, "cle-idempotence-0002")
    assert response.status_code == 409 and response.json["error"]["code"] == "sold_out"
    accepted, refused = _data(accepted), _data(refused)
    assert len(accepted) <= 12, "\n".join(accepted)
    assert not [s for s in refused if s.startswith(WRITES)], "\n".join(refused)
    assert len(refused) * 2 < len(accepted), "\n".join(refused)  # refused before anything is priced or written
