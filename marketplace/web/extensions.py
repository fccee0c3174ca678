"""Flask extensions: CSRF protection and the sign-in session."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # "strong": a session cookie replayed from another browser/IP is dropped.
    login_manager.session_protection = "strong"

    from ..auth.services import load_user_from_session_id

    login_manager.user_loader(load_user_from_session_id)

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
