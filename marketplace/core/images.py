"""Uploaded images made safe to serve: read by Pillow (PNG, JPEG or WebP only), shrunk to a largest side and
re-encoded, so what is stored and served is an image the server wrote, never the uploaded bytes."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")


class ImageRefused(ValueError):
    """The upload is too large (`too_large`) or not a PNG, JPEG or WebP image (`not_an_image`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def reencoded(data: bytes, max_bytes: int, max_side: int, fmt: str = "PNG") -> bytes:
    """The image in `data`, at most `max_side` pixels a side, as a new PNG (transparency kept) or JPEG."""
    if len(data) > max_bytes:
        raise ImageRefused("too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ImageRefused("not_an_image")
            image = ImageOps.exif_transpose(image)  # a phone's portrait photo stays upright
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            if fmt == "PNG":
                image.convert("RGBA").save(out, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True, progressive=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        if isinstance(exc, ImageRefused):
            raise
        raise ImageRefused("not_an_image") from exc
