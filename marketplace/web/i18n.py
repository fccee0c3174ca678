"""Interface language (French first, English second) and French money formatting."""

from __future__ import annotations

from datetime import date, datetime

from babel.numbers import format_percent as babel_format_percent
from flask import Flask, current_app, g, request, session
from flask_babel import (
    Babel,
    format_currency,
    format_date,
    format_decimal,
    get_locale,
    get_translations,
    to_user_timezone,
)
from flask_login import current_user

LANGUAGES = ("fr", "en")


def select_locale() -> str:
    """The user's saved language, else the session's choice, else the browser's, else French. The API speaks
    the request's language: English on Accept-Language: en, French otherwise."""
    if request.path.startswith("/api/"):
        return "en" if request.accept_languages.best_match(LANGUAGES, default="fr") == "en" else "fr"
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]


def money(cents: int | None, currency: str | None = None) -> str:
    """Format integer cents the locale's way: 1 234,56 € in French, €1,234.56 in English."""
    if cents is None:
        return ""
    from decimal import Decimal

    return format_currency(Decimal(cents) / 100, currency or current_app.config["CURRENCY"])


def euros(value: int | None, currency: str | None = None) -> str:
    """Whole euros (a turnover band) the locale's way, without cents: 1 000 000 €."""
    if value is None:
        return ""
    return format_currency(value, currency or current_app.config["CURRENCY"], format="#,##0\xa0¤"
                           if str(get_locale() or "fr").startswith("fr") else "¤#,##0", currency_digits=False)


def bps(value: int | None) -> str:
    """Basis points as a locale-formatted percentage: 1500 -> "15 %"."""
    if value is None:
        return ""
    from decimal import Decimal

    return babel_format_percent(Decimal(value) / 10000, locale=get_locale(), decimal_quantization=False)


def centi(value: int | None) -> str:
    """Hundredths (hours, days) as a locale-formatted number: 1250 -> "12,5"."""
    if value is None:
        return ""
    from decimal import Decimal

    return format_decimal(Decimal(value) / 100)


def moment(value: datetime | None) -> str:
    """A moment as people write it, in the interface's time zone: « 16 mars 2027 à 10 h », « 1 déc. … à 15 h 18 »
    in French; "16 March 2027 at 10:00" in English. No seconds, no time zone name."""
    if value is None:
        return ""
    local = to_user_timezone(value) if value.tzinfo else value
    if current_language() == "en":
        return f"{format_date(local.date(), 'd MMMM y')} at {local:%H:%M}"
    hour = f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"
    return f"{long_day(local.date())} à {hour}"


def long_day(value: date | datetime | None) -> str:
    """A day as people write it: « 1er janvier 2027 », « 16 mars 2027 »; "1 January 2027" in English. A moment
    is read on the interface's clock first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (to_user_timezone(value) if value.tzinfo else value).date()
    day = format_date(value, "d MMMM y")
    return "1er" + day[1:] if value.day == 1 and current_language() == "fr" else day


def month(period: str | None) -> str:
    """A month as people name it: "2026-11" -> « novembre 2026 » (November 2026 in English)."""
    if not period:
        return ""
    year, number = (int(part) for part in period.split("-"))
    return format_date(date(year, number, 1), "MMMM y")


def _babel_state():
    """Flask-Babel's state of this request once its locale is known (None before, or outside a request)."""
    try:
        state = g._flask_babel
    except (AttributeError, RuntimeError):  # not made yet; no application context
        return None
    return state if getattr(state, "babel_locale", None) is not None else None


def _per_locale(name: str, make):
    """`make()` once per request and locale (a forced locale, as for an email in the recipient's language, is
    another): Flask-Babel reads the request's state and names the locale again at each call, and a page asks for
    dozens of labels."""
    state = _babel_state()
    kept = getattr(state, name, None)
    if kept is not None and kept[0] is state.babel_locale:
        return kept[1]
    value = make()
    state = _babel_state()
    if state is not None:
        setattr(state, name, (state.babel_locale, value))
    return value


def current_language() -> str:
    """The request's interface language, "fr" or "en"."""
    return _per_locale("mkt_language", lambda: str(get_locale() or "fr")[:2])


def translations():
    """The request's translations (Flask-Babel's, found once per request and locale)."""
    return _per_locale("mkt_translations", get_translations)


def localized(obj, field: str) -> str:
    """Pick `field_fr` or `field_en` of a record by the current language, falling back to French."""
    lang = current_language()
    value = getattr(obj, f"{field}_{lang}", None)
    return value or getattr(obj, f"{field}_fr", "")


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["bps"] = bps
    app.jinja_env.filters["euros"] = euros
    app.jinja_env.filters["centi"] = centi
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["month"] = month
    app.jinja_env.filters["long_day"] = long_day
    app.jinja_env.globals["localized"] = localized
    app.jinja_env.globals["current_language"] = current_language
