"""The audit log: a staff write in the console is recorded with who, when, what, before and after; platform
admins see every cluster's, a cluster's administrators their own, nobody else; writes outside the console and
refused writes leave nothing."""

from __future__ import annotations

import json

from sqlmodel import select

from marketplace.audit.models import AuditEntry
from tests.admin.test_permissions import _valid_forms, world  # noqa: F401
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def _entries(db) -> list[AuditEntry]:
    db.rollback()
    return list(db.exec(select(AuditEntry).order_by(AuditEntry.id)))


def _edit_offer(client, world):  # noqa: F811
    return client.post(f"/console/clusters/cluster-a/offers/{world['offer'].id}",
                       data={**_valid_forms(world)["offer-edit"], "csrf_token": csrf_token(client, "/")})


def test_a_staff_edit_is_logged_with_its_values_before_and_after(client, db, world):  # noqa: F811
    login(client, world["users"]["manager_a"].email, PASSWORD)
    assert _edit_offer(client, world).status_code in (200, 302, 303)
    [entry] = [e for e in _entries(db) if e.table_name == "offer"]
    changes = json.loads(entry.changes_json)
    assert entry.action == "changed" and entry.row_id == world["offer"].id and entry.who == "gestion@cluster-a.fr"
    assert entry.cluster_id == world["a"].id and entry.request.startswith("POST /console/clusters/cluster-a/")
    assert changes["title_fr"] == ["Salle du cluster A", "Salle du cluster A (rénovée)"]
    assert changes["visibility"] == ["public", "members"]
    assert "updated_at" not in changes or changes["updated_at"][0] != changes["updated_at"][1]


def test_secrets_are_never_logged_and_refusals_log_nothing(client, db, world):  # noqa: F811
    login(client, world["users"]["staff_b"].email, PASSWORD)
    assert _edit_offer(client, world).status_code in (403, 404)
    assert _entries(db) == []
    login(client, world["users"]["staff_a"].email, PASSWORD)
    client.post("/console/clusters/cluster-a/staff", data={"email": "nouveau@cluster-a.fr", "full_name": "Nouveau",
                                                           "role": "manager", "csrf_token": csrf_token(client, "/")})
    logged = " ".join(e.changes_json for e in _entries(db))
    assert "nouveau@cluster-a.fr" in logged and "password" not in logged and "argon2" not in logged


def test_who_may_read_the_log(client, db, world):  # noqa: F811
    login(client, world["users"]["manager_a"].email, PASSWORD)
    _edit_offer(client, world)
    assert client.get("/console/clusters/cluster-a/audit").status_code == 403  # a manager is no administrator
    assert client.get("/console/audit").status_code == 403
    login(client, world["users"]["staff_a"].email, PASSWORD)
    page = client.get("/console/clusters/cluster-a/audit").get_data(as_text=True)
    assert "gestion@cluster-a.fr" in page and "Salle du cluster A (rénovée)" in page
    login(client, world["users"]["staff_b"].email, PASSWORD)
    assert client.get("/console/clusters/cluster-a/audit").status_code == 403
    assert "gestion@cluster-a.fr" not in client.get("/console/clusters/cluster-b/audit").get_data(as_text=True)
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    assert "Salle du cluster A (rénovée)" in client.get("/console/audit").get_data(as_text=True)
    assert "rénovée" not in client.get("/console/audit?cluster=cluster-b").get_data(as_text=True)


def test_writes_outside_the_console_are_not_logged(client, db, world):  # noqa: F811
    client.post("/cart", data={"offer_id": world["service"].id, "csrf_token": csrf_token(client)})
    assert _entries(db) == []


def test_the_log_is_read_fifty_at_a_time(client, db, world):  # noqa: F811
    for i in range(55):
        db.add(AuditEntry(who="gestion@cluster-a.fr", cluster_id=world["a"].id, request="POST /console/x",
                          action="changed", table_name="offer", row_id=i + 1, changes_json="{}"))
    db.commit()
    login(client, world["users"]["staff_a"].email, PASSWORD)
    first = client.get("/console/clusters/cluster-a/audit").get_data(as_text=True)
    assert "Page 1 sur 2" in first and first.count("POST /console/x") == 50
    assert "/console/clusters/cluster-a/audit?page=2" in first
    last = client.get("/console/clusters/cluster-a/audit?page=9").get_data(as_text=True)
    assert "Page 2 sur 2" in last and last.count("POST /console/x") == 5
