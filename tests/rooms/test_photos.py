"""Staff add photos to a room (re-encoded by the server, a few per room) and the room's page shows them."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlmodel import select

from marketplace.rooms.models import RoomPhoto
from marketplace.rooms.photos import MAX_PHOTOS
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.rooms.test_booking import room  # noqa: F401


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 90, 40)).save(out, format="JPEG")
    return out.getvalue()


def _upload(client, offer_id: int, data: bytes, name: str = "salle.jpg", caption: str = "La grande salle"):
    return client.post(f"/console/clusters/salles/rooms/{offer_id}/photos", data={
        "photo": (io.BytesIO(data), name), "caption": caption, "csrf_token": csrf_token(client, "/")},
        content_type="multipart/form-data")


def test_a_photo_is_reencoded_shown_on_the_room_page_and_removed(client, db, room):  # noqa: F811
    offer = room["offer"]
    login(client, room["staff"].email, PASSWORD)
    assert _upload(client, offer.id, _jpeg(4000, 3000)).status_code == 303  # a phone's 12-megapixel photo
    db.rollback()
    photo = db.exec(select(RoomPhoto)).one()
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1600 and stored.size == (1600, 1200)
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert f"/rooms/photos/{photo.id}.jpg" in page and "La grande salle" in page
    console = client.get(f"/console/clusters/salles/rooms/{offer.id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", console, re.S).group(1)
    assert "<" not in title and console.count('id="photos"') == 1  # the photos once, in the page's body
    served = client.get(f"/rooms/photos/{photo.id}.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg" and served.data == photo.data
    removed = client.post(f"/console/clusters/salles/rooms/{offer.id}/photos/{photo.id}/delete",
                          data={"csrf_token": csrf_token(client, "/")})
    assert removed.status_code == 303
    assert client.get(f"/rooms/photos/{photo.id}.jpg").status_code == 404


def test_what_is_not_an_image_or_one_photo_too_many_is_refused_and_stores_nothing(client, db, room):  # noqa: F811
    offer = room["offer"]
    login(client, room["staff"].email, PASSWORD)
    fake = _upload(client, offer.id, b"<svg onload=alert(1)></svg>", name="salle.jpg")
    assert fake.status_code == 422 and "JPEG, PNG ou WebP" in fake.get_data(as_text=True)
    wrong_name = _upload(client, offer.id, _jpeg(10, 10), name="salle.gif")
    assert wrong_name.status_code == 422
    db.rollback()
    assert db.exec(select(RoomPhoto)).all() == []
    for _ in range(MAX_PHOTOS):
        assert _upload(client, offer.id, _jpeg(800, 600)).status_code == 303
    one_more = _upload(client, offer.id, _jpeg(800, 600))
    assert one_more.status_code == 422 and "au plus 8 photos" in one_more.get_data(as_text=True)
    db.rollback()
    assert len(db.exec(select(RoomPhoto)).all()) == MAX_PHOTOS


def test_an_unpublished_rooms_photos_are_not_served(client, db, room):  # noqa: F811
    offer = room["offer"]
    db.add(RoomPhoto(offer_id=offer.id, data=_jpeg(10, 10)))
    offer.is_published = False
    db.add(offer)
    db.commit()
    photo = db.exec(select(RoomPhoto)).one()
    assert client.get(f"/rooms/photos/{photo.id}.jpg").status_code == 404
