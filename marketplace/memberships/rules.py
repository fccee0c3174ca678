"""Membership fees (pure: no Flask, no DB): a cluster's fee grid by category, headcount or turnover, and the fee.

A grid holds bands per category (classic by headcount, companies by turnover, discovery, partner,
premium...); bands of one category never overlap. The fee is that of the band of the requested category
covering the buyer's size on the band's basis (headcount, or yearly turnover in euros); without that size
only a flat band (0 to no limit) fits. The size is the organization's when the buyer has one, else the one
declared when joining. Discovery is taken once per cluster (one year at most); the partner category is for
service providers. A fee has no member, partner or early-bird reduction, and is outside VAT unless its tier
buys a specific service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core.errors import PricingError
from ..core.kinds import Unit

TIER_CATEGORIES = ("classic", "discovery", "partner", "premium", "basic", "sector", "individual")
# Printed on the invoice of a fee without an individual counterpart (DOMAIN.md, tax notes).
OUT_OF_SCOPE = "Cotisation hors champ de la TVA (sans contrepartie individuelle)"
MEMBERSHIP_STATUSES = ("pending", "active", "expired", "lapsed", "excluded")
BASES = ("headcount", "turnover")


@dataclass(frozen=True)
class FeeBand:
    """One row of a membership fee grid: category, headcount band (max None = unbounded), fee."""

    tier_code: str
    category: str
    min_headcount: int
    max_headcount: int | None
    fee_cents: int
    label: str
    basis: str = "headcount"
    min_turnover_euros: int = 0
    max_turnover_euros: int | None = None
    vat_rate_bps: int | None = None  # None: outside VAT

    def __post_init__(self) -> None:
        _require(self.category in TIER_CATEGORIES, f"unknown category {self.category!r}")
        _require(self.basis in BASES, f"unknown basis {self.basis!r}")
        for low, high in ((self.min_headcount, self.max_headcount), (self.min_turnover_euros, self.max_turnover_euros)):
            _require(low >= 0 and (high is None or high >= low), "a band needs 0 <= min <= max")
        _require(self.fee_cents >= 0, "fee must be >= 0")

    @property
    def bounds(self) -> tuple[int, int | None]:
        """The band on its basis: (min, max), max None for no upper bound."""
        if self.basis == "turnover":
            return self.min_turnover_euros, self.max_turnover_euros
        return self.min_headcount, self.max_headcount

    @property
    def flat(self) -> bool:
        """A band every size fits (discovery, partner, individual)."""
        return self.bounds == (0, None)

    def covers(self, size: int) -> bool:
        """True when min <= size <= max on the band's basis."""
        low, high = self.bounds
        return low <= size and (high is None or size <= high)


@dataclass(frozen=True)
class FeeGrid:
    """A cluster's fee grid, as the pricing engine reads it for a membership offer."""

    bands: tuple[FeeBand, ...] = ()

    def __post_init__(self) -> None:
        for category in {b.category for b in self.bands}:
            ordered = sorted((b for b in self.bands if b.category == category), key=lambda b: b.bounds[0])
            for lower, upper in zip(ordered, ordered[1:], strict=False):
                _require(lower.basis == upper.basis, f"{category} bands mix headcount and turnover")
                _require(lower.bounds[1] is not None and lower.bounds[1] < upper.bounds[0],
                         f"overlapping {category} bands {lower.tier_code} and {upper.tier_code}")

    def basis_of(self, category: str) -> str | None:
        """What the category's bands measure (None when its only band is flat, or it has none)."""
        return next((b.basis for b in self.bands if b.category == category and not b.flat), None)


def fee_unit(terms, options: Mapping[str, Any], buyer, at: datetime, quantity: int = 1) -> Unit:
    """The yearly fee from the band of the requested category covering the buyer's headcount."""
    if quantity != 1:
        raise PricingError("bad_quantity", "Une adhésion s'achète une fois par an.",
                           "A membership is bought once a year.", "quantity")
    category = str(options.get("category", options.get("tier", "classic")))
    year = membership_year(options, at)
    _check_category_allowed(terms, buyer, category, options, year)
    grid = terms.kind_terms or FeeGrid()
    band = band_for(grid, category, buyer, options)
    return Unit(f"{terms.title} {year} — {band.label}", band.fee_cents, discounts=False, own_vat=True,
                vat_rate_bps=band.vat_rate_bps, vat_mention=None if band.vat_rate_bps is not None else OUT_OF_SCOPE)


def membership_year(options: Mapping[str, Any], at: datetime) -> int:
    """The year a fee is for: this year by default, or next year (a renewal paid ahead)."""
    year = options.get("year", at.year)
    if not isinstance(year, int) or isinstance(year, bool) or year not in (at.year, at.year + 1):
        raise PricingError("bad_year", f"On adhère pour {at.year} ou {at.year + 1}.",
                           f"Memberships are for {at.year} or {at.year + 1}.", "year")
    return year


def band_for(grid: FeeGrid, category: str, buyer, options: Mapping[str, Any]) -> FeeBand:
    """The band a buyer's fee comes from (the tier its membership is recorded in)."""
    return _fee_band(grid, category, grid.basis_of(category), _size(buyer, options, grid.basis_of(category)))


def _size(buyer, options: Mapping[str, Any], basis: str | None) -> int | None:
    """The organization's headcount or turnover when it has one (what it declares then does not count);
    else the size declared when joining."""
    if basis is None:
        return None
    if buyer.organization_id is not None:
        known = buyer.turnover_euros if basis == "turnover" else buyer.headcount
        if known is not None:
            return known
    value = options.get("turnover" if basis == "turnover" else "headcount")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _check_category_allowed(terms, buyer, category: str, options: Mapping[str, Any], year: int) -> None:
    """Discovery at most once per cluster; the partner category is for service providers only."""
    if category == "discovery" and had_discovery(buyer, terms.cluster_id, year):
        raise PricingError("tier_not_allowed",
                           f"L'adhésion découverte {terms.cluster_name} ne dure qu'un an : choisissez une "
                           "autre formule.",
                           f"The {terms.cluster_name} discovery membership lasts one year only: choose "
                           "another category.", "category")
    kind = buyer.kind if buyer.organization_id is not None else options.get("kind")
    if category == "partner" and kind != "service_provider":
        raise PricingError("tier_not_allowed", "L'adhésion partenaire est réservée aux prestataires.",
                           "The partner membership is for service providers only.", "category")
    if category == "individual" and kind != "individual":
        raise PricingError("tier_not_allowed", "L'adhésion individuelle est réservée aux personnes physiques.",
                           "The individual membership is for individuals only.", "category")


def had_discovery(buyer, cluster_id: int, year: int) -> bool:
    """True if the buyer already used its discovery year with this cluster."""
    return cluster_id in buyer.had_discovery_before or any(
        m.cluster_id == cluster_id and m.category == "discovery" and m.year < year
        and m.status in ("active", "expired") for m in buyer.memberships)


def _fee_band(grid: FeeGrid, category: str, basis: str | None, size: int | None) -> FeeBand:
    """The band of `category` covering `size`; without a size only a flat band (0..∞) fits."""
    for band in grid.bands:
        fits = band.covers(size) if size is not None else band.flat
        if band.category == category and fits:
            return band
    raise PricingError("no_band", *_no_band_messages(category, basis, size), "turnover" if basis == "turnover"
                       else "headcount" if basis else "category")


def _no_band_messages(category: str, basis: str | None, size: int | None) -> tuple[str, str]:
    if basis is None:
        return (f"Aucune cotisation « {category} » dans la grille de ce cluster.",
                f"No “{category}” membership fee in this cluster's grid.")
    if size is None:
        what_fr, what_en = ("le chiffre d'affaires", "the turnover") if basis == "turnover" else (
            "l'effectif", "the headcount")
        return (f"Indiquez {what_fr} de l'organisation pour connaître sa cotisation.",
                f"Give {what_en} of the organization to know its fee.")
    size_fr = f"un chiffre d'affaires de {size} €" if basis == "turnover" else f"un effectif de {size}"
    size_en = f"a turnover of €{size}" if basis == "turnover" else f"a headcount of {size}"
    return (f"Aucune cotisation « {category} » pour {size_fr}.", f"No “{category}” membership fee for {size_en}.")


def bands_of(tiers: Sequence, lang: str = "fr") -> FeeGrid:
    """The grid of a cluster's tiers (rows with code, category, band, fee, names and VAT)."""
    return FeeGrid(tuple(FeeBand(t.code, t.category, t.min_headcount, t.max_headcount, t.fee_cents,
                                 t.name_en if lang == "en" else t.name_fr, t.basis, t.min_turnover_euros,
                                 t.max_turnover_euros, t.vat_rate_bps) for t in tiers))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)
