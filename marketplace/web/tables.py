"""What staff ask of a console table: words to find, a status, an order and a page, read from the URL (odd values
fall back to the defaults) and written back into links (defaults left out)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

PER_PAGE = 50
MAX_PAGE = 10_000
MAX_EXPORT = 5000  # rows a spreadsheet export holds at most


@dataclass(frozen=True)
class TableState:
    q: str = ""
    status: str = ""
    sort: str = ""
    page: int = 1
    default_sort: str = ""

    @classmethod
    def from_args(cls, args, statuses: Iterable[str], sorts: Iterable[str], default_sort: str) -> TableState:
        status, sort = args.get("status", ""), args.get("sort", default_sort)
        return cls(q=" ".join(args.get("q", "").split())[:100], status=status if status in set(statuses) else "",
                   sort=sort if sort in set(sorts) else default_sort,
                   page=min(max(args.get("page", 1, type=int) or 1, 1), MAX_PAGE), default_sort=default_sort)

    def args(self, **changes) -> dict[str, str | int]:
        """The table's state as URL arguments (defaults left out), with `changes` applied."""
        values = {"q": self.q, "status": self.status, "sort": self.sort, "page": self.page, **changes}
        defaults = {"sort": self.default_sort, "page": 1}
        return {key: value for key, value in values.items() if value and defaults.get(key) != value}

    def pages(self, total: int) -> int:
        return max(1, -(-total // PER_PAGE))

    def fetch(self, db, query, order_by, paged: bool = True) -> tuple[list, int]:
        """The rows of `query` on this page (or all of them, at most MAX_EXPORT, for an export) in `order_by`
        order, and how many match."""
        total = db.exec(select(func.count()).select_from(query.subquery())).one()
        query = query.order_by(*order_by)
        query = query.offset((self.page - 1) * PER_PAGE).limit(PER_PAGE) if paged else query.limit(MAX_EXPORT)
        return list(db.exec(query).all()), total

    def window(self, rows: list) -> list:
        """The rows of this page, from all the rows that match."""
        return rows[(self.page - 1) * PER_PAGE:self.page * PER_PAGE]
