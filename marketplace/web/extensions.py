"""Flask extensions: CSRF protection, the sign-in manager (auth.signin tells it who is who), rate limits."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()
login_manager = LoginManager()
# Counted per client address (the proxy's X-Forwarded-For once MARKETPLACE_PROXY_COUNT says how many to trust).
limiter = Limiter(key_func=get_remote_address, headers_enabled=True, strategy="moving-window")

# Requests allowed per client address or account (ASVS 2.2.1 and 11.1.4); sign-in counts refused attempts only.
RATE_LIMITS = {
    "login_account": "10 per 15 minutes",
    "login_address": "30 per 15 minutes",
    "reset_account": "3 per hour",
    "reset_address": "10 per hour",
    "checkout": "20 per minute",
    "api_write": "60 per minute",
    "api_read": "600 per minute",
}


def init_app(app: Flask) -> None:
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"],
                                x_host=app.config["PROXY_COUNT"])
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", app.config["RATE_LIMITS"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    # Redis down: count in this worker's memory meanwhile rather than refuse every sign-in.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter.init_app(app)
    login_manager.init_app(app)
