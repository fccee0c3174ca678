"""Forms of coworking passes: a ticket used with the desk's code, the desk's settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.validators import strip


class UseForm(FlaskForm):
    desk_code = StringField(_l("Code affiché à l'accueil"), filters=[strip], validators=[DataRequired(),
                                                                                         Length(max=20)])


class DeskForm(FlaskForm):
    validity_months = IntegerField(_l("Validité d'un carnet (mois)"), default=12,
                                   validators=[InputRequired(), NumberRange(min=1, max=60)])
    desk_code = StringField(_l("Code de l'accueil (les membres le tapent pour utiliser un ticket sur place)"),
                            filters=[strip], validators=[Optional(), Length(min=4, max=20)])
