"""Forms of the clusters feature: cluster profile, member organization, membership, fee grid, partnership."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from ..web.forms import PercentField, form_values
from ..web.validators import Bic, HttpUrl, Iban, Siret, VatNumber, strip
from .services import ClusterProfile, OrganizationDetails


def vat_regime_choices():
    return [("liable", _l("Assujetti à la TVA")),
            ("franchise", _l("Franchise en base (art. 293 B du CGI)")),
            ("exempt", _l("Exonéré (article à préciser)"))]


def organization_kind_choices():
    return [("company", _l("Entreprise")), ("individual", _l("Particulier")),
            ("public_body", _l("Organisme public")), ("service_provider", _l("Prestataire de services"))]


class ClusterForm(FlaskForm):
    slug = StringField(_l("Identifiant d'adresse"), filters=[strip], validators=[
        DataRequired(), Length(max=60),
        Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Minuscules, chiffres et tirets seulement."))])
    name = StringField(_l("Nom"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    legal_name = StringField(_l("Raison sociale"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), filters=[strip], validators=[DataRequired(), Siret])
    vat_number = StringField(_l("N° de TVA intracommunautaire"), filters=[strip], validators=[Optional(), VatNumber])
    vat_regime = SelectField(_l("Régime de TVA"), choices=vat_regime_choices)
    vat_exempt_mention = StringField(_l("Mention d'exonération"), filters=[strip], validators=[Length(max=200)])
    region = StringField(_l("Région"), filters=[strip], validators=[DataRequired(), Length(max=80)])
    sector = StringField(_l("Filière"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    city = StringField(_l("Ville"), filters=[strip], validators=[Optional(), Length(max=80)])
    website = URLField(_l("Site web"), filters=[strip], validators=[Optional(), Length(max=200), HttpUrl])
    email = EmailField(_l("Email de contact"), filters=[strip], validators=[Optional(), Email(), Length(max=254)])
    staff_fte = IntegerField(_l("Équipe (ETP)"), default=0,
                             validators=[InputRequired(), NumberRange(min=0, max=500)])
    description_fr = TextAreaField(_l("Présentation (français)"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Présentation (anglais)"), validators=[Optional(), Length(max=5000)])
    iban = StringField(_l("IBAN"), filters=[strip], validators=[Optional(), Iban])
    bic = StringField(_l("BIC"), filters=[strip], validators=[Optional(), Bic])
    stripe_account_id = StringField(_l("Compte Stripe connecté"), filters=[strip], validators=[
        Optional(), Regexp(r"^acct_[A-Za-z0-9]+$", message=_l("Un identifiant Stripe commence par acct_."))])

    def validate_vat_exempt_mention(self, field):
        if self.vat_regime.data == "exempt" and not (field.data or "").strip():
            from wtforms import ValidationError

            raise ValidationError(_l("Indiquez l'article qui fonde l'exonération (mention des factures)."))

    def profile(self) -> ClusterProfile:
        return form_values(self, ClusterProfile)


class OrganizationForm(FlaskForm):
    name = StringField(_l("Nom de l'organisation"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Type"), choices=organization_kind_choices)
    siret = StringField(_l("SIRET"), filters=[strip], validators=[Siret])
    vat_number = StringField(_l("N° de TVA intracommunautaire"), filters=[strip], validators=[Optional(), VatNumber])
    headcount = IntegerField(_l("Effectif (salariés)"), default=0, validators=[
        InputRequired(message=_l("Indiquez l'effectif (0 pour un particulier).")),
        NumberRange(min=0, max=1_000_000, message=_l("L'effectif doit être un nombre positif ou nul."))])
    turnover_euros = IntegerField(_l("Chiffre d'affaires annuel (€, facultatif)"), validators=[
        Optional(), NumberRange(min=0, max=10**12, message=_l("Le chiffre d'affaires doit être un nombre positif ou nul."))])
    email = EmailField(_l("Email"), filters=[strip], validators=[Optional(), Email(), Length(max=254)])
    address = StringField(_l("Adresse"), filters=[strip], validators=[Optional(), Length(max=300)])
    postal_code = StringField(_l("Code postal"), filters=[strip], validators=[
        Optional(), Regexp(r"^\d{5}$", message=_l("Code postal à 5 chiffres."))])
    city = StringField(_l("Ville"), filters=[strip], validators=[Optional(), Length(max=80)])

    def validate_siret(self, field):
        if self.kind.data in ("company", "service_provider") and not field.data:
            from wtforms import ValidationError

            raise ValidationError(_l("Le SIRET est obligatoire pour une entreprise."))

    def details(self) -> OrganizationDetails:
        return form_values(self, OrganizationDetails)


class PartnershipForm(FlaskForm):
    partner_id = SelectField(_l("Cluster partenaire"), coerce=int, validate_choice=True)
    reciprocity_percent = PercentField(_l("Remise de réciprocité (%)"), validators=[
        InputRequired(), NumberRange(min=0, max=100, message=_l("Entre 0 et 100 %%."))])
    own_share_percent = PercentField(_l("Part par défaut de votre cluster sur les ventes communes (%)"),
                                     default=50, validators=[
                                         InputRequired(), NumberRange(min=0, max=100, message=_l("Entre 0 et 100 %%."))])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])


class StaffForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Nom complet"), filters=[strip], validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Rôle"), choices=[("manager", _l("Gestionnaire")), ("admin", _l("Administrateur"))])
