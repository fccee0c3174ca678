"""Settings from MARKETPLACE_* environment variables, with safe defaults.

Every variable is documented in README.md ("Configuration"); `SETTINGS` below is the
single list both the code and the documentation test read.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    env: str
    key: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("MARKETPLACE_DATABASE_URL", "DATABASE_URL", None,
            "SQLAlchemy URL of the database; default: SQLite file instance/marketplace.sqlite3"),
    Setting("MARKETPLACE_SECRET_KEY", "SECRET_KEY", None,
            "key signing sessions, CSRF and emailed links, at least 32 random bytes (a placeholder or shorter key "
            "stops the start); default: generated once into instance/secret_key"),
    Setting("MARKETPLACE_INSTANCE_PATH", "INSTANCE_PATH", None,
            "folder for the SQLite file, the secret key and the demo mail; default: ./instance"),
    Setting("MARKETPLACE_LOCALE", "BABEL_DEFAULT_LOCALE", "fr", "default interface language (fr or en)"),
    Setting("MARKETPLACE_TIMEZONE", "BABEL_DEFAULT_TIMEZONE", "Europe/Paris", "time zone of displayed dates"),
    Setting("MARKETPLACE_CURRENCY", "CURRENCY", "EUR", "ISO 4217 currency of every amount"),
    Setting("MARKETPLACE_BASE_URL", "BASE_URL", "http://127.0.0.1:5000",
            "public address, used in links sent by email"),
    Setting("MARKETPLACE_SECURE_COOKIES", "SESSION_COOKIE_SECURE", "0",
            "1 behind HTTPS: cookies are sent over HTTPS only, and browsers are told to use HTTPS (HSTS)"),
    Setting("MARKETPLACE_PROXY_COUNT", "PROXY_COUNT", "0",
            "reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For/Proto/Host are trusted"),
    Setting("MARKETPLACE_SESSION_IDLE_MINUTES", "SESSION_IDLE_MINUTES", "30",
            "minutes without a request after which a signed-in session ends"),
    Setting("MARKETPLACE_SESSION_MAX_HOURS", "SESSION_MAX_HOURS", "12",
            "hours after sign-in when a session ends however active it is"),
    Setting("MARKETPLACE_RATE_LIMITS", "RATE_LIMITS", "1",
            "1: sign-in, password reset, checkout and the API are rate limited (429 with Retry-After); 0: off"),
    Setting("MARKETPLACE_REDIS_URL", "REDIS_URL", "",
            "Redis shared by every worker and node for rate limit counters and the public page cache "
            "(redis://host:6379/0); empty: each worker's memory"),
    Setting("MARKETPLACE_RESET_TOKEN_MAX_AGE", "RESET_TOKEN_MAX_AGE", "3600",
            "seconds a password reset link stays valid"),
    Setting("MARKETPLACE_INVITATION_MAX_AGE", "INVITATION_MAX_AGE", "604800",
            "seconds an invitation link (new staff or member account, contact confirmation) stays valid (7 days)"),
    Setting("MARKETPLACE_LOG_FORMAT", "LOG_FORMAT", "text",
            "json: one JSON object per log line with the request id, and an access line per request (production); "
            "text: readable lines"),
    Setting("MARKETPLACE_METRICS", "METRICS", "0",
            "1: Prometheus metrics at /metrics (for MARKETPLACE_METRICS_TOKEN's bearer, or from this machine only)"),
    Setting("MARKETPLACE_METRICS_TOKEN", "METRICS_TOKEN", "",
            "bearer token a Prometheus server sends to read /metrics; empty: only requests from the loopback"),
    Setting("MARKETPLACE_PUBLIC_CACHE_SECONDS", "PUBLIC_CACHE_SECONDS", "30",
            "seconds an anonymous visitor's catalogue page may be served from cache (0: never)"),
    Setting("MARKETPLACE_HOLD_MINUTES", "HOLD_MINUTES", "30",
            "minutes an order paid by card holds its seats, stands, passes or room slots while the buyer pays"),
    Setting("MARKETPLACE_TRANSFER_HOLD_DAYS", "TRANSFER_HOLD_DAYS", "7",
            "days an order paid by bank transfer holds its seats, stands, passes or room slots (never past the "
            "start of what it holds); unpaid then, it expires and they go back on sale"),
    Setting("MARKETPLACE_PAYMENT_TERM_DAYS", "PAYMENT_TERM_DAYS", "30",
            "days to pay by bank transfer an order that holds no stock (services, memberships)"),
    Setting("MARKETPLACE_QUOTE_VALIDITY_DAYS", "QUOTE_VALIDITY_DAYS", "30",
            "days a quote printed from the cart states its prices for (nothing is reserved until the order is placed)"),
    Setting("MARKETPLACE_PAYMENT_REMINDER_DAYS", "PAYMENT_REMINDER_DAYS", "2,7",
            "days before an unpaid order's deadline when the worker reminds its buyer (once each, comma-separated; "
            "only those that fall after the order was placed)"),
    Setting("MARKETPLACE_MEMBERSHIP_REMINDER_DAYS", "MEMBERSHIP_REMINDER_DAYS", "15,30",
            "days after a renewal is called when the worker reminds an unpaid one (once each), comma-separated"),
    Setting("MARKETPLACE_MEMBERSHIP_GRACE_DAYS", "MEMBERSHIP_GRACE_DAYS", "60",
            "days after the year starts (or the renewal is called, if later) an unpaid renewal still counts; "
            "then it lapses and member prices stop"),
    Setting("MARKETPLACE_WAITLIST_HOLD_HOURS", "WAITLIST_HOLD_HOURS", "24",
            "hours a place that came back is held for the next person on an event's waiting list"),
    Setting("MARKETPLACE_PLATFORM_FEE_BPS", "PLATFORM_FEE_BPS", "0",
            "the federation's fee on each sale, in basis points of the amount excl. VAT (500 = 5 %)"),
    Setting("MARKETPLACE_FEDERATION_NAME", "FEDERATION_NAME", "Fédération des clusters",
            "account holder named in bank transfer instructions"),
    Setting("MARKETPLACE_FEDERATION_IBAN", "FEDERATION_IBAN", "FR7630004000100000001235490",
            "IBAN buyers pay bank transfers to (the demo's is fictitious)"),
    Setting("MARKETPLACE_FEDERATION_BIC", "FEDERATION_BIC", "BNPAFRPP", "BIC of that account"),
    Setting("MARKETPLACE_SECRET_KEY_FALLBACKS", "SECRET_KEY_FALLBACKS", "",
            "former secret keys, comma-separated, still accepted when checking what they signed (sessions, links, "
            "tickets, calendar feeds) while a new MARKETPLACE_SECRET_KEY signs; empty: none"),
    Setting("MARKETPLACE_STRIPE_SECRET_KEY", "STRIPE_SECRET_KEY", "",
            "Stripe secret key; with the webhook secret, buyers may also pay by card"),
    Setting("MARKETPLACE_STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET", "",
            "signing secret of the /webhooks/stripe endpoint (whsec_...)"),
    Setting("MARKETPLACE_STRIPE_API_BASE", "STRIPE_API_BASE", "",
            "another address for Stripe's API (a local test server); empty: Stripe's own"),
    Setting("MARKETPLACE_MAIL_FROM", "MAIL_FROM", "Fédération des clusters <no-reply@clusters.example.fr>",
            "sender of outgoing emails"),
    Setting("MARKETPLACE_SMTP_HOST", "SMTP_HOST", "",
            "SMTP server; empty: emails are written as .eml files under instance/mail"),
    Setting("MARKETPLACE_SMTP_PORT", "SMTP_PORT", "25", "SMTP port"),
    Setting("MARKETPLACE_SMTP_USER", "SMTP_USER", "", "SMTP user name (empty: no authentication)"),
    Setting("MARKETPLACE_SMTP_PASSWORD", "SMTP_PASSWORD", "", "SMTP password"),
    Setting("MARKETPLACE_SMTP_STARTTLS", "SMTP_STARTTLS", "0", "1 to upgrade the SMTP connection with STARTTLS"),
)

_BOOLEAN_KEYS = {"SESSION_COOKIE_SECURE", "SMTP_STARTTLS", "RATE_LIMITS", "METRICS"}
_INTEGER_KEYS = {"RESET_TOKEN_MAX_AGE", "INVITATION_MAX_AGE", "SMTP_PORT", "PUBLIC_CACHE_SECONDS", "HOLD_MINUTES",
                 "PLATFORM_FEE_BPS", "PROXY_COUNT", "SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS",
                 "MEMBERSHIP_GRACE_DAYS", "WAITLIST_HOLD_HOURS", "TRANSFER_HOLD_DAYS", "PAYMENT_TERM_DAYS",
                 "QUOTE_VALIDITY_DAYS"}
_DAY_LIST_KEYS = {"MEMBERSHIP_REMINDER_DAYS", "PAYMENT_REMINDER_DAYS"}
MIN_SECRET_KEY_BYTES = 32


class ConfigError(RuntimeError):
    """A setting that must not be used as it is (the application refuses to start)."""


def check_secret_key(key: str) -> None:
    """Refuse a placeholder or short signing key: anyone knowing it could forge sessions and reset links."""
    if len(key.encode()) < MIN_SECRET_KEY_BYTES or key.lower().startswith(("change-me", "changeme")):
        raise ConfigError(
            f"MARKETPLACE_SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} random bytes and not the example's "
            "placeholder; make one with: python3 -c \"import secrets; print(secrets.token_hex(32))\"")


def _days(name: str, raw: str) -> tuple[int, ...]:
    """Increasing whole numbers of days, e.g. "15,30" (empty: none)."""
    try:
        days = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(f"{name} must list whole numbers of days separated by commas, e.g. 15,30") from exc
    if any(d <= 0 for d in days) or list(days) != sorted(set(days)):
        raise ConfigError(f"{name} must list increasing positive numbers of days, e.g. 15,30")
    return days


def signing_keys(config) -> list[str]:
    """Every key that may have signed something still valid, oldest first and the current one last (the order
    itsdangerous takes: it signs with the last and accepts any)."""
    return [*config.get("SECRET_KEY_FALLBACKS", []), config["SECRET_KEY"]]


def signed_by_a_key(config, given: str, sign: Callable[[str], str]) -> bool:
    """Whether `given` is what `sign` makes with the current key or a fallback (constant-time comparisons)."""
    return any(hmac.compare_digest(given, sign(key)) for key in signing_keys(config))


def stripe_enabled(config) -> bool:
    """Card payments need both Stripe settings: the API key and the webhook signing secret."""
    return bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET"))


def _secret_key(instance_path: Path) -> str:
    """Read the instance secret key, creating it once (mode 600) when absent."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Build the Flask configuration from the environment; never returns an unset secret."""
    env = os.environ if environ is None else environ
    config: dict[str, object] = {}
    for setting in SETTINGS:
        raw = env.get(setting.env, setting.default)
        if setting.key in _BOOLEAN_KEYS:
            config[setting.key] = str(raw).strip().lower() in {"1", "true", "yes", "on"}
        elif setting.key in _INTEGER_KEYS:
            config[setting.key] = int(raw)
        elif setting.key in _DAY_LIST_KEYS:
            config[setting.key] = _days(setting.env, str(raw))
        else:
            config[setting.key] = raw
    config["SECRET_KEY_FALLBACKS"] = [key.strip() for key in str(config["SECRET_KEY_FALLBACKS"]).split(",")
                                      if key.strip()]
    if config["LOG_FORMAT"] not in ("json", "text"):
        raise ConfigError("MARKETPLACE_LOG_FORMAT must be json or text")
    instance_path = Path(str(config["INSTANCE_PATH"] or PROJECT_ROOT / "instance")).resolve()
    instance_path.mkdir(parents=True, exist_ok=True)
    config["INSTANCE_PATH"] = str(instance_path)
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'marketplace.sqlite3'}"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key(instance_path)
    config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=config["SESSION_COOKIE_SECURE"],
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        WTF_CSRF_TIME_LIMIT=None,
        MAIL_DIR=str(instance_path / "mail"),
    )
    return config
