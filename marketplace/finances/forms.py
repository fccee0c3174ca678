"""Forms of the finances pages: a budget year (one amount per origin and scenario), an action, an import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.money import euros_to_cents, round_div
from ..web.forms import HundredthsField, MoneyField, PercentField, between, money_field, optional_int
from .actions import CATEGORIES
from .models import SCENARIOS
from .origins import ORIGINS
from .services import BudgetInput

MAX_LINE_EUROS = 100_000_000
LINE_BOUNDS = _l("Montant positif ou nul (100 000 000 € au plus).")


def line_field(origin) -> MoneyField:
    return MoneyField(origin.label, validators=[Optional(), between(0, MAX_LINE_EUROS, LINE_BOUNDS)])


class BudgetForm(FlaskForm):
    """The published figures of the year, and one amount per origin for the forecast and the actual."""

    members = IntegerField(_l("Adhérents (publiés)"), validators=[Optional(), NumberRange(min=0, max=100_000)])
    declared_ratio = PercentField(_l("Taux d'autofinancement publié (%)"), validators=[
        Optional(), between(0, 100, _l("Un pourcentage de 0 à 100."))])
    hourly_cost = money_field(_l("Coût horaire de l'équipe (€ HT)"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def field_for(self, scenario: str, code: str):
        return self[f"{scenario}_{code}"]

    def data_input(self) -> BudgetInput:
        amounts = {}
        for scenario in SCENARIOS:
            for origin in ORIGINS:
                value = self.field_for(scenario, origin.code).data
                amounts[(scenario, origin.code)] = None if value is None else euros_to_cents(value)
        ratio = self.declared_ratio.bps
        return BudgetInput(amounts, self.members.data, None if ratio is None else round_div(ratio, 10),
                           self.hourly_cost.cents or 0, (self.note.data or "").strip())


for _scenario in SCENARIOS:
    for _origin in ORIGINS:
        setattr(BudgetForm, f"{_scenario}_{_origin.code}", line_field(_origin))


class ActionForm(FlaskForm):
    name = StringField(_l("Action"), validators=[DataRequired(_l("Nommez l'action.")), Length(max=160)])
    category = SelectField(_l("Catégorie de mission"), choices=list(CATEGORIES.items()), default="C")
    public_cap = PercentField(_l("Plafond d'aide publique du dispositif (%, catégorie C)"), validators=[
        Optional(), between(0, 100, _l("Un pourcentage de 0 à 100."))])
    offer_id = SelectField(_l("Offre vendue sur la place de marché"), coerce=optional_int, validate_choice=True)
    staff_hours = HundredthsField(_l("Temps de l'équipe (heures)"), validators=[
        Optional(), between(0, 100_000, _l("De 0 à 100 000 heures."))])
    direct_costs = money_field(_l("Coûts directs (€ HT)"))
    subsidy = money_field(_l("Subvention (€)"))
    other_revenue = money_field(_l("Recettes hors place de marché (€ HT)"))
    price = money_field(_l("Prix unique par participant (€ HT)"))


class BudgetImportForm(FlaskForm):
    file = FileField(_l("Fichier CSV du budget"), validators=[
        FileRequired(_l("Choisissez un fichier.")),
        FileAllowed(["csv", "txt"], _l("Un fichier .csv (séparateur ; ou ,) enregistré en UTF-8."))])
    dry_run = BooleanField(_l("Simulation seulement"), default=True)
