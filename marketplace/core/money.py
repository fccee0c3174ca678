"""Money arithmetic on integer cents and basis points (2000 bps = 20 %): no floats anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

BPS_SCALE = 10_000
NBSP = "\u00a0"  # before € (French typography, as CLDR)
NNBSP = "\u202f"  # thousands separator and before % (French typography, as CLDR)
MINUS = "\u2212"

# The most one order (or one line of it) may total, incl. VAT: 10 000 000 €. Above it a buyer asks for a
# quote; below it no sum of lines can overflow an integer column (2³¹ − 1 cents).
MAX_ORDER_CENTS = 1_000_000_000
TOO_LARGE_FR = ("Montant trop élevé pour une commande en ligne (10 000 000 € au plus) : demandez un devis à "
                "l'équipe du cluster.")
TOO_LARGE_EN = "Too large an amount for an online order (10,000,000 € at most): ask the cluster's team for a quote."


def euros_to_cents(value: Decimal) -> int:
    """Euros with at most two decimals (as read from a form) in cents, exactly: Decimal("12.5") -> 1250."""
    return int((Decimal(value) * 100).to_integral_value())


def percent_to_bps(value: Decimal) -> int:
    """A percentage with at most two decimals in basis points, exactly: Decimal("12.5") -> 1250."""
    return int((Decimal(value) * 100).to_integral_value())


def round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, so round_div(-n, d) == -round_div(n, d)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def vat_cents(excl_cents: int, rate_bps: int) -> int:
    """VAT on an amount excl. VAT, rounded half-up once (half away from zero for credit notes)."""
    if rate_bps < 0:
        raise ValueError("a VAT rate cannot be negative")
    return round_div(excl_cents * rate_bps, BPS_SCALE)


def split_inclusive(incl_cents: int, rate_bps: int) -> tuple[int, int]:
    """Split a VAT-included amount into (excl, vat) with excl rounded half-up and excl + vat == incl."""
    if rate_bps < 0:
        raise ValueError("a VAT rate cannot be negative")
    excl = round_div(incl_cents * BPS_SCALE, BPS_SCALE + rate_bps)
    return excl, incl_cents - excl


def apply_bps(amount_cents: int, bps: int) -> int:
    """amount × bps / 10 000 rounded half-up (half away from zero, symmetric for negatives)."""
    return round_div(amount_cents * bps, BPS_SCALE)


def allocate(amount_cents: int, weights: Sequence[int]) -> list[int]:
    """Largest-remainder split: parts sum to amount exactly, each within one cent of its share."""
    if any(weight < 0 for weight in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    if amount_cents < 0:
        return [-part for part in allocate(-amount_cents, weights)]
    total = sum(weights)
    floors_and_remainders = [divmod(amount_cents * weight, total) for weight in weights]
    parts = [floor for floor, _ in floors_and_remainders]
    missing = amount_cents - sum(parts)
    # Earlier index first among equal remainders: the tie-break is deterministic.
    by_remainder = sorted(range(len(weights)), key=lambda i: (-floors_and_remainders[i][1], i))
    for index in by_remainder[:missing]:
        parts[index] += 1
    return parts


def format_eur_fr(cents: int) -> str:
    """'1 234,56 €' (narrow no-break space between thousands, no-break space before €), for texts
    written outside a request's locale: emails, invoices, pricing explanations."""
    sign = MINUS if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", NNBSP) + f",{rest:02d}{NBSP}€"


def format_eur_en(cents: int) -> str:
    """'€1,234.56': the English counterpart of format_eur_fr."""
    sign = MINUS if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}€{euros:,}.{rest:02d}"


def format_hundredths(value: int, decimal_mark: str = ",") -> str:
    """Hundredths (bps as a percentage, hours, days) without trailing zeros: 3000 -> '30', 1550 -> '15,5'."""
    whole, rest = divmod(value, 100)
    return str(whole) if rest == 0 else f"{whole}{decimal_mark}{f'{rest:02d}'.rstrip('0')}"


def decimal_comma(cents: int) -> str:
    """-123456 -> '-1234,56': an amount as French accounting files and spreadsheets read it."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"
