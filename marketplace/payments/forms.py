"""Treasury forms: a transfer seen on the account, a bank statement file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.forms import MoneyField
from ..web.validators import strip
from .services import ManualTransfer


class ManualPaymentForm(FlaskForm):
    order_number = StringField(_l("N° de commande"), filters=[strip], validators=[DataRequired(), Length(max=20)])
    amount = MoneyField(_l("Montant reçu (€)"), validators=[
        InputRequired(), NumberRange(min=0.01, max=10_000_000, message=_l("Montant positif."))])
    booked_on = DateField(_l("Date de valeur"), validators=[DataRequired()])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])

    def transfer(self) -> ManualTransfer:
        return ManualTransfer(self.order_number.data, self.amount.cents, self.booked_on.data, self.note.data or "")


class StatementForm(FlaskForm):
    statement = FileField(_l("Relevé camt.053 (XML) ou CFONB 120"), validators=[
        FileRequired(_l("Choisissez un fichier.")),
        FileAllowed(["xml", "txt", "cfo", "dat"],
                    _l("Un relevé camt.053 est un fichier .xml ; un relevé CFONB 120, un fichier .txt, .cfo ou .dat."))])


class RefundForm(FlaskForm):
    amount = MoneyField(_l("Montant à rembourser (€ TTC)"), validators=[
        InputRequired(), NumberRange(min=0.01, max=10_000_000, message=_l("Montant positif."))])
    reason = StringField(_l("Motif"), filters=[strip], validators=[DataRequired(), Length(max=500)])
