"""Form fields that read what staff type (amounts, percentages, hours, Paris times) into the model's units,
and the one way a console form is submitted: validate, call the service, commit or show the refusal."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, DecimalField, ValidationError
from wtforms.validators import InputRequired, Optional

from ..core.errors import DomainError
from ..core.money import euros_to_cents, percent_to_bps
from ..db import get_db

PARIS = ZoneInfo("Europe/Paris")  # staff type French wall-clock times; the database keeps UTC
MAX_EUROS = Decimal(1_000_000)


class AmountField(DecimalField):
    """A number typed the French or the English way ("1 250,50" or "1250.50"), two decimals at most."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, places=2, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = re.sub(r"[\s\u00a0\u202f]", "", valuelist[0]).replace(",", ".")
        try:
            value = Decimal(text)
            if not value.is_finite() or abs(value) > 10**12 or value != value.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation as exc:
            self.data = None
            raise ValueError(str(_l("Nombre invalide : deux décimales au plus (ex. 1250,50)."))) from exc
        self.data = value

    keep_cents = False  # money shows its cents (1250,00); a percentage or a quantity only what it has (12,5)

    def _value(self) -> str:
        """The number as staff typed it, else written the interface's way: a decimal comma in French."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = f"{Decimal(self.data).quantize(Decimal('0.01')):f}"
        if not self.keep_cents:
            text = text.rstrip("0").rstrip(".")
        return text if str(get_locale() or "fr").startswith("en") else text.replace(".", ",")


class MoneyField(AmountField):
    """Euros typed by staff; `cents` is the amount in the model's unit (None when empty)."""

    keep_cents = True

    @property
    def cents(self) -> int | None:
        return None if self.data is None else euros_to_cents(self.data)


class PercentField(AmountField):
    """A percentage typed by staff ("12,5"); `bps` is it in basis points (None when empty)."""

    @property
    def bps(self) -> int | None:
        return None if self.data is None else percent_to_bps(self.data)


class HundredthsField(AmountField):
    """A quantity in hours or days ("2,5"); `hundredths` is it in hundredths of the unit (None when empty)."""

    @property
    def hundredths(self) -> int | None:
        return None if self.data is None else euros_to_cents(self.data)  # the same ×100, exact


class ParisDateTimeField(DateTimeLocalField):
    """A `datetime-local` input read and shown as Paris wall-clock time; `data` is an aware UTC moment."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Date et heure invalides (JJ/MM/AAAA HH:MM)."))) from exc
        local = self.data.replace(tzinfo=PARIS)
        moment = local.astimezone(UTC)
        if moment.astimezone(PARIS).replace(tzinfo=None) != self.data:
            self.data = None  # 02:30 on the night clocks go forward does not exist in Paris
            raise ValueError(str(_l("Cette heure n'existe pas à Paris (passage à l'heure d'été).")))
        self.data = moment

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            value = self.data.astimezone(PARIS) if self.data.tzinfo else self.data
            return value.strftime("%Y-%m-%dT%H:%M")
        return ""


def between(low, high, message, *, low_inclusive=True, high_inclusive=True):
    """Range validator that stays silent when the value could not be read (its parse error says enough)."""

    def validate(form, field):
        if field.data is None:
            return
        above = field.data >= low if low_inclusive else field.data > low
        below = field.data <= high if high_inclusive else field.data < high
        if not (above and below):
            raise ValidationError(message)

    return validate


def money_field(label, required: bool = False, message=None) -> MoneyField:
    """Euros from 0 to 1 000 000, required (with `message` when missing) or not."""
    presence = InputRequired(message=message) if required else Optional()
    return MoneyField(label, validators=[
        presence, between(0, MAX_EUROS, _l("Montant positif ou nul (1 000 000 € au plus)."))])


def split_list(text: str | None) -> list[str]:
    """"Salon, Numérique ,,salon" -> ["salon", "numérique"]: trimmed, lowercased, blanks and repeats dropped."""
    seen: list[str] = []
    for item in (text or "").split(","):
        item = item.strip().lower()
        if item and item not in seen:
            seen.append(item)
    return seen


def optional_int(value) -> int | None:
    """Select coercion where the empty option means "none"."""
    return None if value in (None, "", "None") else int(value)


def form_values(form, cls):
    """An instance of the dataclass `cls` from the form's fields of the same names.

    Text is stripped; blank text becomes None where `cls` allows None, "" elsewhere.
    """
    values = {}
    for spec in fields(cls):
        value = form[spec.name].data
        if isinstance(value, str):
            value = value.strip() or (None if "None" in str(spec.type) else "")
        values[spec.name] = value
    return cls(**values)


def show_error(form, exc: DomainError, field: str | None = None) -> None:
    """Show a service's refusal next to its field (or `field`), or above the form."""
    target = getattr(form, exc.field or field or "", None)
    if target is not None:
        target.errors = [*target.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def form_status(*forms) -> int:
    """422 when a form shows an error, 200 otherwise."""
    return 422 if any(form.errors or form.form_errors for form in forms) else 200


@dataclass
class Submission:
    """A posted form run through a service: committed on success, its refusal shown otherwise."""

    form: Any
    value: Any = None

    def run(self, action: Callable[[], Any], done: str | None = None, error_field: str | None = None) -> bool:
        """Validate, call `action`, commit and flash `done`; on a refusal roll back and show it. True if saved."""
        if not self.form.validate_on_submit():
            return False
        db = get_db()
        try:
            self.value = action()
        except DomainError as exc:
            db.rollback()
            show_error(self.form, exc, error_field)
            return False
        db.commit()
        if done:
            flash(done, "success")
        return True
