"""The seed's arithmetic of self-financing (pure): totals by group, gross and net ratios, the alarms ("points de
vigilance"), a budget's balance, and whether a published ratio agrees with the figures.

Ratios are kept in tenths of a percent (per mille, 498 = 49,8 %), rounded half away from zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..core.money import round_div
from .origins import BY_CODE, EXPENSE, IN_KIND, PRIVATE, PUBLIC

TARGET = 500  # the 50 % self-financing (and 50/50 public/private) target
# The seed publishes ratios rounded to 5 points (49,8 % is "50 %", 44,8 % is "45 %"): a published figure
# agrees with the budget when it is within half of that.
TOLERANCE = 25


@dataclass(frozen=True)
class Alarm:
    code: str
    threshold: int  # per mille
    above: bool  # the alarm rings above the threshold (else below)
    title: object
    question: object  # the seed's words
    words: str  # frozen French, for the report


ALARMS = (
    Alarm("fees", 150, False, _l("Cotisations sous %(share)s du budget", share="15\u202f%"), _l("Quelle conscience collective ?"),
          "Cotisations sous 15 % du budget : quelle conscience collective ?"),
    Alarm("company_time", 150, True, _l("Temps des entreprises valorisé au-delà de %(share)s du budget",
                                     share="15\u202f%"),
          _l("Est-ce raisonnable ?"), "Temps des entreprises valorisé au-delà de 15 % du budget : est-ce raisonnable ?"),
    Alarm("sales", 200, False, _l("Ventes facturées sous %(share)s du budget", share="20\u202f%"), _l("Quelle valeur ajoutée ?"),
          "Ventes facturées sous 20 % du budget : quelle valeur ajoutée ?"),
)


def per_mille(part: int, whole: int) -> int | None:
    return round_div(part * 1000, whole) if whole > 0 else None


@dataclass(frozen=True)
class Figures:
    """One scenario of a budget (forecast or actual): cents by origin code."""

    amounts: Mapping[str, int]

    def group(self, group: str) -> int:
        return sum(cents for code, cents in self.amounts.items() if BY_CODE[code].group == group)

    @property
    def public(self) -> int:
        return self.group(PUBLIC)

    @property
    def private(self) -> int:
        return self.group(PRIVATE)

    @property
    def in_kind(self) -> int:
        return self.group(IN_KIND)

    @property
    def resources(self) -> int:
        return self.public + self.private + self.in_kind

    @property
    def expenses(self) -> int:
        return self.group(EXPENSE)

    @property
    def sales(self) -> int:
        return sum(cents for code, cents in self.amounts.items() if BY_CODE[code].sales)

    @property
    def is_empty(self) -> bool:
        return not any(self.amounts.values())

    @property
    def gross_ratio(self) -> int | None:
        """Private resources and valued time over all resources (Neopolia's "50 % brut")."""
        return per_mille(self.private + self.in_kind, self.resources)

    @property
    def net_ratio(self) -> int | None:
        """Private resources over the resources paid in money (valued time left out of both)."""
        return per_mille(self.private, self.public + self.private)

    @property
    def public_share(self) -> int | None:
        return per_mille(self.public, self.resources)

    @property
    def balance_cents(self) -> int:
        """Resources minus expenses: 0 for a budget that adds up."""
        return self.resources - self.expenses

    @property
    def balances(self) -> bool:
        return self.balance_cents == 0

    def share(self, code: str) -> int | None:
        return per_mille(self.amounts.get(code, 0), self.resources)

    def alarms(self) -> list[tuple[Alarm, int]]:
        """The seed's alarms that ring, each with the share that rings it."""
        if self.resources <= 0:
            return []
        shares = {"fees": self.share("membership_fees"), "company_time": self.share("company_time"),
                  "sales": per_mille(self.sales, self.resources)}
        return [(alarm, shares[alarm.code]) for alarm in ALARMS
                if (shares[alarm.code] > alarm.threshold if alarm.above else shares[alarm.code] < alarm.threshold)]


def reconciles(declared: int | None, computed: int | None) -> bool | None:
    """Whether a published ratio agrees with the one the figures give (None: nothing to compare)."""
    if declared is None or computed is None:
        return None
    return abs(declared - computed) <= TOLERANCE


def break_even(cost_cents: int, subsidy_cents: int, price_cents: int | None) -> int | None:
    """Participants needed for an action to pay for itself at one price for every member (PLAB): what the
    subsidy leaves, divided by the price, rounded up. None without a price."""
    if not price_cents or price_cents <= 0:
        return None
    left = max(cost_cents - subsidy_cents, 0)
    return -(-left // price_cents)
