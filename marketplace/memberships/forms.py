"""Forms of memberships: enrolling a member, changing a membership's status, a row of the fee grid."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from ..clusters.forms import OrganizationForm
from ..web.forms import MoneyField
from ..web.validators import strip
from .services import Enrolment, TierInput


def tier_category_choices():
    return [("classic", _l("Classique")), ("discovery", _l("Découverte")), ("partner", _l("Partenaire")),
            ("premium", _l("Premium")), ("basic", _l("Basique")), ("sector", _l("Ticket d'entrée filière"))]


def membership_status_choices():
    return [("pending", _l("En attente")), ("active", _l("Active")), ("expired", _l("Expirée")),
            ("excluded", _l("Exclue"))]


class NewMemberForm(OrganizationForm):
    """A member organization and its membership for a year, created by cluster staff."""

    tier_id = SelectField(_l("Formule d'adhésion"), coerce=int, validate_choice=True)
    year = IntegerField(_l("Année"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    status = SelectField(_l("Statut"), choices=membership_status_choices, default="active")
    contact_email = EmailField(_l("Email du contact (compte membre)"), filters=[strip],
                               validators=[Optional(), Email(), Length(max=254)])

    def enrolment(self) -> Enrolment:
        return Enrolment(self.details(), self.tier_id.data, self.year.data, self.status.data,
                         self.contact_email.data or None)


class MembershipStatusForm(FlaskForm):
    status = SelectField(_l("Statut"), choices=membership_status_choices)


class TierForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[a-z0-9_-]+$", message=_l("Minuscules, chiffres, tirets et soulignés seulement."))])
    category = SelectField(_l("Catégorie"), choices=tier_category_choices)
    name_fr = StringField(_l("Nom (français)"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Nom (anglais)"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    min_headcount = IntegerField(_l("Effectif minimum"), default=0, validators=[
        InputRequired(), NumberRange(min=0, message=_l("L'effectif doit être un nombre positif ou nul."))])
    max_headcount = IntegerField(_l("Effectif maximum (vide : sans limite)"), validators=[
        Optional(), NumberRange(min=0, message=_l("L'effectif doit être un nombre positif ou nul."))])
    fee = MoneyField(_l("Cotisation annuelle (€)"), validators=[
        InputRequired(), NumberRange(min=0, max=1_000_000, message=_l("Montant positif ou nul."))])
    max_years = IntegerField(_l("Durée maximale (années)"), validators=[Optional(), NumberRange(min=1, max=50)])

    def validate_max_headcount(self, field):
        if field.data is not None and self.min_headcount.data is not None and field.data < self.min_headcount.data:
            raise ValidationError(_l("Le maximum doit être supérieur ou égal au minimum."))

    def tier(self) -> TierInput:
        return TierInput(self.code.data, self.category.data, self.name_fr.data, self.name_en.data,
                         self.min_headcount.data, self.max_headcount.data, self.fee.cents, self.max_years.data)


