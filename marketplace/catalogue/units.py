"""What one unit of a plain offer is: the offer itself, or the variant (pack) the buyer chose (pure code)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import PricingError, missing_option
from ..core.kinds import Unit


def offer_unit(terms, options: Mapping[str, Any], buyer=None, at=None, quantity: int = 1) -> Unit:
    """The offer at its own price, or the variant named in options["variant"] (required when variants exist)."""
    code = options.get("variant")
    if not terms.variants and code is None:
        return Unit(terms.title, terms.list_price_cents, terms.member_price_cents, 1, is_base_price=True)
    choices = ", ".join(v.code for v in terms.variants) or "—"
    if code is None:
        raise missing_option("variant", f"Choisissez une formule ({choices}).", f"Choose an option ({choices}).")
    variant = next((v for v in terms.variants if v.code == code), None)
    if variant is None:
        raise PricingError("unknown_variant", f"Formule inconnue « {code} » (choix : {choices}).",
                           f"Unknown option “{code}” (choices: {choices}).", "variant")
    return Unit(f"{terms.title} — {variant.label}", variant.list_price_cents, variant.member_price_cents,
                variant.units)
