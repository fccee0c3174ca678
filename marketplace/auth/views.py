"""Sign in, sign out, password reset, the user's own account."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlmodel import select

from ..core.errors import DomainError
from ..db import get_db
from ..mail.services import queue_email
from ..web.htmx import render
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm, ProfileForm
from .models import User
from .services import (
    authenticate,
    hash_password,
    make_reset_token,
    normalize_email,
    reset_password,
    user_from_reset_token,
    verify_password,
)

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("shop.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        db = get_db()
        user = authenticate(db, form.email.data, form.password.data)
        if user is not None:
            db.commit()
            # The signed cookie session is re-issued by login_user; what the visitor had (their cart,
            # their language) stays theirs.
            login_user(user)
            session["lang"] = user.language
            flash(_("Bienvenue, vous êtes connecté."), "success")
            return redirect(_safe_next(request.args.get("next")), code=303)
        form.password.errors.append(_("Email ou mot de passe incorrect."))
    status = 422 if form.errors else 200
    return render("auth/login.html", status=status, form=form)


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("shop.home"), code=303)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        db = get_db()
        user = db.exec(select(User).where(User.email == normalize_email(form.email.data))).first()
        if user is not None and user.is_active:
            link = current_app.config["BASE_URL"].rstrip("/") + url_for(
                "auth.reset_password_form", token=make_reset_token(user))
            minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
            queue_email(db, user.email, _("Réinitialisation de votre mot de passe"),
                        _("Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien "
                          "(valable %(minutes)d minutes, une seule fois) :\n%(link)s\n\n"
                          "Si vous n'avez rien demandé, ignorez ce message.", minutes=minutes, link=link))
            db.commit()
        # Same answer whether the account exists or not: no way to probe for emails.
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
        reset_password(db, token, form.password.data)
        db.commit()
        logout_user()
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
        user.password_hash = hash_password(form.password.data)
        db.add(user)
        db.commit()
        login_user(user)  # keep this session; others end because the session id changed
        flash(_("Mot de passe changé."), "success")
        return redirect(url_for("auth.account"), code=303)
    return render("auth/account.html", status=422, form=ProfileForm(obj=user), user=user, password_form=form)
