"""A short-lived cache of public pages for anonymous visitors (the shop window's hot path).

Only GET pages answered 200 to a visitor who is not signed in and has no pending flash message are
cached, per path, query string, language and page-or-fragment. A page that needed a CSRF token (it
holds a form that writes) is never cached: tokens belong to one visitor. When a page expires, one
request renders it again while the others are still served the previous copy.

Each worker keeps its own cache, or, when MARKETPLACE_REDIS_URL is set, every worker of every node
shares one in Redis. A staff change in the console clears it: the cache's generation moves on, and a
page rendered before the change is never stored under the new one (it was read under the old), so no
worker anywhere serves an old price or an unpublished offer after the write.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from functools import wraps

import redis
from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .htmx import is_htmx_fragment_request

log = logging.getLogger(__name__)
MAX_ENTRIES = 512
REFRESH_GRACE_SECONDS = 10


class PageCache:
    """A bounded, thread-safe LRU of (expiry, body, headers) by key, for one worker."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[tuple, tuple[float, bytes, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.generation = 0

    def lookup(self, key: tuple) -> tuple[tuple[bytes, dict] | None, int]:
        """The page if fresh (or stale while another request renders it), and the generation to store under."""
        with self._lock:
            return self._get(key), self.generation

    def get(self, key: tuple) -> tuple[bytes, dict] | None:
        return self.lookup(key)[0]

    def _get(self, key: tuple) -> tuple[bytes, dict] | None:
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

    def put(self, key: tuple, body: bytes, headers: dict, ttl: float, generation: int | None = None) -> None:
        """Keep a page, unless the cache was cleared since it was looked up (it may show what changed)."""
        with self._lock:
            if generation is not None and generation != self.generation:
                return
            self._entries[key] = (time.monotonic() + ttl, body, headers)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.generation += 1


# Reads the generation and the page stored under it in one round trip.
_READ = """local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}"""


class RedisPageCache:
    """The same cache shared by every worker and node: pages live in Redis under the current generation;
    clearing moves the generation on (pages of older ones expire on their own). When Redis cannot be
    reached, pages are rendered without the cache and the failure is logged."""

    def __init__(self, url: str, namespace: str = "marketplace"):
        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.generation_key = f"{namespace}:pages:generation"
        self.prefix = f"{namespace}:page:"
        self._read = self.redis.register_script(_READ)

    @staticmethod
    def _digest(key: tuple) -> str:
        return hashlib.sha256(repr(key).encode()).hexdigest()

    def lookup(self, key: tuple) -> tuple[tuple[bytes, dict] | None, str | None]:
        digest = self._digest(key)
        try:
            generation, raw = self._read(keys=[self.generation_key], args=[self.prefix, digest])
            generation = generation.decode()
            if raw is None:
                return None, generation
            meta, body = raw.split(b"\n", 1)
            meta = json.loads(meta)
            if meta["expires"] < time.time() and self.redis.set(
                    f"{self.prefix}refresh:{generation}:{digest}", 1, nx=True, ex=REFRESH_GRACE_SECONDS):
                return None, generation  # this caller re-renders; the others keep the stale page meanwhile
            return (body, meta["headers"]), generation
        except redis.RedisError:
            log.warning("page cache: Redis unreachable, page rendered without the cache", exc_info=True)
            return None, None

    def get(self, key: tuple) -> tuple[bytes, dict] | None:
        return self.lookup(key)[0]

    def put(self, key: tuple, body: bytes, headers: dict, ttl: float, generation: str | None = None) -> None:
        """Keep a page under the generation it was looked up in (never under a later one)."""
        if generation is None:
            return
        meta = json.dumps({"expires": time.time() + ttl, "headers": headers}).encode()
        try:
            self.redis.set(f"{self.prefix}{generation}:{self._digest(key)}", meta + b"\n" + body,
                           ex=int(ttl + REFRESH_GRACE_SECONDS + 1))
        except redis.RedisError:
            log.warning("page cache: Redis unreachable, page not kept", exc_info=True)

    def clear(self) -> None:
        try:
            self.redis.incr(self.generation_key)
        except redis.RedisError:
            log.error("page cache: Redis unreachable, cached pages could not be cleared", exc_info=True)


_cache = PageCache()
_personal_session_keys: set[str] = set()


def personal_session_key(name: str) -> None:
    """A visitor whose session holds `name` (a cart) sees pages of their own: they are neither cached nor served
    from the cache."""
    _personal_session_keys.add(name)


def page_cache() -> PageCache | RedisPageCache:
    """The application's cache: shared through Redis when configured, else this worker's."""
    return current_app.extensions.get("page_cache", _cache) if current_app else _cache


def invalidate_public_pages() -> None:
    """Forget every cached public page, for every worker (after a change visitors must see)."""
    page_cache().clear()


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
        cache = page_cache()
        hit, generation = cache.lookup(key)
        if hit is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.direct_passthrough or g.get("page_is_personal"):
                return response
            hit = response.get_data(), {"Content-Type": response.headers["Content-Type"],
                                        "Vary": response.headers.get("Vary", "")}
            cache.put(key, *hit, ttl=current_app.config["PUBLIC_CACHE_SECONDS"], generation=generation)
        body, headers = hit
        response = make_response(body, 200)
        response.headers.update(headers)
        response.headers["Vary"] = ", ".join(filter(None, [headers.get("Vary"), "Cookie", "Accept-Language"]))
        return response

    return wrapped


def init_app(app) -> None:
    if app.config.get("REDIS_URL"):
        app.extensions["page_cache"] = RedisPageCache(app.config["REDIS_URL"],
                                                      app.config.get("PAGE_CACHE_NAMESPACE", "marketplace"))
    # Flask-WTF offers csrf_token both as a global and from a context processor: replace both.
    app.jinja_env.globals["csrf_token"] = csrf_token_for_templates
    app.context_processor(lambda: {"csrf_token": csrf_token_for_templates})

    @app.after_request
    def _forget_after_staff_writes(response):
        """A successful write in the console may change what visitors see."""
        if request.method != "GET" and request.path.startswith("/console/") and response.status_code < 400:
            invalidate_public_pages()
        return response
