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


def init_app(app) -> None:
    """Each application (each worker) keeps its own fragments."""
    app.extensions["fragments"] = FragmentCache()
