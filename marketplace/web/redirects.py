"""Where a `next` parameter may send the browser: paths of this site only (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..core.text import has_control_characters


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path of this site, else `fallback`.

    Browsers drop tabs and line breaks and read a backslash as a slash before they follow a
    Location, so "/<tab>/evil.example" would become "//evil.example": such targets are refused
    outright rather than cleaned.
    """
    if not target or has_control_characters(target) or "\\" in target:
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    try:
        parts = urlsplit(target)
    except ValueError:
        return fallback
    if parts.scheme or parts.netloc:
        return fallback
    return target
