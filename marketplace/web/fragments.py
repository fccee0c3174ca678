"""Rendered fragments of pages (and the data they share), kept by each worker under everything that decides them.

A key names what the fragment shows (the catalogue's filters, the language, the viewer's prices...) and the
version of the data it was read at (a number moved on, in the writer's transaction, by every write to that data:
see `marketplace.catalogue.freshness`). A reader after a write asks for the new version and never gets a fragment
read before it, on any worker or node; nothing needs to be shared. A fragment also says until when it holds (the
first moment a price or a sale could end); it is never served after that, nor after MAX_SECONDS.

Unlike the public page cache, fragments serve signed-in members too: their key holds what makes a member's page
theirs (their buyer facts); what belongs to one person alone (a form's token, their cart) stays outside.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from jinja2 import nodes
from jinja2.ext import Extension

from ..core.timeutil import utcnow

MAX_ENTRIES = 1024  # a page of results is about 20 kB: some 20 MB per worker at most
MAX_SECONDS = 600  # also bounds what a write outside the application (SQL typed by hand) leaves visible


class FragmentCache:
    """A bounded, thread-safe LRU of (expiry on the monotonic clock, fragment or data read) by key."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def kept(self, key: Hashable, make: Callable[[], tuple[Any, datetime | None]], version: int | None) -> Any:
        """What is kept under `key` and the data's `version`, else `make()`'s (value, valid until: None for no
        end), kept; without a version (None: unknown) it is made and not kept."""
        if version is None:
            return make()[0]
        key = (version, key)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                return entry[1]
        value, valid_until = make()
        seconds = MAX_SECONDS if valid_until is None else min(MAX_SECONDS, (valid_until - utcnow()).total_seconds())
        if seconds > 0:
            with self._lock:
                self._entries[key] = (now + seconds, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class KeepExtension(Extension):
    """`{% keep "name", arg, ... %}…{% endkeep %}` in a template: a part of the pages' chrome rendered once per
    worker for each value of its arguments (the language, who is signed in, ...), then copied. Only for what
    depends on nothing else (labels, links to the application's pages): no data, no form token. Rendered each
    time while templates reload (development)."""

    tags = {"keep"}
    MAX_ENTRIES = 256  # keys are a few languages and kinds of visitor: more is a template keyed by mistake

    def __init__(self, environment):
        super().__init__(environment)
        self._kept: dict[Hashable, Any] = {}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endkeep",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_keep", [nodes.Tuple(key, "load")]), [], [], body)\
            .set_lineno(lineno)

    def _keep(self, key: tuple, caller: Callable[[], Any]) -> Any:
        if self.environment.auto_reload:
            return caller()
        key = (request.script_root if has_request_context() else "", *key)  # links hold the mount point
        html = self._kept.get(key)
        if html is None:
            if len(self._kept) >= self.MAX_ENTRIES:
                self._kept.clear()
            html = self._kept[key] = caller()
        return html


def init_app(app) -> None:
    """Each application (each worker) keeps its own fragments."""
    app.extensions["fragments"] = FragmentCache()
    app.jinja_env.add_extension(KeepExtension)
