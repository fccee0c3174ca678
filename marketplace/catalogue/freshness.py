"""The catalogue's version: one number moved on by every write to what catalogue pages show.

Offers, their variants and themes, clusters and partnerships are "watched" (a kind adds the tables its prices
read with `watch`). Any session that inserts, changes or deletes a watched row, or runs an UPDATE or DELETE on a
watched table, moves the version on in the same transaction, before the change is written: a reader that sees
the change also sees the new version, whatever worker or node it runs on. Fragments of catalogue pages are kept
under the version they were read at (`marketplace.web.fragments`), so none outlives a price change.

Writes that bypass the application's sessions (SQL typed by hand) should be followed by `marketplace clear-cache`
(fragments are otherwise read again after at most ten minutes).
"""

from __future__ import annotations

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from ..clusters.models import Cluster, Partnership
from .models import CatalogueVersion, Offer, OfferTheme, OfferVariant

_watched_tables: set[str] = set()
_watched_classes: tuple[type, ...] = ()
_BUMP = update(CatalogueVersion).where(CatalogueVersion.id == 1).values(version=CatalogueVersion.version + 1)
_READ = select(CatalogueVersion.version).where(CatalogueVersion.id == 1)


def watch(*models: type) -> None:
    """Writes to these models' tables change what catalogue pages show."""
    global _watched_classes
    _watched_classes = tuple({*_watched_classes, *models})
    _watched_tables.update(model.__tablename__ for model in models)


watch(Offer, OfferVariant, OfferTheme, Cluster, Partnership)


def catalogue_version(db: Session) -> int | None:
    """The version catalogue fragments are read at (once per session); None if its row is missing (then nothing
    may be kept)."""
    if "catalogue_version" not in db.info:
        db.info["catalogue_version"] = db.connection().execute(_READ).scalar()
    return db.info["catalogue_version"]


def version_is_read(db: Session) -> bool:
    return "catalogue_version" in db.info


def with_version(*columns):
    """A select of the catalogue's version and `columns`, from the version's row: outer join what the columns come
    from, and `read_with_version` reads them and the version in one round trip."""
    return select(CatalogueVersion.version, *columns).select_from(CatalogueVersion).where(CatalogueVersion.id == 1)


def read_with_version(db: Session, statement, params: dict) -> list | None:
    """The rows of a `with_version` statement without their version, which becomes the session's (what
    `catalogue_version` then gives, unless it was read already); None if the version's row is missing."""
    rows = db.connection().execute(statement, params).all()
    if not rows:
        return None
    db.info.setdefault("catalogue_version", rows[0][0])
    return [tuple(row)[1:] for row in rows]


def bump(db: Session) -> None:
    """Move the version on (inside the caller's transaction)."""
    db.info.pop("catalogue_version", None)
    db.connection().execute(_BUMP)


def _changes_catalogue(session: Session) -> bool:
    if any(isinstance(obj, _watched_classes) for obj in (*session.new, *session.deleted)):
        return True
    return any(isinstance(obj, _watched_classes) and session.is_modified(obj, include_collections=False)
               for obj in session.dirty)


@event.listens_for(Session, "after_transaction_end")
def _forget_version(session: Session, transaction) -> None:
    if transaction.parent is None:  # the session's own transaction, not a savepoint
        session.info.pop("catalogue_version", None)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if _changes_catalogue(session):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_write(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and getattr(state.statement, "table", None) is not None \
            and state.statement.table.name in _watched_tables:
        bump(state.session)
