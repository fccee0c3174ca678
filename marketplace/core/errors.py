"""Domain errors raised by services; one handler turns them into HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a message for the user, the HTTP status that fits it and a stable code for programs."""

    status = 400
    default_code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code

    def message_in(self, lang: str) -> str:
        """The message in `lang`; a domain error speaks the language it was raised in."""
        return self.message


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, sold out, wrong status)."""

    status = 409
    default_code = "conflict"


class Invalid(DomainError):
    """The input breaks a rule of the domain."""

    status = 422
    default_code = "invalid"


class Unavailable(DomainError):
    """A service the request needs (the card payment provider) cannot be reached or refused: nothing was done,
    the same request may be sent again."""

    status = 503
    default_code = "payment_provider_unavailable"


class ProviderRefused(DomainError):
    """The card payment provider refused the operation: nothing was done."""

    status = 502
    default_code = "payment_provider_refused"


# The stable codes of PricingError, which API clients may test.
PRICING_ERROR_CODES = frozenset({
    "members_only", "on_quote", "no_rate", "unknown_variant", "tier_not_allowed", "bad_quantity", "no_band",
    "missing_option", "past", "taken", "sold_out", "already_member", "bad_year", "siret_required", "sales_closed", "closed", "too_far", "too_large",
})


class PricingError(Invalid):
    """An offer cannot be sold so: a stable code, French and English messages, the field at fault."""

    def __init__(self, code: str, message_fr: str, message_en: str, field: str | None = None):
        if code not in PRICING_ERROR_CODES:
            raise ValueError(f"unknown pricing error code {code!r}")
        super().__init__(message_fr, field=field, code=code)
        self.message_fr = message_fr
        self.message_en = message_en

    def message_in(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr


def missing_option(field_name: str, message_fr: str, message_en: str) -> PricingError:
    """A quote option that is missing or cannot be read."""
    return PricingError("missing_option", message_fr, message_en, field_name)
