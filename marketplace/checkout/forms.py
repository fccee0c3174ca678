"""Checkout and cart forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from ..web.validators import Siret, VatNumber, strip
from .orders import Billing


class AddToCartForm(FlaskForm):
    """An offer and a quantity; its kind reads its own options (a date, a slot, a pack...) from the same form."""

    offer_id = IntegerField(validators=[DataRequired()])
    quantity = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=999)])


class LineQuantityForm(FlaskForm):
    quantity = IntegerField(_l("Quantité"), validators=[
        DataRequired(message=_l("Indiquez une quantité entière de 1 à 999.")),
        NumberRange(min=1, max=999, message=_l("Indiquez une quantité entière de 1 à 999."))])


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

    def billing(self) -> Billing:
        return Billing(self.billing_name.data, self.billing_email.data, self.billing_siret.data or None,
                       self.billing_vat_number.data or None, self.billing_address.data,
                       self.billing_postal_code.data, self.billing_city.data)
