"""Forms of rooms: a line of a room's rate grid, how the room is run, its opening hours and closed days."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from ..web.forms import PercentField, between, money_field
from ..web.i18n import current_language
from ..web.validators import strip
from .rules import SLOTS, WEEKDAYS_FR
from .services import RateInput, rates_of

HOURS_LINE = re.compile(r"^([a-zéû]+)\s+(\d{1,2})(?:[:h](\d{2})?)?\s*(?:-|–|à)\s*(\d{1,2})(?:[:h](\d{2})?)?$")


def day_type_choices():
    return [("weekday", _l("En semaine")), ("saturday", _l("Samedi")), ("sunday", _l("Dimanche")),
            ("weekend", _l("Week-end")), ("any", _l("Tous les jours"))]


def slot_choices():
    lang = current_language()
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


class SpaceForm(FlaskForm):
    """How the room is run: size, equipment, time kept free between bookings, cancellation policy."""

    capacity = IntegerField(_l("Capacité (personnes)"), validators=[Optional(), between(1, 10_000, _l("Au moins 1."))])
    equipment = TextAreaField(_l("Équipements"), filters=[strip], validators=[Optional(), Length(max=1000)],
                              render_kw={"rows": 3})
    buffer_minutes = IntegerField(_l("Temps libre entre deux réservations (minutes)"), default=0, validators=[
        InputRequired(), between(0, 600, _l("Entre 0 et 600 minutes."))])
    cancel_free_days = IntegerField(_l("Annulation gratuite jusqu'à (jours avant)"), default=14, validators=[
        InputRequired(), between(0, 365, _l("Entre 0 et 365 jours."))])
    cancel_fee = PercentField(_l("Frais d'annulation ensuite (en pourcentage du prix)"), default=50, validators=[
        InputRequired(), between(0, 100, _l("Entre 0 et 100 %%."))])
    horizon_days = IntegerField(_l("Réservations ouvertes jusqu'à (jours à l'avance)"), default=365, validators=[
        InputRequired(), between(1, 1100, _l("Entre 1 et 1 100 jours."))])


class HoursForm(FlaskForm):
    """Opening hours, a line per weekday open (« lundi 09:00-22:00 »); no line at all: 8:00 to 23:00 daily."""

    hours = TextAreaField(_l("Horaires d'ouverture, un jour par ligne (lundi 09:00-22:00 ; un jour absent est fermé)"),
                          validators=[Optional(), Length(max=1000)], render_kw={"rows": 7})

    def validate_hours(self, field):
        self.parsed = {}
        names = [name for name in WEEKDAYS_FR]
        for number, line in enumerate(filter(str.strip, (field.data or "").splitlines()), start=1):
            match = HOURS_LINE.match(line.strip().lower())
            if not match or match.group(1) not in names:
                raise ValidationError(_l("Ligne %(n)d illisible : écrivez par exemple « lundi 09:00-22:00 ».", n=number))
            try:
                opens = time(int(match.group(2)), int(match.group(3) or 0))
                closes = time(int(match.group(4)), int(match.group(5) or 0))
            except ValueError as exc:
                raise ValidationError(_l("Ligne %(n)d : heure impossible.", n=number)) from exc
            if closes <= opens:
                raise ValidationError(_l("Ligne %(n)d : la salle doit fermer après avoir ouvert.", n=number))
            self.parsed[names.index(match.group(1))] = (opens, closes)


class ClosureForm(FlaskForm):
    day = DateField(_l("Jour de fermeture"), validators=[InputRequired()])
    reason = StringField(_l("Motif (férié, travaux…)"), filters=[strip], validators=[Optional(), Length(max=200)])


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG ou WebP, 8 Mo au plus)"), validators=[
        FileRequired(_l("Choisissez une photo.")),
        FileAllowed(["jpg", "jpeg", "png", "webp"], _l("Une image JPEG, PNG ou WebP."))],
        render_kw={"accept": "image/jpeg,image/png,image/webp"})
    caption = StringField(_l("Légende"), filters=[strip], validators=[Optional(), Length(max=200)])


class QuoteRequestForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    slot = SelectField(_l("Créneau"), choices=slot_choices)
    half = SelectField(_l("Moment"), choices=lambda: [("", _l("Matin")), ("afternoon", _l("Après-midi"))],
                       validate_choice=False)
    people = IntegerField(_l("Nombre de personnes"), validators=[InputRequired(), between(1, 100_000,
                                                                                          _l("Au moins une personne."))])
    name = StringField(_l("Votre nom et votre organisation"), filters=[strip], validators=[InputRequired(),
                                                                                          Length(max=200)])
    email = EmailField(_l("Votre email"), filters=[strip], validators=[InputRequired(), Email(), Length(max=254)])
    message = TextAreaField(_l("Votre projet (déroulé, traiteur, technique…)"), filters=[strip],
                            validators=[Optional(), Length(max=2000)], render_kw={"rows": 4})


class ProposalForm(FlaskForm):
    price = money_field(_l("Prix proposé HT (€)"), required=True, message=_l("Indiquez le prix proposé."))
    note = TextAreaField(_l("Ce que comprend la proposition"), filters=[strip], validators=[Optional(),
                                                                                            Length(max=1000)])
