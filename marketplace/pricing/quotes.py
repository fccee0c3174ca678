"""What the pricing engine answers: priced lines with the reasons of their price, in French and English."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.money import (
    MINUS,
    NNBSP,
    format_eur_en,
    format_eur_fr,
    format_hundredths,
    split_inclusive,
    vat_cents,
)
from .terms import require as _require


@dataclass(frozen=True)
class Adjustment:
    """Why a line's price differs from the list: amount_cents < 0 is a reduction on the whole line."""

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    amount_cents: int = 0

    @property
    def label_fr(self) -> str:
        """The sentence a French-speaking buyer reads."""
        return _LABELS[self.code][0](self.params)

    @property
    def label_en(self) -> str:
        """The sentence an English-speaking buyer reads."""
        return _LABELS[self.code][1](self.params)


@dataclass(frozen=True)
class QuoteLine:
    """One priced line; unit prices in the offer's basis, and excl + vat == incl always."""

    description: str
    quantity: int
    unit_list_cents: int
    unit_price_cents: int
    excl_cents: int
    vat_rate_bps: int | None
    vat_cents: int
    incl_cents: int
    units: int
    real_value_cents: int
    adjustments: tuple[Adjustment, ...] = ()
    prices_include_vat: bool = False
    vat_exempt_mention: str | None = None

    def __post_init__(self) -> None:
        _require(self.excl_cents + self.vat_cents == self.incl_cents, "excl + vat must equal incl")


@dataclass(frozen=True)
class Quote:
    """Priced lines whose totals are exactly the sums of the lines."""

    lines: tuple[QuoteLine, ...]
    total_excl_cents: int
    total_vat_cents: int
    total_incl_cents: int

    def __post_init__(self) -> None:
        _require(self.total_excl_cents == sum(line.excl_cents for line in self.lines), "excl total != lines")
        _require(self.total_vat_cents == sum(line.vat_cents for line in self.lines), "VAT total != lines")
        _require(self.total_incl_cents == sum(line.incl_cents for line in self.lines), "incl total != lines")

    @classmethod
    def of(cls, lines: Sequence[QuoteLine]) -> Quote:
        """A quote whose totals are the sums of `lines`."""
        return cls(tuple(lines), sum(line.excl_cents for line in lines),
                   sum(line.vat_cents for line in lines), sum(line.incl_cents for line in lines))


def line_amounts(total_cents: int, rate_bps: int | None, include_vat: bool) -> tuple[int, int, int]:
    """(excl, vat, incl) of a line total given excl. or incl. VAT; excl + vat == incl; None rate = no VAT."""
    if rate_bps is None:
        return total_cents, 0, total_cents
    if include_vat:
        excl, vat = split_inclusive(total_cents, rate_bps)
        return excl, vat, total_cents
    vat = vat_cents(total_cents, rate_bps)
    return total_cents, vat, total_cents + vat


# Labels and the tiny euro formatter (Babel formats money in the web layer; labels are built here)


def _off_fr(bps: int | None) -> str:
    return "" if bps is None else f" {MINUS}{format_hundredths(bps, ',')}{NNBSP}%"


def _off_en(bps: int | None) -> str:
    return "" if bps is None else f" {MINUS}{format_hundredths(bps, '.')}%"


def _partner_fr(p: dict[str, Any]) -> str:
    if p["at_member_price"]:
        return (f"Tarif partenaire (adhérent {p['partner_cluster']}), "
                f"aligné sur le tarif adhérent {p['cluster']}")
    return f"Tarif partenaire (adhérent {p['partner_cluster']}){_off_fr(p['discount_bps'])}"


def _partner_en(p: dict[str, Any]) -> str:
    if p["at_member_price"]:
        return f"Partner rate ({p['partner_cluster']} member), same as the {p['cluster']} member rate"
    return f"Partner rate ({p['partner_cluster']} member){_off_en(p['discount_bps'])}"


def _included_fr(p: dict[str, Any]) -> str:
    basis = "TTC" if p["vat_included"] else "HT"
    return f"Valeur {format_eur_fr(p['value_cents'])} {basis}, incluse dans votre adhésion {p['tier']}"


def _included_en(p: dict[str, Any]) -> str:
    basis = "incl. VAT" if p["vat_included"] else "excl. VAT"
    return f"Worth {format_eur_en(p['value_cents'])} {basis}, included in your {p['tier']} membership"


_LABELS = {
    "member_price": (lambda p: f"Tarif adhérent {p['cluster']}", lambda p: f"{p['cluster']} member rate"),
    "member_discount": (lambda p: f"Tarif adhérent {p['cluster']}{_off_fr(p['discount_bps'])}",
                        lambda p: f"{p['cluster']} member rate{_off_en(p['discount_bps'])}"),
    "partner_reciprocity": (_partner_fr, _partner_en),
    "included_in_tier": (_included_fr, _included_en),
    "early_bird": (lambda p: f"Tarif inscription anticipée{_off_fr(p['discount_bps'])}",
                   lambda p: f"Early-bird rate{_off_en(p['discount_bps'])}"),
}
