"""Flask extensions: CSRF protection, the sign-in session, rate limits."""

from __future__ import annotations

import time

from flask import Flask, current_app, session
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
# A signed-in browser's last request is noted in its cookie at most this often.
SEEN_RESOLUTION_SECONDS = 60


def _user_from_session(token: str):
    """The user of an open login session, unless the browser stayed idle too long."""
    from ..auth.services import load_user_from_session_id

    seen = session.get("_seen")
    now = int(time.time())
    if not isinstance(seen, int) or now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        return None
    user = load_user_from_session_id(token)
    if user is not None and now - seen >= SEEN_RESOLUTION_SECONDS:
        session["_seen"] = now
    return user


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
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # "strong": a session cookie replayed from another browser/IP is dropped.
    login_manager.session_protection = "strong"
    login_manager.user_loader(_user_from_session)

    @login_manager.request_loader
    def _user_from_bearer_token(request):
        """API clients sign in with `Authorization: Bearer mkt_...` (no cookie, so no CSRF to fear)."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        from flask import g

        from ..auth.services import user_from_api_token
        from ..db import get_db

        user = user_from_api_token(get_db(), header[7:].strip())
        g.signed_in_by_token = user is not None
        return user

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Connectez-vous pour accéder à cette page.")
