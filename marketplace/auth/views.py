"""Sign in, sign out, password reset, the user's own account."""

from __future__ import annotations

import time

from flask import Blueprint, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.errors import DomainError
from ..db import get_db
from ..web.extensions import RATE_LIMITS, limiter
from ..web.htmx import render
from ..web.redirects import safe_next
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm, ProfileForm
from .models import User
from .services import (
    authenticate,
    end_login_sessions,
    normalize_email,
    request_password_reset,
    reset_password,
    set_new_password,
    start_login_session,
    user_from_reset_token,
    verify_password,
)

bp = Blueprint("auth", __name__)


def _posted_email() -> str:
    """The account a sign-in or reset form names, for per-account rate limits."""
    return "account:" + normalize_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    """Only refused credentials (422) count: not successes, nor requests already refused for the limit."""
    return response.status_code == 422


def sign_in(user: User) -> None:
    """Start a server-side session for `user` with a new cookie session and CSRF token.

    What the visitor had (their cart, their language) stays theirs; the cookie names the session by
    an opaque token, never the user or anything derived from the password.
    """
    db = get_db()
    token = start_login_session(db, user)
    db.commit()
    kept = {key: value for key, value in session.items() if not key.startswith("_") and key != "csrf_token"}
    session.clear()
    session.update(kept)
    g.pop("csrf_token", None)  # Flask-WTF's copy for this request: the next form gets a new token
    login_user(user)
    session["_user_id"] = token
    session["_seen"] = int(time.time())
    session["lang"] = user.language


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(RATE_LIMITS["login_account"], key_func=_posted_email, methods=["POST"],
               deduct_when=_failed, scope="login-account")
@limiter.limit(RATE_LIMITS["login_address"], methods=["POST"], deduct_when=_failed,
               scope="login-address")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        db = get_db()
        user = authenticate(db, form.email.data, form.password.data)
        if user is not None:
            sign_in(user)
            flash(_("Bienvenue, vous êtes connecté."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("shop.home")), code=303)
        form.password.errors.append(_("Email ou mot de passe incorrect."))
    status = 422 if form.errors else 200
    return render("auth/login.html", status=status, form=form)


@bp.post("/logout")
def logout():
    """End the server-side session too: a copy of the cookie opens nothing afterwards."""
    token = session.get("_user_id")
    if current_user.is_authenticated and isinstance(token, str):
        db = get_db()
        end_login_sessions(db, current_user.id, token=token)
        db.commit()
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("shop.home"), code=303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(RATE_LIMITS["reset_account"], key_func=_posted_email, methods=["POST"],
               scope="reset-account")
@limiter.limit(RATE_LIMITS["reset_address"], methods=["POST"], scope="reset-address")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        db = get_db()
        request_password_reset(db, form.email.data)
        db.commit()
        # Same answer, and the same work, whether the account exists or not: no way to probe for emails.
        flash(_("Si un compte existe pour cette adresse, un lien de réinitialisation vient d'y être envoyé."),
              "info")
        return redirect(url_for("auth.login"), code=303)
    return render("auth/forgot.html", status=422 if form.errors else 200, form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password_form(token: str):
    db = get_db()
    try:
        user_from_reset_token(db, token)
    except DomainError as exc:
        return render("auth/reset_invalid.html", status=400, message=exc.message)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(db, token, form.password.data)
        except DomainError as exc:
            db.rollback()
            form.password.errors.append(exc.message)
        else:
            db.commit()
            logout_user()
            session.clear()
            flash(_("Votre mot de passe est changé. Connectez-vous avec le nouveau."), "success")
            return redirect(url_for("auth.login"), code=303)
    return render("auth/reset.html", status=422 if form.errors else 200, form=form, token=token)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    db = get_db()
    user = db.get(User, current_user.id)
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        user.full_name = form.full_name.data.strip()
        user.language = form.language.data
        db.add(user)
        db.commit()
        session["lang"] = user.language
        flash(_("Profil enregistré."), "success")
        return redirect(url_for("auth.account"), code=303)
    return render("auth/account.html", status=422 if form.errors else 200, form=form, user=user,
                  password_form=ChangePasswordForm(formdata=None))


@bp.post("/account/password")
@login_required
def change_password():
    db = get_db()
    user = db.get(User, current_user.id)
    form = ChangePasswordForm()
    if form.validate_on_submit() and not verify_password(user, form.current.data):
        form.current.errors.append(_("Mot de passe actuel incorrect."))
    elif form.validate_on_submit():
        try:
            set_new_password(db, user, form.password.data, keep_session=session.get("_user_id"))
        except DomainError as exc:
            db.rollback()
            form.password.errors.append(exc.message)
        else:
            db.commit()  # this session goes on; the others end
            flash(_("Mot de passe changé."), "success")
            return redirect(url_for("auth.account"), code=303)
    return render("auth/account.html", status=422, form=ProfileForm(obj=user), user=user, password_form=form)
