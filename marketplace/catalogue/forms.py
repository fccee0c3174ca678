"""Forms of the catalogue: an offer (texts, dates, prices, VAT, themes, co-owners) and a variant."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ..core.kinds import all_kinds, get_kind, is_kind
from ..web.forms import (
    ParisDateTimeField,
    PercentField,
    between,
    money_field,
    optional_int,
    split_list,
)
from ..web.validators import strip
from .services import THEME_MAX_LENGTH, OfferInput, VariantInput, co_owners_of, partner_clusters, themes_text

CO_OWNER_ROWS = 3
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CODE_PATTERN = r"^[a-z0-9_-]+$"


def offer_kind_choices():
    return [(kind.code, kind.label) for kind in all_kinds()]


def visibility_choices():
    return [("public", _l("Public : tout le monde")), ("members", _l("Adhérents du cluster")),
            ("partners", _l("Adhérents du cluster et des clusters partenaires"))]


def vat_choices():
    return [("2000", _l("20 %")), ("1000", _l("10 %")), ("550", _l("5,5 %")), ("210", _l("2,1 %")),
            ("exempt", _l("Exonéré / hors champ"))]


def _after(start_name: str, message):
    def validate(form, field):
        start = form[start_name].data
        if field.data is not None and start is not None and field.data <= start:
            raise ValidationError(message)

    return validate


class CoOwnerRow(Form):
    """One partner cluster that co-produces the offer, and its share of the revenue excl. VAT."""

    cluster_id = SelectField(_l("Cluster partenaire"), coerce=optional_int, validate_choice=True,
                             invalid_choice_message=_l("Choisissez un cluster partenaire de votre cluster."))
    share = PercentField(_l("Part des recettes HT (%)"), validators=[
        Optional(), between(0, 100, _l("Une part est comprise entre 0 et 100 % (exclus)."),
                            low_inclusive=False, high_inclusive=False)])


class OfferForm(FlaskForm):
    kind = SelectField(_l("Type d'offre"), choices=offer_kind_choices)
    slug = StringField(_l("Identifiant d'adresse"), filters=[strip], validators=[
        DataRequired(message=_l("Choisissez un identifiant (ex. salon-2027-stand).")), Length(max=80),
        Regexp(SLUG_PATTERN, message=_l("Minuscules, chiffres et tirets seulement."))])
    title_fr = StringField(_l("Titre (français)"), filters=[strip], validators=[
        DataRequired(message=_l("Le titre en français est obligatoire.")), Length(max=200)])
    title_en = StringField(_l("Titre (anglais)"), filters=[strip], validators=[
        DataRequired(message=_l("Le titre en anglais est obligatoire.")), Length(max=200)])
    summary_fr = StringField(_l("Résumé (français)"), filters=[strip], validators=[Optional(), Length(max=300)])
    summary_en = StringField(_l("Résumé (anglais)"), filters=[strip], validators=[Optional(), Length(max=300)])
    description_fr = TextAreaField(_l("Description (français)"), filters=[strip],
                                   validators=[Optional(), Length(max=20000)])
    description_en = TextAreaField(_l("Description (anglais)"), filters=[strip],
                                   validators=[Optional(), Length(max=20000)])
    includes_fr = TextAreaField(_l("Ce que le prix comprend (français)"), filters=[strip],
                                validators=[Optional(), Length(max=1000)])
    includes_en = TextAreaField(_l("Ce que le prix comprend (anglais)"), filters=[strip],
                                validators=[Optional(), Length(max=1000)])
    themes = StringField(_l("Thèmes"), filters=[strip], validators=[Optional(), Length(max=500)])

    visibility = SelectField(_l("Visibilité"), choices=visibility_choices, default="public")
    is_published = BooleanField(_l("Publiée au catalogue"), default=False)
    members_only = BooleanField(_l("Réservée aux adhérents (achat)"), default=False)
    discovery_scope = BooleanField(_l("Le tarif adhérent vaut aussi pour la formule découverte"), default=True)
    sale_starts_at = ParisDateTimeField(_l("Début de la vente"), validators=[Optional()])
    sale_ends_at = ParisDateTimeField(_l("Fin de la vente"), validators=[
        Optional(), _after("sale_starts_at", _l("La fin de la vente doit être après son début."))])

    starts_at = ParisDateTimeField(_l("Début"), validators=[Optional()])
    ends_at = ParisDateTimeField(_l("Fin"), validators=[
        Optional(), _after("starts_at", _l("La fin doit être après le début."))])
    location = StringField(_l("Lieu"), filters=[strip], validators=[Optional(), Length(max=200)])
    capacity = IntegerField(_l("Capacité (places, vide : illimitée)"), validators=[
        Optional(), between(0, 1_000_000, _l("La capacité est un nombre positif ou nul."))])
    max_per_order = IntegerField(_l("Maximum par commande (vide : sans limite)"), validators=[
        Optional(), between(1, 10_000, _l("Au moins 1."))])

    list_price = money_field(_l("Prix public (€)"), required=True,
                        message=_l("Indiquez le prix public (0 pour une offre gratuite)."))
    prices_include_vat = BooleanField(_l("Prix toutes taxes comprises (TTC)"), default=False)
    vat_rate = SelectField(_l("TVA"), choices=vat_choices, default="2000")
    vat_exempt_mention = StringField(_l("Mention d'exonération de TVA"), filters=[strip],
                                     validators=[Length(max=200)])
    member_price = money_field(_l("Prix adhérent (€)"))
    member_discount = PercentField(_l("ou remise adhérent (%)"), validators=[
        Optional(), between(0, 100, _l("Une remise est comprise entre 0 et 100 %."), low_inclusive=False)])
    included_in_tiers = StringField(_l("Incluse dans les formules d'adhésion"), filters=[strip],
                                    validators=[Optional(), Length(max=200)])
    # No Optional() on these two: an empty one must still reach its "both or neither" check.
    early_bird_until = ParisDateTimeField(_l("Tarif lève-tôt jusqu'au"))
    early_bird_discount = PercentField(_l("Remise lève-tôt (%)"), validators=[
        between(0, 100, _l("Une remise est comprise entre 0 et 100 %."), low_inclusive=False)])

    co_owners = FieldList(FormField(CoOwnerRow), min_entries=CO_OWNER_ROWS, max_entries=CO_OWNER_ROWS)

    known_tier_codes: list[str] | None = None  # the cluster's fee grid, when known: checked with the rest
    former_partner_ids: frozenset[int] = frozenset()

    def set_partner_choices(self, partners: list[tuple[int, str]],
                            former_partners: list[tuple[int, str]] = ()) -> None:
        """Co-owners can only be clusters in a partnership with the offer's cluster.

        A co-owner whose partnership has ended stays listed (marked) rather than silently dropped from the
        select, and saving asks to remove it.
        """
        self.former_partner_ids = frozenset(cluster_id for cluster_id, _name in former_partners)
        choices = [("", _l("— aucun —")), *partners,
                   *[(cluster_id, _l("%(name)s (plus partenaire)", name=name)) for cluster_id, name in former_partners]]
        for row in self.co_owners:
            row.form.cluster_id.choices = choices

    def validate_vat_exempt_mention(self, field):
        if self.vat_rate.data == "exempt" and not field.data:
            raise ValidationError(_l("Sans TVA, la facture doit citer l'article qui l'exonère "
                                     "(ex. « TVA non applicable, art. 261-7-1° du CGI »)."))

    def validate_member_price(self, field):
        if field.data is None:
            return
        if is_kind(self.kind.data) and get_kind(self.kind.data).member_discount_only:
            raise ValidationError(_l("Pour cette offre, indiquez une remise adhérent en % : "
                                     "elle s'applique à chaque tarif de sa grille."))
        if self.list_price.data is not None and field.data > self.list_price.data:
            raise ValidationError(_l("Le prix adhérent ne peut pas dépasser le prix public."))

    def validate_member_discount(self, field):
        if field.data is not None and self.member_price.data is not None:
            raise ValidationError(_l("Un prix adhérent ou une remise adhérent, pas les deux."))

    def validate_included_in_tiers(self, field):
        codes = split_list(field.data)
        if not all(re.match(CODE_PATTERN, code) for code in codes):
            raise ValidationError(_l("Codes de formules séparés par des virgules (ex. premium, classic)."))
        unknown = [code for code in codes if self.known_tier_codes is not None and code not in self.known_tier_codes]
        if unknown:
            raise ValidationError(_l("Absent de votre grille des cotisations : %(codes)s.", codes=", ".join(unknown)))

    def validate_early_bird_until(self, field):
        if field.data is None and self.early_bird_discount.data is not None and not field.errors:
            raise ValidationError(_l("Indiquez jusqu'à quand vaut la remise lève-tôt."))

    def validate_early_bird_discount(self, field):
        if field.data is None and self.early_bird_until.data is not None and not field.errors:
            raise ValidationError(_l("Indiquez la remise lève-tôt, ou videz sa date limite."))

    def validate_themes(self, field):
        too_long = [t for t in split_list(field.data) if len(t) > THEME_MAX_LENGTH]
        if too_long:
            raise ValidationError(_l("Un thème fait %(n)d caractères au plus : « %(theme)s ».",
                                     n=THEME_MAX_LENGTH, theme=too_long[0][:60]))

    def validate_co_owners(self, field):
        chosen: list[int] = []
        total = Decimal(0)
        for row in field:
            cluster, share = row.form.cluster_id, row.form.share
            if cluster.errors or share.errors:
                continue
            if cluster.data is None:
                if share.data is not None:
                    share.errors.append(_l("Choisissez le cluster qui reçoit cette part."))
                continue
            if share.data is None:
                share.errors.append(_l("Indiquez la part de ce cluster."))
            elif cluster.data in self.former_partner_ids:
                cluster.errors.append(_l("Ce cluster n'est plus partenaire : choisissez « aucun » "
                                         "ou rétablissez le partenariat."))
            elif cluster.data in chosen:
                cluster.errors.append(_l("Ce cluster est déjà co-organisateur."))
            else:
                chosen.append(cluster.data)
                total += share.data
                if total >= 100:
                    share.errors.append(_l("Les parts des co-organisateurs doivent laisser une part à votre "
                                           "cluster : leur total doit rester sous 100 %."))
        if any(row.form.errors for row in field):
            raise ValidationError(_l("Vérifiez les co-organisateurs."))

    # Values in the model's units, once the form is valid.

    def offer_input(self) -> OfferInput:
        texts = {name: self[name].data or "" for name in OfferInput.TEXTS}
        optional = {name: self[name].data for name in ("sale_starts_at", "sale_ends_at", "starts_at", "ends_at",
                                                       "early_bird_until", "capacity", "max_per_order")}
        return OfferInput(
            kind=self.kind.data, slug=self.slug.data, visibility=self.visibility.data,
            is_published=self.is_published.data, members_only=self.members_only.data,
            discovery_scope=self.discovery_scope.data, prices_include_vat=self.prices_include_vat.data,
            list_price_cents=self.list_price.cents, member_price_cents=self.member_price.cents,
            member_discount_bps=self.member_discount.bps, early_bird_discount_bps=self.early_bird_discount.bps,
            vat_rate_bps=None if self.vat_rate.data == "exempt" else int(self.vat_rate.data),
            vat_exempt_mention=self.vat_exempt_mention.data or None,
            themes=tuple(split_list(self.themes.data)), included_in_tiers=tuple(split_list(self.included_in_tiers.data)),
            co_owners=tuple((row.form.cluster_id.data, row.form.share.bps) for row in self.co_owners
                            if row.form.cluster_id.data is not None and row.form.share.data is not None),
            **texts, **optional)


class VariantForm(FlaskForm):
    """A priced pack of an offer (a book of 10 tickets consumes 10 units)."""

    variant_code = StringField(_l("Code"), filters=[strip], validators=[
        DataRequired(message=_l("Un code court, ex. carnet-10.")), Length(max=40),
        Regexp(CODE_PATTERN, message=_l("Minuscules, chiffres, tirets et soulignés seulement."))])
    variant_label_fr = StringField(_l("Libellé (français)"), filters=[strip],
                                   validators=[DataRequired(), Length(max=120)])
    variant_label_en = StringField(_l("Libellé (anglais)"), filters=[strip],
                                   validators=[DataRequired(), Length(max=120)])
    variant_list_price = money_field(_l("Prix public (€)"), required=True,
                                message=_l("Indiquez le prix public (0 pour gratuit)."))
    variant_member_price = money_field(_l("Prix adhérent (€, facultatif)"))
    variant_units = IntegerField(_l("Unités consommées"), default=1, validators=[
        InputRequired(message=_l("Au moins une unité.")), between(1, 10_000, _l("Au moins une unité."))])

    def validate_variant_member_price(self, field):
        if field.data is not None and self.variant_list_price.data is not None \
                and field.data > self.variant_list_price.data:
            raise ValidationError(_l("Le prix adhérent ne peut pas dépasser le prix public."))

    def variant(self) -> VariantInput:
        return VariantInput(self.variant_code.data, self.variant_label_fr.data, self.variant_label_en.data,
                            self.variant_list_price.cents, self.variant_member_price.cents, self.variant_units.data)


def _euros(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents) / 100


def _percent(bps: int | None) -> Decimal | None:
    return None if bps is None else Decimal(bps) / 100


def offer_form(db, cluster, offer, tier_codes: list[str], **kwargs) -> OfferForm:
    """The offer form, filled from the offer (euros, percentages, Paris time) unless a posted form overrides it."""
    co_owners = co_owners_of(db, offer.id) if offer.id is not None else []
    if offer.id is not None:
        kwargs.update(
            list_price=_euros(offer.list_price_cents), member_price=_euros(offer.member_price_cents),
            member_discount=_percent(offer.member_discount_bps),
            early_bird_discount=_percent(offer.early_bird_discount_bps),
            vat_rate="exempt" if offer.vat_rate_bps is None else str(offer.vat_rate_bps),
            themes=themes_text(db, offer.id),
            co_owners=[{"cluster_id": row.cluster_id, "share": _percent(row.share_bps)} for row, _c in co_owners])
        form = OfferForm(obj=offer, **kwargs)
    else:
        form = OfferForm(**kwargs)
    partners = {c.id: c.name for c in partner_clusters(db, cluster.id)}
    form.set_partner_choices(list(partners.items()), [(c.id, c.name) for _row, c in co_owners if c.id not in partners])
    form.known_tier_codes = tier_codes
    return form
