"""A short-lived cache of public pages for anonymous visitors (the shop window's hot path).

Only GET pages answered 200 to a visitor who is not signed in and has no pending flash message are
cached, per path, query string, language and page-or-fragment. A page that needed a CSRF token (it
holds a form that writes) is never cached: tokens belong to one visitor. Staff changes in the console
clear the cache of the worker that made them; other workers follow within
MARKETPLACE_PUBLIC_CACHE_SECONDS. When a page expires, one request renders it again while the
others are still served the previous copy.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .htmx import is_htmx_fragment_request

MAX_ENTRIES = 512
REFRESH_GRACE_SECONDS = 10


class PageCache:
    """A bounded, thread-safe LRU of (expiry, body, headers) by key."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[tuple, tuple[float, bytes, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: tuple) -> tuple[bytes, dict] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, body, headers = entry
            now = time.monotonic()
            if expires < now:
                # This caller re-renders; the others keep the stale page meanwhile (no stampede).
                self._entries[key] = (now + REFRESH_GRACE_SECONDS, body, headers)
                return None
            self._entries.move_to_end(key)
            return body, headers

    def put(self, key: tuple, body: bytes, headers: dict, ttl: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, body, headers)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_cache = PageCache()
_personal_session_keys: set[str] = set()


def personal_session_key(name: str) -> None:
    """A visitor whose session holds `name` (a cart) sees pages of their own: they are neither cached nor served
    from the cache."""
    _personal_session_keys.add(name)


def invalidate_public_pages() -> None:
    """Forget every cached public page of this worker (after a change visitors must see)."""
    _cache.clear()


def csrf_token_for_templates() -> str:
    """The CSRF token; a page that asks for one is personal and is not cached."""
    g.page_is_personal = True
    return generate_csrf()


def _same_for_every_visitor() -> bool:
    """A GET by a visitor who is not signed in and has no message waiting nor anything of their own (a cart)."""
    return (request.method == "GET" and not current_user.is_authenticated and not session.get("_flashes")
            and not any(session.get(key) for key in _personal_session_keys))


def _cacheable() -> bool:
    return current_app.config.get("PUBLIC_CACHE_SECONDS", 0) > 0 and _same_for_every_visitor()


def is_public_page() -> bool:
    """True when this response is a public page that turned out to hold nothing personal."""
    return bool(g.get("public_page")) and not g.get("page_is_personal")


def public_page(view):
    """Serve an anonymous visitor's page from the cache, or render it and keep it for a while."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.public_page = _same_for_every_visitor()
        if not _cacheable():
            return view(*args, **kwargs)
        key = (request.full_path, str(get_locale()), is_htmx_fragment_request())
        hit = _cache.get(key)
        if hit is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough or g.get("page_is_personal"):
                return response
            hit = response.get_data(), {"Content-Type": response.headers["Content-Type"],
                                        "Vary": response.headers.get("Vary", "")}
            _cache.put(key, *hit, ttl=current_app.config["PUBLIC_CACHE_SECONDS"])
        body, headers = hit
        response = make_response(body, 200)
        response.headers.update(headers)
        response.headers["Vary"] = ", ".join(filter(None, [headers.get("Vary"), "Cookie", "Accept-Language"]))
        return response

    return wrapped


def init_app(app) -> None:
    # Flask-WTF offers csrf_token both as a global and from a context processor: replace both.
    app.jinja_env.globals["csrf_token"] = csrf_token_for_templates
    app.context_processor(lambda: {"csrf_token": csrf_token_for_templates})

    @app.after_request
    def _forget_after_staff_writes(response):
        """A successful write in the console may change what visitors see."""
        if request.method != "GET" and request.path.startswith("/console/") and response.status_code < 400:
            invalidate_public_pages()
        return response
