"""Books of coworking tickets: issued when paid (one per book bought), each with its holder, balance, code and
expiry; a ticket is used at the desk (staff, one click) or by the holder with the desk's code of the day, and
counted once even when two uses are sent at the same moment (a conditional update)."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from ..catalogue.models import Offer, OfferVariant
from ..checkout.models import Order, OrderLine
from ..core.errors import Conflict, Invalid
from ..core.kinds import load_options
from ..core.timeutil import utcnow
from .models import PassBook, PassDesk, PassRedemption

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _months_later(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month, day=day)


def desk_of(db: Session, offer_id: int) -> PassDesk:
    return db.get(PassDesk, offer_id) or PassDesk(offer_id=offer_id)


def books_paid(db: Session, order: Order, line: OrderLine) -> list[PassBook]:
    """One book per book bought (a variant of several units); a single pass is its own admission. Once."""
    variant = db.exec(select(OfferVariant).where(OfferVariant.offer_id == line.offer_id, OfferVariant.code ==
                                                 load_options(line.options_json).get("variant"))).first()
    if variant is None or variant.units <= 1:
        return []
    made = {b.position: b for b in db.exec(select(PassBook).where(PassBook.order_line_id == line.id)).all()}
    expires = _months_later(order.paid_at or utcnow(), desk_of(db, line.offer_id).validity_months)
    for position in range(1, line.quantity + 1):
        if position not in made:
            made[position] = PassBook(
                offer_id=line.offer_id, order_line_id=line.id, position=position, label=variant.label_fr,
                organization_id=order.organization_id, user_id=order.user_id, holder_name=order.billing_name[:200],
                holder_email=order.billing_email, units=variant.units, expires_at=expires,
                code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)))
            db.add(made[position])
    db.flush()
    return [made[p] for p in sorted(made)]


def void_books(db: Session, order: Order, line: OrderLine) -> None:
    if order.status in ("cancelled", "refunded"):
        db.connection().execute(update(PassBook).where(PassBook.order_line_id == line.id).values(void=True))


def redeem(db: Session, book: PassBook, by_user_id: int | None, by_staff: bool, now: datetime | None = None,
           note: str = "") -> PassRedemption:
    """Use one ticket of the book: only while one is left, the book valid and not expired; once per call,
    whatever else is sent at the same moment."""
    now = now or utcnow()
    used = db.connection().execute(update(PassBook).where(
        PassBook.id == book.id, PassBook.used_units + 1 <= PassBook.units, col(PassBook.void).is_(False),
        PassBook.expires_at > now).values(used_units=PassBook.used_units + 1))
    if used.rowcount != 1:
        fresh = db.exec(select(PassBook).where(PassBook.id == book.id)
                        .execution_options(populate_existing=True)).one()
        if fresh.void:
            raise Conflict(_("Ce carnet est annulé."))
        if fresh.expires_at <= now:
            raise Conflict(_("Ce carnet a expiré le %(day)s.", day=fresh.expires_at.strftime("%d/%m/%Y")))
        raise Conflict(_("Ce carnet n'a plus de ticket."))
    redemption = PassRedemption(book_id=book.id, used_at=now, by_user_id=by_user_id, by_staff=by_staff, note=note)
    db.add(redemption)
    db.flush()
    db.refresh(book)
    return redemption


def redeem_with_desk_code(db: Session, book: PassBook, desk_code: str, user_id: int) -> PassRedemption:
    """The holder uses a ticket on site: the code posted at the desk today proves they are there."""
    expected = desk_of(db, book.offer_id).desk_code
    if not expected or "".join(desk_code.split()).upper() != expected.upper():
        raise Invalid(_("Code de l'accueil incorrect : demandez-le à l'accueil."), field="desk_code")
    return redeem(db, book, user_id, by_staff=False)


def books_of_holder(db: Session, user_id: int, organization_id: int | None) -> list[tuple[PassBook, Offer]]:
    who = [PassBook.user_id == user_id] + ([PassBook.organization_id == organization_id] if organization_id else [])
    return list(db.exec(select(PassBook, Offer).join(Offer, Offer.id == PassBook.offer_id)
                        .where(or_(*who)).order_by(col(PassBook.expires_at).desc(), PassBook.id)).all())


def history_of(db: Session, book_ids: list[int]) -> dict[int, list[PassRedemption]]:
    history: dict[int, list[PassRedemption]] = {}
    for row in db.exec(select(PassRedemption).where(col(PassRedemption.book_id).in_(book_ids))
                       .order_by(col(PassRedemption.used_at).desc())).all():
        history.setdefault(row.book_id, []).append(row)
    return history


def search_books(db: Session, cluster_id: int, query: str, now: datetime) -> list[tuple[PassBook, Offer]]:
    """The cluster's books whose holder, email or code matches (the desk's search), usable ones first."""
    text = f"%{' '.join(query.split())[:80]}%"
    rows = db.exec(select(PassBook, Offer).join(Offer, Offer.id == PassBook.offer_id)
                   .where(Offer.cluster_id == cluster_id, or_(col(PassBook.holder_name).ilike(text),
                                                              col(PassBook.holder_email).ilike(text),
                                                              col(PassBook.code).ilike(text)))
                   .order_by(PassBook.holder_name, PassBook.id).limit(50)).all()
    return sorted(rows, key=lambda row: not usable(row[0], now))


def usable(book: PassBook, now: datetime) -> bool:
    return not book.void and book.used_units < book.units and book.expires_at > now


def save_desk(db: Session, offer: Offer, validity_months: int, desk_code: str) -> PassDesk:
    desk = desk_of(db, offer.id)
    desk.validity_months, desk.desk_code = validity_months, "".join(desk_code.split()).upper()
    db.add(desk)
    db.flush()
    return desk
