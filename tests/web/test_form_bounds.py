"""Every text a form accepts is bounded on the server: a maximum length (matching its column), or a format that
fixes it (a SIRET, a postal code, an IBAN), or a confirmation equal to a bounded field."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import AnyOf, EqualTo, Length, Regexp

import marketplace


def _forms() -> list[type[FlaskForm]]:
    found = set()
    for module in pkgutil.walk_packages(marketplace.__path__, "marketplace."):
        if ".migrations" in module.name:
            continue
        for _name, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__.startswith("marketplace."):
                found.add(cls)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


def _bounded(validators) -> bool:
    return any((isinstance(v, Length) and v.max and v.max > 0) or isinstance(v, Regexp | AnyOf | EqualTo)
               or (callable(v) and not isinstance(v, type) and getattr(v, "__module__", "") == "marketplace.web.validators")
               for v in validators)


def test_every_text_field_is_bounded_on_the_server(app):
    unbounded = []
    forms = _forms()
    assert len(forms) > 30
    for form in forms:
        for name, unbound in vars(form).items():
            field_class = getattr(unbound, "field_class", None)
            if field_class is None or not issubclass(field_class, StringField | TextAreaField | PasswordField):
                continue
            validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else [])
            if not _bounded(validators):
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert unbounded == []
