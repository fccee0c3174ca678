"""Forms of memberships: enrolling a member, changing a membership's status, a row of the fee grid."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from ..clusters.forms import OrganizationForm
from ..web.forms import MoneyField, PercentField
from ..web.validators import Siret, strip
from .services import Enrolment, TierInput


def tier_category_choices():
    return [("classic", _l("Classique")), ("discovery", _l("Découverte")), ("partner", _l("Partenaire")),
            ("premium", _l("Premium")), ("basic", _l("Basique")), ("sector", _l("Ticket d'entrée filière")),
            ("individual", _l("Individuelle"))]


CATEGORY_WORDS = {
    "classic": (_l("Adhésion classique"), _l("La cotisation suit la taille de votre organisation.")),
    "discovery": (_l("Adhésion découverte"), _l("Pour essayer le cluster : une seule année, avec une partie des "
                                                "services.")),
    "partner": (_l("Adhésion partenaire"), _l("Pour les prestataires de services utiles aux membres.")),
    "premium": (_l("Adhésion premium"), _l("Des services en plus, compris dans la cotisation.")),
    "basic": (_l("Adhésion de base"), _l("L'accès au réseau et à ses actions.")),
    "sector": (_l("Ticket d'entrée filière"), _l("L'accès aux marchés et appels d'offres de la filière.")),
    "individual": (_l("Adhésion individuelle"), _l("Pour les personnes physiques.")),
}


def join_kind_choices():
    return [("company", _l("Une entreprise")), ("service_provider", _l("Un prestataire de services")),
            ("public_body", _l("Un organisme public")), ("individual", _l("Une personne physique"))]


class JoinForm(FlaskForm):
    """Who joins, when a visitor joins online (a member joins for its organization); the fee's options
    (category, size, year) are read by the membership kind from the same form."""

    name = StringField(_l("Organisation (ou vos prénom et nom)"), filters=[strip], validators=[Length(max=200)])
    siret = StringField(_l("SIRET"), filters=[strip], validators=[Optional(), Siret])
    email = EmailField(_l("Email du contact"), filters=[strip], validators=[Optional(), Email(), Length(max=254)])

    def check_visitor(self, visitor: bool) -> bool:
        """A visitor names who joins and a contact; an organization (not a person) gives its SIRET."""
        if not visitor:
            return True
        for field in (self.name, self.email):
            if not field.data:
                field.errors.append(_l("Ce champ est obligatoire."))
        if not self.siret.data and request.form.get("kind", "company") != "individual":
            self.siret.errors.append(_l("Le SIRET est obligatoire pour une organisation."))
        return not (self.name.errors or self.email.errors or self.siret.errors)

    def billing_prefill(self) -> dict:
        return {"name": self.name.data, "siret": self.siret.data or None, "email": self.email.data}


def membership_status_choices():
    return [("pending", _l("En attente")), ("active", _l("Active")), ("expired", _l("Expirée")),
            ("lapsed", _l("Échue, non payée")), ("excluded", _l("Exclue"))]


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
    basis = SelectField(_l("La tranche porte sur"), default="headcount", choices=lambda: [
        ("headcount", _l("l'effectif")), ("turnover", _l("le chiffre d'affaires annuel"))])
    min_turnover = IntegerField(_l("Chiffre d'affaires minimum (€)"), default=0, validators=[
        Optional(), NumberRange(min=0, message=_l("Le chiffre d'affaires doit être un nombre positif ou nul."))])
    max_turnover = IntegerField(_l("Chiffre d'affaires maximum (€, vide : sans limite)"), validators=[
        Optional(), NumberRange(min=0, message=_l("Le chiffre d'affaires doit être un nombre positif ou nul."))])
    taxable = BooleanField(_l("Cette formule achète un service précis : cotisation soumise à la TVA (20 %)"))
    description_fr = StringField(_l("Ce que la formule comprend (français)"), filters=[strip],
                                 validators=[Optional(), Length(max=500)])
    description_en = StringField(_l("Ce que la formule comprend (anglais)"), filters=[strip],
                                 validators=[Optional(), Length(max=500)])

    def validate_max_headcount(self, field):
        if field.data is not None and self.min_headcount.data is not None and field.data < self.min_headcount.data:
            raise ValidationError(_l("Le maximum doit être supérieur ou égal au minimum."))

    def validate_max_turnover(self, field):
        if field.data is not None and (self.min_turnover.data or 0) > field.data:
            raise ValidationError(_l("Le maximum doit être supérieur ou égal au minimum."))

    def tier(self) -> TierInput:
        turnover = self.basis.data == "turnover"
        return TierInput(self.code.data, self.category.data, self.name_fr.data, self.name_en.data,
                         0 if turnover else self.min_headcount.data, None if turnover else self.max_headcount.data,
                         self.fee.cents, self.max_years.data, self.basis.data,
                         (self.min_turnover.data or 0) if turnover else 0, self.max_turnover.data if turnover else None,
                         2000 if self.taxable.data else None, self.description_fr.data or "",
                         self.description_en.data or "")




class RenewalForm(FlaskForm):
    """The year renewed and the index applied to the grid's fees (INSEE inflation, say), in %."""

    year = IntegerField(_l("Année à renouveler"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    index = PercentField(_l("Indexation des cotisations (%)"), default=0, validators=[
        InputRequired(), NumberRange(min=-50, max=50, message=_l("Entre -50 et 50 %%."))])
