"""Who is a member of which cluster, as the catalogue, pricing and checkout ask it.

The memberships package owns memberships (and sits above checkout: joining and renewing raise orders);
the layers below it reach memberships only through this directory, which it registers when imported,
the same way offer kinds are reached through core.kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class MembershipFact:
    """An organization's membership of one cluster for one year, as prices and visibility read it.

    `status` is the effective one: a renewal still in its grace period counts as active.
    """

    cluster_id: int
    cluster_name: str
    year: int
    tier_code: str
    category: str
    status: str
    tier_name: str = ""

    @property
    def tier_label(self) -> str:
        """The tier's display name, falling back on its code."""
        return self.tier_name or self.tier_code.capitalize()


@dataclass(frozen=True)
class OrganizationFacts:
    """What prices read of an organization besides its memberships."""

    kind: str
    headcount: int | None
    turnover_euros: int | None


class MemberDirectory(Protocol):
    def memberships_of(self, db, organization_id: int) -> list[MembershipFact]: ...

    def organization_with_memberships(self, db, organization_id: int
                                      ) -> tuple[OrganizationFacts, list[MembershipFact]] | None: ...

    def tier_codes(self, db, cluster_id: int) -> list[str]: ...


_directory: list[MemberDirectory] = []


def register_directory(directory: MemberDirectory) -> None:
    _directory[:] = [directory]


def members() -> MemberDirectory:
    return _directory[0]


def active_cluster_ids(db, organization_id: int | None, year: int) -> frozenset[int]:
    """The clusters an organization is an active member of for `year` (none for a visitor)."""
    if organization_id is None:
        return frozenset()
    return frozenset(fact.cluster_id for fact in members().memberships_of(db, organization_id)
                     if fact.year == year and fact.status == "active")
