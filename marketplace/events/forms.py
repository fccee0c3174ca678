"""Forms of the events console: an event, its days, its status, its offers and its quotas."""

from __future__ import annotations

import re
from datetime import date, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from ..web.forms import ParisDateTimeField, form_values
from ..web.validators import HttpUrl, Siret, strip
from .services import EventInput

HOUR = r"(\d{1,2})(?:[:h](\d{2})?)?"  # 9:00, 09h30, 9h
DAY_LINE = re.compile(rf"^\s*(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})\s+{HOUR}\s*(?:-|–|à)\s*{HOUR}\s*$")


def event_status_choices():
    return [("draft", _l("Brouillon")), ("published", _l("En vente")), ("sales_closed", _l("Ventes fermées")),
            ("cancelled", _l("Annulé"))]


class EventForm(FlaskForm):
    slug = StringField(_l("Adresse (dans /events/…)"), filters=[strip], validators=[
        DataRequired(), Length(max=80),
        Regexp(r"^[a-z0-9-]+$", message=_l("Minuscules, chiffres et tirets seulement."))])
    title_fr = StringField(_l("Titre (français)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Titre (anglais)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    summary_fr = StringField(_l("Résumé (français)"), filters=[strip], validators=[Optional(), Length(max=300)])
    summary_en = StringField(_l("Résumé (anglais)"), filters=[strip], validators=[Optional(), Length(max=300)])
    description_fr = TextAreaField(_l("Description (français)"), filters=[strip],
                                   validators=[Optional(), Length(max=20_000)])
    description_en = TextAreaField(_l("Description (anglais)"), filters=[strip],
                                   validators=[Optional(), Length(max=20_000)])
    venue = StringField(_l("Lieu"), filters=[strip], validators=[Optional(), Length(max=200)])
    city = StringField(_l("Ville"), filters=[strip], validators=[Optional(), Length(max=80)])
    starts_at = ParisDateTimeField(_l("Début"), validators=[InputRequired()])
    ends_at = ParisDateTimeField(_l("Fin"), validators=[InputRequired()])
    capacity = IntegerField(_l("Capacité totale (personnes, vide : sans limite)"), validators=[
        Optional(), NumberRange(min=0, max=1_000_000, message=_l("Un nombre positif ou nul."))])

    def event(self) -> EventInput:
        return form_values(self, EventInput)


class DaysForm(FlaskForm):
    days = TextAreaField(_l("Jours et horaires, un par ligne (JJ/MM/AAAA HH:MM-HH:MM)"),
                         validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 5})

    def validate_days(self, field):
        self.parsed = []
        for number, line in enumerate(filter(str.strip, field.data.splitlines()), start=1):
            match = DAY_LINE.match(line)
            try:
                d, m, y, h1, m1, h2, m2 = (int(x or 0) for x in match.groups()) if match else (None,) * 7
                self.parsed.append((date(y, m, d), time(h1, m1), time(h2, m2)))
            except (TypeError, ValueError) as exc:
                raise ValidationError(_l("Ligne %(n)d illisible : écrivez par exemple 16/03/2027 09:00-18:00.",
                                         n=number)) from exc

    def days_text(self, days) -> str:
        return "\n".join(f"{d.day:%d/%m/%Y} {d.opens:%H:%M}-{d.closes:%H:%M}" for d in days)


class StatusForm(FlaskForm):
    """Draft, on sale, sales closed (cancelling an event refunds its orders: not a mere change of state)."""

    status = SelectField(_l("État"), choices=lambda: event_status_choices()[:3])


class AttachForm(FlaskForm):
    offer_id = SelectField(_l("Offre du cluster"), coerce=int, validate_choice=True)


class QuotaForm(FlaskForm):
    name = StringField(_l("Nom du quota"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    size = IntegerField(_l("Places"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000)])
    offer_ids = SelectMultipleField(_l("Billets qui le partagent"), coerce=int, validate_choice=True,
                                    option_widget=widgets.CheckboxInput(),
                                    widget=widgets.ListWidget(prefix_label=False))


class AttendeeForm(FlaskForm):
    name = StringField(_l("Participant"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email du participant (facultatif)"), filters=[strip],
                       validators=[Optional(), Email(), Length(max=254)])


class ScanForm(FlaskForm):
    code = StringField(_l("Code du billet"), filters=[strip], validators=[DataRequired(), Length(max=60)])


class WaitlistForm(FlaskForm):
    offer_id = IntegerField(validators=[DataRequired()])
    name = StringField(_l("Votre nom"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Votre email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Motif, dit aux participants"), filters=[strip],
                           validators=[DataRequired(), Length(max=500)])
    confirm = BooleanField(_l("Je confirme : toutes les commandes sont remboursées et les billets annulés."),
                           validators=[DataRequired(message=_l("Cochez la case pour confirmer l'annulation."))])


class ExclusionForm(FlaskForm):
    siret = StringField(_l("SIRET"), filters=[strip], validators=[DataRequired(), Siret])
    name = StringField(_l("Organisation"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    reason = StringField(_l("Pourquoi"), filters=[strip], validators=[Optional(), Length(max=300)])


class ProfileForm(FlaskForm):
    company = StringField(_l("Nom affiché"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    website = StringField(_l("Site web"), filters=[strip], validators=[Optional(), Length(max=300), HttpUrl])
    description = TextAreaField(_l("Présentation"), filters=[strip], validators=[Optional(), Length(max=2000)],
                                render_kw={"rows": 5})
    logo = FileField(_l("Logo (PNG, JPEG ou WebP, 512 Ko au plus)"),
                     validators=[FileAllowed(["png", "jpg", "jpeg", "webp"], _l("Une image PNG, JPEG ou WebP."))])


class InvitationForm(FlaskForm):
    offer_id = SelectField(_l("Billet offert"), coerce=int, validate_choice=True)
    label = StringField(_l("Pour qui (presse, intervenants…)"), filters=[strip], validators=[Optional(), Length(max=120)])
    max_uses = IntegerField(_l("Nombre de billets"), default=1, validators=[InputRequired(), NumberRange(min=1, max=10_000)])
    code = StringField(_l("Code (vide : tiré au hasard)"), filters=[strip], validators=[
        Optional(), Length(min=6, max=40), Regexp(r"^[A-Za-z0-9-]+$", message=_l("Lettres, chiffres et tirets."))])


class CodeEntryForm(FlaskForm):
    invitation = StringField(_l("Code d'invitation"), filters=[strip], validators=[DataRequired(), Length(max=40)])


class StandForm(FlaskForm):
    stand_number = StringField(_l("N° de stand"), filters=[strip], validators=[Optional(), Length(max=20)])


class PackageForm(FlaskForm):
    invitations = IntegerField(_l("Invitations données"), default=0, validators=[InputRequired(),
                                                                                 NumberRange(min=0, max=1000)])
    stands = IntegerField(_l("Stands compris"), default=0, validators=[Optional(), NumberRange(min=0, max=20)])
