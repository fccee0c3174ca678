"""Forms of rooms: a line of a room's rate grid."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, ValidationError
from wtforms.validators import InputRequired

from ..web.forms import between, money_field
from .rules import SLOTS
from .services import RateInput, rates_of


def day_type_choices():
    return [("weekday", _l("En semaine")), ("saturday", _l("Samedi")), ("sunday", _l("Dimanche")),
            ("weekend", _l("Week-end")), ("any", _l("Tous les jours"))]


def slot_choices():
    lang = str(get_locale() or "fr")[:2]
    return [(code, slot.label(lang)) for code, slot in SLOTS.items()]


class RoomRateForm(FlaskForm):
    """A room price for a day type, a slot and a band of people (bounds included)."""

    rate_day_type = SelectField(_l("Jours"), choices=day_type_choices)
    rate_slot = SelectField(_l("Créneau"), choices=slot_choices)
    rate_min_people = IntegerField(_l("Personnes, de"), default=1, validators=[
        InputRequired(message=_l("Au moins une personne.")), between(1, 10_000, _l("Au moins une personne."))])
    rate_max_people = IntegerField(_l("à"), validators=[
        InputRequired(message=_l("Indiquez le nombre maximum de personnes.")),
        between(1, 10_000, _l("Au moins une personne."))])
    rate_price = money_field(_l("Prix public (€)"), required=True, message=_l("Indiquez le prix de ce créneau."))

    def validate_rate_max_people(self, field):
        if field.data is not None and self.rate_min_people.data is not None \
                and field.data < self.rate_min_people.data:
            raise ValidationError(_l("Le maximum doit être supérieur ou égal au minimum."))

    def rate(self) -> RateInput:
        return RateInput(self.rate_day_type.data, self.rate_slot.data, self.rate_min_people.data,
                         self.rate_max_people.data, self.rate_price.cents)


RATES_SECTION = "rooms/console/_rates.html"  # the grid's section of an offer's console page


def grid_section(db, offer, rate_form: RoomRateForm | None = None) -> dict:
    """What the rate grid section of an offer's console page shows: the grid and the form to extend it."""
    return {"rates": rates_of(db, offer.id), "rate_form": rate_form or RoomRateForm(formdata=None)}
