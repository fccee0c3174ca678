"""Domain errors raised by services; one handler turns them into HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a message for the user and the HTTP status that fits it."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, sold out, wrong status)."""

    status = 409


class Invalid(DomainError):
    """The input breaks a rule of the domain."""

    status = 422


# The stable codes of PricingError, which API clients may test.
PRICING_ERROR_CODES = frozenset({
    "members_only", "on_quote", "no_rate", "unknown_variant", "tier_not_allowed", "bad_quantity", "no_band",
    "missing_option", "past", "taken", "sold_out", "already_member", "bad_year", "siret_required", "sales_closed", "closed",
})


class PricingError(Invalid):
    """An offer cannot be sold so: a stable code, French and English messages, the field at fault."""

    def __init__(self, code: str, message_fr: str, message_en: str, field: str | None = None):
        if code not in PRICING_ERROR_CODES:
            raise ValueError(f"unknown pricing error code {code!r}")
        super().__init__(message_fr, field=field)
        self.code = code
        self.message_fr = message_fr
        self.message_en = message_en

    def message_in(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr


def missing_option(field_name: str, message_fr: str, message_en: str) -> PricingError:
    """A quote option that is missing or cannot be read."""
    return PricingError("missing_option", message_fr, message_en, field_name)
