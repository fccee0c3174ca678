"""Who each unit of a line is for, when its kind asks (an event ticket's attendee): read from the checkout form
as `holder-<cart line>-<n>-name` and `-email`, one pair per unit, and frozen on the order line."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from ..core.kinds import get_kind

NAME_MAX = 120


def named_lines(lines: Sequence) -> list:
    """The priced cart lines whose every unit is for a named person."""
    return [p for p in lines if p.priced is not None and get_kind(p.offer.kind).named_units]


def read_holders(form: Mapping[str, str], lines: Sequence) -> tuple[dict[int, list[dict]], dict[str, str]]:
    """Names (required) and emails (optional) by cart line id, and the errors by field name."""
    holders: dict[int, list[dict]] = {}
    errors: dict[str, str] = {}
    for p in named_lines(lines):
        people = []
        for n in range(1, p.line.quantity + 1):
            field = f"holder-{p.line.id}-{n}"
            name = " ".join(str(form.get(f"{field}-name", "")).split())
            email = str(form.get(f"{field}-email", "")).strip() or None
            if not name or len(name) > NAME_MAX:
                errors[f"{field}-name"] = _("Indiquez le nom du participant (120 caractères au plus).")
            if email is not None:
                try:
                    email = validate_email(email, check_deliverability=False).normalized
                except EmailNotValidError:
                    errors[f"{field}-email"] = _("Adresse email invalide.")
            people.append({"name": name, "email": email})
        holders[p.line.id] = people
    return holders, errors


def holders_json(people: list[dict] | None) -> str:
    return json.dumps(people or [], ensure_ascii=False, separators=(",", ":"))
