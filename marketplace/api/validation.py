"""What is wrong with a request body, said per field in the request's language (pydantic speaks English only)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from pydantic import ValidationError


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("Champ obligatoire.")
    if kind == "extra_forbidden":
        return _("Champ inconnu.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Un nombre entier est attendu.")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        if kind.startswith("greater"):
            return _("Trop petit : %(bound)s au moins.", bound=bound) if kind.endswith("equal") else \
                _("Doit être supérieur à %(bound)s.", bound=bound)
        return _("Trop grand : %(bound)s au plus.", bound=bound) if kind.endswith("equal") else \
            _("Doit être inférieur à %(bound)s.", bound=bound)
    if kind == "string_too_long":
        return _("Trop long : %(n)d caractères au plus.", n=int(ctx.get("max_length", 0)))
    if kind == "string_too_short":
        return ngettext("Trop court : %(num)d caractère au moins.", "Trop court : %(num)d caractères au moins.",
                        int(ctx.get("min_length", 1)))
    if kind in ("too_long", "too_short"):
        return _("Nombre d'éléments hors des limites prévues.")
    if kind == "string_pattern_mismatch" or (kind == "value_error" and "control_character" in error.get("msg", "")):
        return _("Format invalide ou caractère non admis (caractère de contrôle, saut de ligne).")
    if kind in ("string_type", "string_unicode"):
        return _("Un texte est attendu.")
    if kind.startswith("date"):
        return _("Date invalide : écrivez AAAA-MM-JJ.")
    if kind == "literal_error":
        return _("Valeur non prévue ; valeurs admises : %(values)s.", values=ctx.get("expected", ""))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("Un objet JSON est attendu.")
    if kind == "list_type":
        return _("Une liste est attendue.")
    if kind.startswith("decimal") or kind in ("float_type", "float_parsing", "finite_number"):
        return _("Nombre invalide (deux décimales au plus).")
    if kind == "bool_type":
        return _("Vrai ou faux est attendu.")
    return _("Valeur invalide.")


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Each field at fault (dotted path) and what is wrong with it, in the request's language."""
    fields: dict[str, str] = {}
    for error in exc.errors():
        # Alternatives (a value or null) report one error each: the first one says it.
        path = ".".join(str(p) for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-",
                                                                                                    "constrained-"))))
        fields.setdefault(path or "body", _message(error))
    return fields
