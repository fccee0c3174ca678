"""Form validators for French identifiers (SIRET, VAT number), bank accounts (IBAN, BIC) and web addresses."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret
from wtforms import ValidationError

from ..core.text import has_control_characters


def clean_siret(value: str) -> str:
    """The 14-digit SIRET without spaces; raises ValueError if the checksum fails."""
    try:
        return siret.validate(value)
    except StdnumError as exc:
        raise ValueError(str(exc)) from exc


def clean_vat_number(value: str) -> str:
    try:
        return vat.validate(value)
    except StdnumError as exc:
        raise ValueError(str(exc)) from exc


def clean_iban(value: str) -> str:
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValueError(str(exc)) from exc


def clean_bic(value: str) -> str:
    try:
        return str(BIC(value))
    except SchwiftyException as exc:
        raise ValueError(str(exc)) from exc


def clean_http_url(value: str) -> str:
    """A web address with an http or https scheme and a host name; raises ValueError otherwise.

    Other schemes (javascript:, data:) would run or show anything once the address is a link.
    """
    if has_control_characters(value):
        raise ValueError("control character in a web address")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) address")
    return value


def _field_validator(clean, message):
    def validate(form, field):
        if field.data:
            try:
                field.data = clean(field.data)
            except ValueError as exc:
                raise ValidationError(str(message)) from exc

    return validate


Siret = _field_validator(clean_siret, _l("SIRET invalide : 14 chiffres dont la clé de contrôle doit être juste."))
VatNumber = _field_validator(clean_vat_number, _l("Numéro de TVA intracommunautaire invalide (ex. FR40303265045)."))
Iban = _field_validator(clean_iban, _l("IBAN invalide : vérifiez le code pays, la longueur et la clé."))
Bic = _field_validator(clean_bic, _l("BIC invalide (8 ou 11 caractères, ex. BNPAFRPP)."))
HttpUrl = _field_validator(clean_http_url, _l("Adresse web invalide : elle doit commencer par http:// ou https://."))


def strip(value):
    """Form filter: surrounding spaces, as pasted from an email or a spreadsheet, are dropped."""
    return value.strip() if isinstance(value, str) else value
