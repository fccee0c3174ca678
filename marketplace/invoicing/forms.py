"""The platform fee the federation sets on a partnership or an offer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from ..web.forms import PercentField


class PlatformFeeForm(FlaskForm):
    partnership = IntegerField(validators=[Optional()])
    offer = IntegerField(validators=[Optional()])
    percent = PercentField(_l("Commission en pourcentage (vide : taux par défaut)"),
                           validators=[Optional(), NumberRange(min=0, max=100, message=_l("Entre 0 et 100 %%."))])
