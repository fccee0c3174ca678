"""Checkout and cart forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from ..web.validators import Siret, VatNumber, strip


class AddToCartForm(FlaskForm):
    offer_id = IntegerField(validators=[DataRequired()])
    quantity = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=999)])
    variant = StringField(filters=[strip], validators=[Optional(), Length(max=40)])
    date = StringField(filters=[strip], validators=[Optional(), Length(max=10)])
    slot = StringField(filters=[strip], validators=[Optional(), Length(max=20)])
    half = StringField(filters=[strip], validators=[Optional(), Regexp(r"^(morning|afternoon)$")])
    people = IntegerField(validators=[Optional(), NumberRange(min=1, max=10000)])
    category = StringField(filters=[strip], validators=[Optional(), Length(max=20)])


class CheckoutForm(FlaskForm):
    idempotency_key = HiddenField(validators=[DataRequired(), Length(min=16, max=80)])
    billing_name = StringField(_l("Organisation ou nom à facturer"), filters=[strip],
                               validators=[DataRequired(), Length(max=200)])
    billing_email = EmailField(_l("Email de facturation"), filters=[strip],
                               validators=[DataRequired(), Email(), Length(max=254)])
    billing_siret = StringField(_l("SIRET (entreprises)"), filters=[strip], validators=[Optional(), Siret])
    billing_vat_number = StringField(_l("N° de TVA intracommunautaire"), filters=[strip],
                                     validators=[Optional(), VatNumber])
    billing_address = StringField(_l("Adresse"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    billing_postal_code = StringField(_l("Code postal"), filters=[strip], validators=[
        DataRequired(), Regexp(r"^\d{5}$", message=_l("Code postal à 5 chiffres."))])
    billing_city = StringField(_l("Ville"), filters=[strip], validators=[DataRequired(), Length(max=80)])
    payment_method = RadioField(_l("Paiement"), default="bank_transfer", choices=[
        ("bank_transfer", _l("Virement bancaire (référence RF)")), ("stripe", _l("Carte bancaire (Stripe)"))])
    accept_terms = BooleanField(_l("J'accepte les conditions générales de vente"), validators=[
        DataRequired(message=_l("Acceptez les conditions générales de vente pour commander."))])
