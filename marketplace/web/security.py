"""Response headers that tell browsers what a page may do and keep, and the size of what a request may send."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from ..dbtypes import MAX_ROW_ID
from .pagecache import is_public_page

# Only this site's own files run or style a page (htmx's indicator styles are in app.css); the card
# payment form is redirected to Stripe Checkout, and Chrome applies form-action to that redirect.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self' https://checkout.stripe.com",
))
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer", "microphone",
    "midi", "payment", "usb",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Order and invoice links carry their access token in the query string: never tell another site.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
HSTS = "max-age=31536000; includeSubDomains"
PERSONAL = "private, no-store"
DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024


def accepts_large_body(max_bytes: int, allowed: Callable[[], bool]):
    """Let a view receive up to `max_bytes` (a file upload) when `allowed()`; others keep the site's limit."""

    def mark(view):
        view.large_body = (max_bytes, allowed)
        return view

    return mark


def _limit_request_body(endpoint: str | None, _values) -> None:
    """Set this request's body limit and refuse a body announced larger, before anything reads it."""
    large_body = getattr(current_app.view_functions.get(endpoint), "large_body", None)
    if large_body and large_body[1]():
        request.max_content_length = large_body[0]
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()


def _add_headers(response):
    """The security headers of every response; dynamic answers are not stored unless public."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    # Orders, the console, exports and the API hold personal data: by default nothing is stored, only the
    # public pages rendered the same for every visitor (and static files) may be.
    if "Cache-Control" not in response.headers and request.endpoint != "static" and not is_public_page():
        response.headers["Cache-Control"] = PERSONAL
    return response


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every URL: an id the database's integer columns can hold (1 to 2³¹−1), else 404."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ROW_ID,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, max, signed)


def init_app(app: Flask) -> None:
    # Flask's own default is no limit; uploads that need more say so with accepts_large_body.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_CONTENT_LENGTH
    # URL value preprocessors run before every before_request function, so before CSRF protection reads the form.
    app.url_value_preprocessor(_limit_request_body)
    app.after_request(_add_headers)
