"""A room's photos: staff upload them (re-encoded by the server, a few per room), the room's page shows them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, func, select

from ..core.errors import Invalid, NotFound
from ..core.images import ImageRefused, reencoded
from .models import RoomPhoto

PHOTO_MAX_BYTES = 8 * 1024 * 1024  # a phone's photo as it comes
PHOTO_MAX_SIDE = 1600
MAX_PHOTOS = 8


def photos_of(db: Session, offer_id: int) -> list[RoomPhoto]:
    """The room's photos in their order, without their bytes (a page only needs their ids and captions)."""
    rows = db.exec(select(RoomPhoto.id, RoomPhoto.caption, RoomPhoto.position)
                   .where(RoomPhoto.offer_id == offer_id).order_by(RoomPhoto.position, RoomPhoto.id)).all()
    return [RoomPhoto(id=id_, offer_id=offer_id, data=b"", caption=caption, position=position)
            for id_, caption, position in rows]


def add_photo(db: Session, offer, data: bytes, caption: str) -> RoomPhoto:
    count = db.exec(select(func.count()).select_from(RoomPhoto).where(RoomPhoto.offer_id == offer.id)).one()
    if count >= MAX_PHOTOS:
        raise Invalid(_("Une salle a au plus %(n)d photos : retirez-en une d'abord.", n=MAX_PHOTOS), field="photo")
    try:
        jpeg = reencoded(data, PHOTO_MAX_BYTES, PHOTO_MAX_SIDE, "JPEG")
    except ImageRefused as refused:
        if refused.reason == "too_large":
            raise Invalid(_("La photo dépasse 8 Mo."), field="photo") from refused
        raise Invalid(_("La photo doit être une image JPEG, PNG ou WebP."), field="photo") from refused
    photo = RoomPhoto(offer_id=offer.id, data=jpeg, caption=caption, position=count)
    db.add(photo)
    db.flush()
    return photo


def remove_photo(db: Session, offer, photo_id: int) -> None:
    photo = db.get(RoomPhoto, photo_id)
    if photo is None or photo.offer_id != offer.id:
        raise NotFound(_("Photo introuvable."))
    db.delete(photo)
    db.flush()
