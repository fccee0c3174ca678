"""Memberships: fee grids, members of each cluster each year, and the membership kind of offer.

models.py   MembershipTier (a row of a fee grid), Membership (an organization, a cluster, a year)
rules.py    fee bands and the fee due (pure)
services.py enrolling members, statuses, fee grids, who is a member where
kind.py     the "membership" kind of offer, registered in core.kinds
console.py  the console's members and fee grid pages; views.py the member's own organization page
"""

from ..core.members import register_directory
from . import kind as _kind  # noqa: F401  (declares the membership kind)
from .services import Directory

register_directory(Directory())  # the layers below ask who is a member through core.members
