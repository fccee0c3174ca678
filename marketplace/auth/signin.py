"""Who the request comes from: the browser's server-side session, or an API client's Bearer token."""

from __future__ import annotations

import time

from flask import Flask, current_app, g, session
from flask_babel import lazy_gettext as _l

from ..db import get_db
from ..web.extensions import login_manager
from .services import load_user_from_session_id, user_from_api_token

# A signed-in browser's last request is noted in its cookie at most this often.
SEEN_RESOLUTION_SECONDS = 60


def _user_from_session(token: str):
    """The user of an open login session, unless the browser stayed idle too long."""
    seen = session.get("_seen")
    now = int(time.time())
    if not isinstance(seen, int) or now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        return None
    user = load_user_from_session_id(token)
    if user is not None and now - seen >= SEEN_RESOLUTION_SECONDS:
        session["_seen"] = now
    return user


def _user_from_bearer_token(request):
    """API clients sign in with `Authorization: Bearer mkt_...` (no cookie, so no CSRF to fear)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = user_from_api_token(get_db(), header[7:].strip())
    g.signed_in_by_token = user is not None
    return user


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    # "strong": a session cookie replayed from another browser/IP is dropped.
    login_manager.session_protection = "strong"
    login_manager.user_loader(_user_from_session)
    login_manager.request_loader(_user_from_bearer_token)
