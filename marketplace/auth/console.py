"""Console: the signed-in staff member's personal API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_db
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .forms import ApiTokenForm
from .models import User
from .permissions import staff_required
from .services import api_tokens_of, create_api_token, revoke_api_token

bp = Blueprint("auth_console", __name__, url_prefix="/console")


@bp.get("/tokens")
@staff_required
def api_tokens():
    """The signed-in staff member's API tokens: create (shown once) and revoke."""
    return _tokens_page(ApiTokenForm(formdata=None))


@bp.post("/tokens")
@staff_required
def create_token():
    """A new token, shown once on the page that answers (it is never stored)."""
    form = ApiTokenForm()
    saved = Submission(form)
    if saved.run(lambda: create_api_token(get_db(), _me(), form.name.data)):
        _token, created = saved.value
        return _tokens_page(ApiTokenForm(formdata=None), created)
    return _tokens_page(form)


@bp.post("/tokens/<int:token_id>/revoke")
@staff_required
def revoke_token(token_id: int):
    revoke_api_token(get_db(), _me(), token_id)
    get_db().commit()
    flash(_("Jeton révoqué."), "info")
    return redirect(url_for("auth_console.api_tokens"), code=303)


def _me() -> User:
    return get_db().get(User, current_user.id)


def _tokens_page(form: ApiTokenForm, created: str | None = None):
    return render("auth/console/tokens.html", status=form_status(form), form=form, created=created,
                  tokens=api_tokens_of(get_db(), current_user.id))
