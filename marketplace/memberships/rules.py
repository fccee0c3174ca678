"""Membership fees (pure: no Flask, no DB): a cluster's fee grid by category and headcount, and the fee due.

A grid holds bands per category (classic by headcount, discovery, partner, premium...); bands of one
category never overlap. The fee is that of the band of the requested category covering the buyer's
headcount; without a headcount only a flat band (0 to no limit) fits. Discovery is taken once per
cluster (one year at most); the partner category is for service providers. A fee has no member,
partner or early-bird reduction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core.errors import PricingError
from ..core.kinds import Unit

TIER_CATEGORIES = ("classic", "discovery", "partner", "premium", "basic", "sector")
MEMBERSHIP_STATUSES = ("pending", "active", "expired", "excluded")


@dataclass(frozen=True)
class FeeBand:
    """One row of a membership fee grid: category, headcount band (max None = unbounded), fee."""

    tier_code: str
    category: str
    min_headcount: int
    max_headcount: int | None
    fee_cents: int
    label: str

    def __post_init__(self) -> None:
        _require(self.category in TIER_CATEGORIES, f"unknown category {self.category!r}")
        _require(self.min_headcount >= 0, "min headcount must be >= 0")
        _require(self.max_headcount is None or self.max_headcount >= self.min_headcount,
                 "max headcount must be >= min headcount")
        _require(self.fee_cents >= 0, "fee must be >= 0")

    def covers(self, headcount: int) -> bool:
        """True when min <= headcount <= max (max None = no upper bound)."""
        above_min = self.min_headcount <= headcount
        return above_min and (self.max_headcount is None or headcount <= self.max_headcount)


@dataclass(frozen=True)
class FeeGrid:
    """A cluster's fee grid, as the pricing engine reads it for a membership offer."""

    bands: tuple[FeeBand, ...] = ()

    def __post_init__(self) -> None:
        for category in {b.category for b in self.bands}:
            ordered = sorted((b for b in self.bands if b.category == category), key=lambda b: b.min_headcount)
            for lower, upper in zip(ordered, ordered[1:], strict=False):
                _require(lower.max_headcount is not None and lower.max_headcount < upper.min_headcount,
                         f"overlapping {category} bands {lower.tier_code} and {upper.tier_code}")


def fee_unit(terms, options: Mapping[str, Any], buyer, at: datetime, quantity: int = 1) -> Unit:
    """The yearly fee from the band of the requested category covering the buyer's headcount."""
    if quantity != 1:
        raise PricingError("bad_quantity", "Une adhésion s'achète une fois par an.",
                           "A membership is bought once a year.", "quantity")
    category = str(options.get("category", options.get("tier", "classic")))
    _check_category_allowed(terms, buyer, category, at.year)
    band = _fee_band(terms.kind_terms or FeeGrid(), category, buyer.headcount)
    return Unit(f"{terms.title} — {band.label}", band.fee_cents, discounts=False)


def _check_category_allowed(terms, buyer, category: str, year: int) -> None:
    """Discovery at most once per cluster; the partner category is for service providers only."""
    if category == "discovery" and had_discovery(buyer, terms.cluster_id, year):
        raise PricingError("tier_not_allowed",
                           f"L'adhésion découverte {terms.cluster_name} ne dure qu'un an : choisissez une "
                           "autre formule.",
                           f"The {terms.cluster_name} discovery membership lasts one year only: choose "
                           "another category.", "category")
    if category == "partner" and buyer.kind != "service_provider":
        raise PricingError("tier_not_allowed", "L'adhésion partenaire est réservée aux prestataires.",
                           "The partner membership is for service providers only.", "category")


def had_discovery(buyer, cluster_id: int, year: int) -> bool:
    """True if the buyer already used its discovery year with this cluster."""
    return cluster_id in buyer.had_discovery_before or any(
        m.cluster_id == cluster_id and m.category == "discovery" and m.year < year
        and m.status in ("active", "expired") for m in buyer.memberships)


def _fee_band(grid: FeeGrid, category: str, headcount: int | None) -> FeeBand:
    """The band of `category` covering `headcount`; without a headcount only a flat band (0..∞) fits."""
    for band in grid.bands:
        fits = band.covers(headcount) if headcount is not None else (
            band.min_headcount == 0 and band.max_headcount is None)
        if band.category == category and fits:
            return band
    size_fr = f"un effectif de {headcount}" if headcount is not None else "un effectif non renseigné"
    size_en = f"a headcount of {headcount}" if headcount is not None else "an unknown headcount"
    raise PricingError("no_band", f"Aucune cotisation « {category} » pour {size_fr}.",
                       f"No “{category}” membership fee for {size_en}.", "category")


def bands_of(tiers: Sequence, lang: str = "fr") -> FeeGrid:
    """The grid of a cluster's tiers (rows with code, category, headcount band, fee and names)."""
    return FeeGrid(tuple(FeeBand(t.code, t.category, t.min_headcount, t.max_headcount, t.fee_cents,
                                 t.name_en if lang == "en" else t.name_fr) for t in tiers))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)
