"""Forms of agreements: a supplier agreement and its purchases, a success-fee agreement and its outcomes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.forms import MoneyField, PercentField
from ..web.validators import strip
from .services import DeclaredOutcome, SuccessFeeTerms, SupplierTerms


class SupplierAgreementForm(FlaskForm):
    supplier_name = StringField(_l("Fournisseur"), filters=[strip], validators=[DataRequired(), Length(max=160)])
    year = IntegerField(_l("Année"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    rebate_percent = PercentField(_l("Ristourne (pourcentage du chiffre d'affaires)"),
                                  validators=[InputRequired(), NumberRange(min=0.01, max=100)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=500)])

    def terms(self) -> SupplierTerms:
        return SupplierTerms(supplier_name=self.supplier_name.data, year=self.year.data,
                             rebate_bps=self.rebate_percent.bps, description=self.description.data or "")


class PurchaseForm(FlaskForm):
    organization_id = SelectField(_l("Adhérent"), coerce=int)
    day = DateField(_l("Date"), validators=[InputRequired()])
    amount = MoneyField(_l("Montant HT (€)"), validators=[InputRequired(), NumberRange(min=0.01, max=100_000_000)])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=300)])


class SuccessFeeAgreementForm(FlaskForm):
    organization_id = SelectField(_l("Adhérent"), coerce=int)
    offer_id = SelectField(_l("Prestation"), coerce=int)
    rate_percent = PercentField(_l("Taux (pourcentage du montant déclaré)"), validators=[InputRequired(), NumberRange(min=0.01, max=100)])
    minimum = MoneyField(_l("Minimum (€ HT)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    cap = MoneyField(_l("Plafond (€ HT, facultatif)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=500)])

    def terms(self) -> SuccessFeeTerms:
        return SuccessFeeTerms(organization_id=self.organization_id.data, offer_id=self.offer_id.data,
                               rate_bps=self.rate_percent.bps, min_cents=self.minimum.cents or 0,
                               cap_cents=self.cap.cents, description=self.description.data or "")


class DeclarationForm(FlaskForm):
    outcome = StringField(_l("Résultat"), filters=[strip], validators=[DataRequired(), Length(max=300)],
                          description=_l("Ex. « Marché de maintenance des éoliennes remporté »"))
    declared = MoneyField(_l("Montant déclaré (€ HT)"), validators=[InputRequired(), NumberRange(min=0.01, max=10**10)])
    idempotency_key = HiddenField(validators=[DataRequired(), Length(min=8, max=60)])

    def declared_outcome(self) -> DeclaredOutcome:
        return DeclaredOutcome(self.outcome.data, self.declared.cents, self.idempotency_key.data)
