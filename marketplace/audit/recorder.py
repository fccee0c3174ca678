"""Record every row a staff member's console request writes, in the same transaction as the write.

Session listeners note, after each flush of a write request under /console by a signed-in user, each row
created, changed or deleted with its values before and after (secrets and large blobs left out), and write
them as AuditEntry rows just before the transaction commits; a rollback forgets them. What the write causes elsewhere (ledger postings, emails, sessions) is not repeated: the ledger is
its own journal.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from ..clusters.models import Cluster
from ..core.timeutil import utcnow
from .models import AuditEntry

NOT_AUDITED = frozenset({"auditentry", "outboxemail", "ledgertransaction", "ledgerline", "ledgeraccount",
                         "ledgercalendar", "loginsession", "passwordresetrequest", "invoicesequence",
                         "receiptsequence", "roomday"})
HIDDEN = ("password", "hash", "token", "secret", "xml", "data", "fingerprint")
MAX_TEXT = 300


def _auditing() -> bool:
    return (has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
            and request.path.startswith("/console") and current_user.is_authenticated)


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    return value


def _shown(name: str) -> bool:
    return not any(word in name for word in HIDDEN)


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    if action == "changed":
        changed = {}
        for attr in state.mapper.column_attrs:
            history = state.attrs[attr.key].history
            if history.has_changes() and _shown(attr.key):
                before = history.deleted[0] if history.deleted else None
                after = history.added[0] if history.added else None
                if before != after:
                    changed[attr.key] = [_value(before), _value(after)]
        return changed
    return {attr.key: _value(getattr(obj, attr.key)) for attr in state.mapper.column_attrs if _shown(attr.key)}


def _url_cluster(session: Session) -> int | None:
    """The cluster named in the request's URL (its slug), read once per request."""
    if "audit_cluster" not in g:
        slug = (request.view_args or {}).get("slug")
        g.audit_cluster = session.connection().execute(
            select(Cluster.id).where(Cluster.slug == slug)).scalar() if slug else None
    return g.audit_cluster


def _after_flush(session: Session, _context) -> None:
    if not _auditing():
        return
    rows = []
    for action, objects in (("created", session.new), ("changed", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in NOT_AUDITED:
                continue
            changes = _changes(obj, action)
            if action == "changed" and not changes:
                continue
            cluster_id = getattr(obj, "cluster_id", None) if table != "cluster" else getattr(obj, "id", None)
            identity = inspect(obj).identity
            rows.append({"at": utcnow(), "user_id": current_user.id, "who": current_user.email[:254],
                         "cluster_id": cluster_id if isinstance(cluster_id, int) else _url_cluster(session),
                         "request": f"{request.method} {request.path}"[:300], "action": action,
                         "table_name": table[:60], "row_id": identity[0] if identity and len(identity) == 1 else None,
                         "changes_json": json.dumps(changes, ensure_ascii=False, default=str)})
    g.setdefault("audit_pending", []).extend(rows)


def _before_commit(session: Session) -> None:
    """Write what the request's flushes changed, in the transaction that keeps those changes."""
    if not has_request_context() or not g.get("audit_pending"):
        return
    rows, g.audit_pending = _without_replacements(g.audit_pending), []
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def _after_rollback(session: Session, _previous) -> None:
    """Changes rolled back (a refused form) were never made: nothing of them is logged."""
    if has_request_context():
        g.pop("audit_pending", None)


def _without_replacements(rows: list[dict]) -> list[dict]:
    """A row deleted and created again with the same values (a form saving a list as it was) changed nothing."""
    def same(row):
        values = {k: v for k, v in json.loads(row["changes_json"]).items() if k != "id"}
        return row["table_name"], json.dumps(values, sort_keys=True, default=str)

    created = Counter(same(r) for r in rows if r["action"] == "created")
    deleted = Counter(same(r) for r in rows if r["action"] == "deleted")
    unchanged = {"created": created & deleted, "deleted": created & deleted}
    kept = []
    for row in rows:
        left = unchanged.get(row["action"])
        if left is not None and left[same(row)] > 0:
            left[same(row)] -= 1
            continue
        kept.append(row)
    return kept


def init_app(_app) -> None:
    for name, listener in (("after_flush", _after_flush), ("before_commit", _before_commit),
                           ("after_soft_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
