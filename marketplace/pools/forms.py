"""Forms of pooled costs: the cost, a participant, usage."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..web.forms import HundredthsField, MoneyField, PercentField
from ..web.validators import strip
from .services import PoolTerms


def pool_kind_choices():
    return [("shared_function", _l("Fonction support partagée")), ("strategic_purchase", _l("Achat stratégique"))]


def sharing_key_choices():
    return [("equal", _l("Parts égales")), ("members", _l("Au prorata des adhérents")),
            ("usage", _l("Au prorata de l'usage enregistré")), ("fixed", _l("Pourcentages fixes"))]


def usage_unit_choices():
    return [("hours", _l("heures")), ("days", _l("jours"))]


class PoolForm(FlaskForm):
    name = StringField(_l("Nom"), filters=[strip], validators=[DataRequired(), Length(max=160)])
    kind = SelectField(_l("Nature"), choices=pool_kind_choices)
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=1000)])
    provider = SelectField(_l("Prestataire"), coerce=int,
                           description=_l("Le cluster qui porte le coût, ou un fournisseur extérieur."))
    supplier_name = StringField(_l("Fournisseur extérieur"), filters=[strip], validators=[Optional(), Length(max=160)])
    monthly_cost = MoneyField(_l("Coût mensuel (€)"),
                              validators=[InputRequired(), NumberRange(min=0.01, max=10_000_000)])
    sharing_key = SelectField(_l("Clé de répartition"), choices=sharing_key_choices)
    usage_unit = SelectField(_l("Unité d'usage"), choices=usage_unit_choices)
    starts_on = DateField(_l("Début"), validators=[InputRequired()])
    ends_on = DateField(_l("Fin (facultatif)"), validators=[Optional()])

    def terms(self) -> PoolTerms:
        return PoolTerms(name=self.name.data, kind=self.kind.data, description=self.description.data or "",
                         provider_cluster_id=self.provider.data or None, supplier_name=self.supplier_name.data or None,
                         monthly_cost_cents=self.monthly_cost.cents, sharing_key=self.sharing_key.data,
                         usage_unit=self.usage_unit.data, starts_on=self.starts_on.data, ends_on=self.ends_on.data)


class ParticipantForm(FlaskForm):
    cluster_id = SelectField(_l("Cluster"), coerce=int)
    joined_on = DateField(_l("Entrée"), validators=[InputRequired()])
    left_on = DateField(_l("Sortie (facultatif)"), validators=[Optional()])
    fixed_percent = PercentField(_l("Pourcentage fixe"), validators=[Optional(), NumberRange(min=0.01, max=100)])


class UsageForm(FlaskForm):
    cluster_id = SelectField(_l("Cluster"), coerce=int)
    day = DateField(_l("Date"), validators=[InputRequired()])
    quantity = HundredthsField(_l("Quantité"), validators=[InputRequired(), NumberRange(min=0.01, max=10_000)])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=300)])
