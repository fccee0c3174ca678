"""Sign-in, password and profile forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..web.validators import strip
from .services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(), Length(max=200)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Adresse email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("Nouveau mot de passe"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])
    confirm = PasswordField(_l("Confirmez le mot de passe"),
                            validators=[DataRequired(), EqualTo("password", _l("Les deux mots de passe diffèrent."))])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(), Length(max=200)])


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Nom complet"), filters=[strip], validators=[Length(max=120)])
    language = SelectField(_l("Langue"), choices=[("fr", "Français"), ("en", "English")])


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Nom"), filters=[strip], render_kw={"maxlength": 80, "placeholder": _l("CRM du cluster")},
                       validators=[DataRequired(_l("Donnez un nom au jeton (ex. « CRM du cluster »).")),
                                   Length(max=80)])
