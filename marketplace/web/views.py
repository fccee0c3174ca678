"""Site-wide pages: home, language switch, health check."""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..db import get_db
from .i18n import LANGUAGES
from .redirects import safe_next

bp = Blueprint("site", __name__)


@bp.route("/lang/<code>", methods=["GET", "POST"])
def set_language(code: str):
    """Switch the interface language; saved on the account of a signed-in user (by POST only).

    Visitors switch with a plain link (GET): it only changes their own session's preference.
    """
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated and request.method == "POST":
            db = get_db()
            user = db.merge(current_user._get_current_object())
            user.language = code
            db.commit()
    return redirect(safe_next(request.values.get("next"), url_for("shop.home")), code=303)


@bp.get("/healthz")
def healthz():
    try:
        get_db().connection().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
