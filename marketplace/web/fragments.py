"""Rendered fragments of pages, kept by each worker under everything that decides their content.

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

from markupsafe import Markup

from ..core.timeutil import utcnow

MAX_ENTRIES = 2048
MAX_SECONDS = 600  # also bounds what a write outside the application (SQL typed by hand) leaves visible


class FragmentCache:
    """A bounded, thread-safe LRU of (expiry on the monotonic clock, html) by key."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[Hashable, tuple[float, Markup]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get_or_render(self, key: Hashable, render: Callable[[], tuple[str, datetime | None]],
                      version: int | None) -> Markup:
        """The fragment kept under `key` and the data's `version`, or `render()`'s (html, valid until: None for no
        end), kept; without a version (None: unknown) it is rendered and not kept."""
        if version is None:
            return Markup(render()[0])
        key = (version, key)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                return entry[1]
        html, valid_until = render()
        html = Markup(html)
        seconds = MAX_SECONDS if valid_until is None else min(MAX_SECONDS, (valid_until - utcnow()).total_seconds())
        if seconds > 0:
            with self._lock:
                self._entries[key] = (now + seconds, html)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_app(app) -> None:
    """Each application (each worker) keeps its own fragments."""
    app.extensions["fragments"] = FragmentCache()
