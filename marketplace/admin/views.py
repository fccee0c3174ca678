"""The inter-cluster admin console: each staff member sees and changes only their own clusters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from ..auth.permissions import (
    can_administer_cluster,
    can_view_cluster_console,
    is_platform_admin,
    platform_admin_required,
    require,
    staff_required,
    staff_roles,
)
from ..auth.services import make_reset_token
from ..catalogue.forms import OfferForm, RoomRateForm, VariantForm, offer_kind_choices, visibility_choices
from ..catalogue.models import Offer
from ..catalogue.services import (
    add_room_rate,
    add_variant,
    co_owners_of,
    get_cluster_offer,
    offers_of,
    partner_clusters,
    rates_of,
    remove_room_rate,
    remove_variant,
    save_offer,
    themes_of,
    toggle_published,
    variants_of,
)
from ..clusters import contacts
from ..clusters.forms import (
    ClusterForm,
    MembershipStatusForm,
    NewMemberForm,
    PartnershipForm,
    StaffForm,
    TierForm,
)
from ..clusters.models import Cluster, Membership
from ..clusters.services import (
    MemberRegistration,
    add_staff,
    add_tier,
    change_membership_status,
    fee_grid,
    get_cluster,
    list_clusters_with_counts,
    members_of,
    partnerships_of,
    register_member,
    save_cluster,
    save_partnership,
    staff_of,
)
from ..core.errors import DomainError, NotFound
from ..core.money import percent_to_bps
from ..db import get_db
from ..mail.services import queue_email
from ..web.htmx import render

bp = Blueprint("admin", __name__, url_prefix="/console")


def _cluster_for_staff(slug: str, *, admin: bool = False) -> Cluster:
    """The cluster named in the URL, if the current user may see it (or administer it)."""
    cluster = get_cluster(get_db(), slug)
    require(can_administer_cluster(cluster.id) if admin else can_view_cluster_console(cluster.id))
    return cluster


def _form_error(form, exc: DomainError) -> None:
    """Show a domain refusal next to its field, or above the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


@bp.get("/")
@staff_required
def dashboard():
    clusters = list_clusters_with_counts(get_db(), year=date.today().year)
    if not is_platform_admin():
        mine = staff_roles()
        clusters = [row for row in clusters if row.cluster.id in mine]
    return render("admin/dashboard.html", clusters=clusters)


@bp.route("/clusters/new", methods=["GET", "POST"])
@platform_admin_required
def new_cluster():
    form = ClusterForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            cluster = save_cluster(db, Cluster(), form)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            db.commit()
            flash(_("Cluster créé."), "success")
            return redirect(url_for("admin.cluster_home", slug=cluster.slug), code=303)
    return render("admin/cluster_form.html", status=422 if form.errors or form.form_errors else 200,
                  form=form, cluster=None)


@bp.get("/clusters/<slug>/")
@staff_required
def cluster_home(slug: str):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    year = date.today().year
    rows = members_of(db, cluster.id, year)
    return render("admin/cluster_home.html", cluster=cluster, year=year,
                  active=sum(1 for m, _o, _t in rows if m.status == "active"),
                  pending=sum(1 for m, _o, _t in rows if m.status == "pending"),
                  fees_cents=sum(m.fee_cents for m, _o, _t in rows if m.status == "active"),
                  tiers=fee_grid(db, cluster.id), partners=partnerships_of(db, cluster.id))


@bp.route("/clusters/<slug>/edit", methods=["GET", "POST"])
@staff_required
def edit_cluster(slug: str):
    cluster = _cluster_for_staff(slug, admin=True)
    form = ClusterForm(obj=cluster)
    if form.validate_on_submit():
        db = get_db()
        try:
            save_cluster(db, cluster, form)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            db.commit()
            flash(_("Profil du cluster enregistré."), "success")
            return redirect(url_for("admin.cluster_home", slug=cluster.slug), code=303)
    return render("admin/cluster_form.html", status=422 if form.errors or form.form_errors else 200,
                  form=form, cluster=cluster)


def _new_member_form(cluster: Cluster) -> NewMemberForm:
    form = NewMemberForm()
    form.tier_id.choices = [(t.id, f"{t.name_fr}") for t in fee_grid(get_db(), cluster.id)]
    if form.year.data is None:
        form.year.data = date.today().year
    return form


def _flash_registration(registration: MemberRegistration) -> None:
    """Tell staff what was recorded, and what waits for someone else's confirmation."""
    flash(_("Adhésion enregistrée (n° %(id)d).", id=registration.membership.id), "success")
    if registration.details_kept:
        flash(_("Cette organisation était déjà connue : ses coordonnées n'ont pas été modifiées. "
                "Ses contacts les mettent à jour depuis leur compte."), "info")
    messages = {
        contacts.ATTACHED: _("Un compte membre est ouvert pour le contact : il reçoit un lien pour choisir son "
                             "mot de passe."),
        contacts.ALREADY: _("Le contact agit déjà pour cette organisation."),
        contacts.ASKED_ORGANIZATION: _("Le contact sera rattaché quand l'organisation l'aura confirmé : un lien "
                                       "est envoyé à ses contacts connus."),
        contacts.ASKED_ACCOUNT: _("Ce contact a déjà un compte : il sera rattaché quand il l'aura confirmé par le "
                                  "lien qui vient de lui être envoyé."),
        contacts.NO_KNOWN_CONTACT: _("Aucun contact connu de cette organisation ne peut confirmer ce nouveau "
                                     "contact : il n'a pas été rattaché."),
    }
    if registration.contact in messages:
        flash(messages[registration.contact],
              "warning" if registration.contact == contacts.NO_KNOWN_CONTACT else "info")


@bp.route("/clusters/<slug>/members", methods=["GET", "POST"])
@staff_required
def members(slug: str):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    form = _new_member_form(cluster)
    if request.method == "POST" and form.validate_on_submit():
        try:
            registration = register_member(db, cluster, form)
        except DomainError as exc:
            db.rollback()
            _form_error(form, exc)
        else:
            db.commit()
            _flash_registration(registration)
            return redirect(url_for("admin.members", slug=slug), code=303)
    year = request.args.get("year", type=int)
    status = 422 if form.errors or form.form_errors else 200
    return render("admin/members.html", "admin/_members_table.html", status=status, cluster=cluster, form=form,
                  rows=members_of(db, cluster.id, year), year=year, status_form=MembershipStatusForm())


@bp.post("/clusters/<slug>/memberships/<int:membership_id>/status")
@staff_required
def membership_status(slug: str, membership_id: int):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    membership = db.get(Membership, membership_id)
    if membership is None or membership.cluster_id != cluster.id:
        raise NotFound(_("Adhésion introuvable."))
    form = MembershipStatusForm()
    if not form.validate_on_submit():
        flash(_("Statut inconnu."), "error")
        return redirect(url_for("admin.members", slug=slug), code=303)
    change_membership_status(db, membership, form.status.data)
    db.commit()
    flash(_("Statut de l'adhésion mis à jour."), "success")
    return redirect(url_for("admin.members", slug=slug), code=303)


@bp.route("/clusters/<slug>/tiers", methods=["GET", "POST"])
@staff_required
def tiers(slug: str):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    form = TierForm()
    if request.method == "POST":
        require(can_administer_cluster(cluster.id))
        if form.validate_on_submit():
            try:
                add_tier(db, cluster, form)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                db.commit()
                flash(_("Formule ajoutée à la grille."), "success")
                return redirect(url_for("admin.tiers", slug=slug), code=303)
    return render("admin/tiers.html", status=422 if form.errors or form.form_errors else 200,
                  cluster=cluster, form=form, tiers=fee_grid(db, cluster.id))


@bp.route("/clusters/<slug>/partnerships", methods=["GET", "POST"])
@staff_required
def partnerships(slug: str):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    form = PartnershipForm()
    form.partner_id.choices = [(c.id, c.name) for c in db.exec(
        select(Cluster).where(Cluster.id != cluster.id).order_by(Cluster.name)).all()]
    if request.method == "POST":
        require(can_administer_cluster(cluster.id))
        if form.validate_on_submit():
            try:
                save_partnership(db, cluster, form.partner_id.data, percent_to_bps(form.reciprocity_percent.data),
                                 percent_to_bps(form.own_share_percent.data), form.note.data or "")
            except DomainError as exc:
                _form_error(form, exc)
            else:
                db.commit()
                flash(_("Partenariat enregistré."), "success")
                return redirect(url_for("admin.partnerships", slug=slug), code=303)
    return render("admin/partnerships.html", status=422 if form.errors or form.form_errors else 200,
                  cluster=cluster, form=form, partners=partnerships_of(db, cluster.id))


@bp.route("/clusters/<slug>/staff", methods=["GET", "POST"])
@staff_required
def staff(slug: str):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    form = StaffForm()
    if request.method == "POST":
        require(can_administer_cluster(cluster.id))
        if form.validate_on_submit():
            user, created = add_staff(db, cluster, form.email.data, form.full_name.data or "", form.role.data)
            if created:
                link = current_app.config["BASE_URL"].rstrip("/") + url_for(
                    "auth.reset_password_form", token=make_reset_token(user, invitation=True))
                days = current_app.config["INVITATION_MAX_AGE"] // 86400
                queue_email(db, user.email, _("Votre accès à la console de %(cluster)s", cluster=cluster.name),
                            _("Bonjour,\n\nVous faites désormais partie de l'équipe de %(cluster)s. "
                              "Choisissez votre mot de passe ici (lien valable %(days)d jours, une seule fois) :"
                              "\n%(link)s\n", cluster=cluster.name, link=link, days=days))
            db.commit()
            flash(_("%(email)s fait partie de l'équipe.", email=user.email), "success")
            return redirect(url_for("admin.staff", slug=slug), code=303)
    return render("admin/staff.html", status=422 if form.errors else 200, cluster=cluster, form=form,
                  members=staff_of(db, cluster.id))


# ---------------------------------------------------------------------------------------------
# Offers: any staff member of the cluster manages its catalogue.


def _status(*forms) -> int:
    return 422 if any(form.errors or form.form_errors for form in forms) else 200


def _euros(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents) / 100


def _percent(bps: int | None) -> Decimal | None:
    return None if bps is None else Decimal(bps) / 100


def _offer_form(cluster: Cluster, offer: Offer, **kwargs) -> OfferForm:
    """The offer form, filled from the offer (euros, percentages, Paris time) unless a posted form overrides it."""
    db = get_db()
    co_owners = co_owners_of(db, offer.id) if offer.id is not None else []
    if offer.id is not None:
        kwargs.update(
            list_price=_euros(offer.list_price_cents), member_price=_euros(offer.member_price_cents),
            member_discount=_percent(offer.member_discount_bps),
            early_bird_discount=_percent(offer.early_bird_discount_bps),
            vat_rate="exempt" if offer.vat_rate_bps is None else str(offer.vat_rate_bps),
            themes=", ".join(themes_of(db, [offer.id])[offer.id]),
            co_owners=[{"cluster_id": row.cluster_id, "share": _percent(row.share_bps)} for row, _c in co_owners])
        form = OfferForm(obj=offer, **kwargs)
    else:
        form = OfferForm(**kwargs)
    partners = {c.id: c.name for c in partner_clusters(db, cluster.id)}
    form.set_partner_choices(list(partners.items()),
                             [(c.id, c.name) for _row, c in co_owners if c.id not in partners])
    form.known_tier_codes = [tier.code for tier in fee_grid(db, cluster.id)]
    return form


def _offer_page(cluster: Cluster, offer: Offer | None, form: OfferForm, variant_form: VariantForm | None = None,
                rate_form: RoomRateForm | None = None):
    """The offer form page; when editing, with the offer's variants and room rates and their forms."""
    db = get_db()
    context = dict(cluster=cluster, offer=offer, form=form, tier_codes=form.known_tier_codes,
                   has_partners=bool(partner_clusters(db, cluster.id)))
    forms = [form]
    if offer is not None:
        variant_form = variant_form or VariantForm(formdata=None)
        rate_form = rate_form or RoomRateForm(formdata=None)
        forms += [variant_form, rate_form]
        context.update(variant_form=variant_form, rate_form=rate_form, variants=variants_of(db, offer.id),
                       rates=rates_of(db, offer.id))
    return render("admin/offer_form.html", status=_status(*forms), **context)


@bp.get("/clusters/<slug>/offers")
@staff_required
def offers(slug: str):
    cluster = _cluster_for_staff(slug)
    return render("admin/offers.html", cluster=cluster, offers=offers_of(get_db(), cluster.id),
                  kind_labels=dict(offer_kind_choices()), visibility_labels=dict(visibility_choices()))


@bp.route("/clusters/<slug>/offers/new", methods=["GET", "POST"])
@staff_required
def new_offer(slug: str):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    form = _offer_form(cluster, Offer())
    if form.validate_on_submit():
        try:
            offer = save_offer(db, cluster, Offer(), form)
        except DomainError as exc:
            db.rollback()
            _form_error(form, exc)
        else:
            db.commit()
            flash(_("Offre créée. Ajoutez si besoin ses formules ou sa grille tarifaire."), "success")
            return redirect(url_for("admin.edit_offer", slug=slug, offer_id=offer.id), code=303)
    return _offer_page(cluster, None, form)


@bp.route("/clusters/<slug>/offers/<int:offer_id>", methods=["GET", "POST"])
@staff_required
def edit_offer(slug: str, offer_id: int):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    offer = get_cluster_offer(db, cluster, offer_id)
    form = _offer_form(cluster, offer)
    if form.validate_on_submit():
        try:
            save_offer(db, cluster, offer, form)
        except DomainError as exc:
            db.rollback()
            _form_error(form, exc)
        else:
            db.commit()
            flash(_("Offre enregistrée."), "success")
            return redirect(url_for("admin.edit_offer", slug=slug, offer_id=offer.id), code=303)
    return _offer_page(cluster, offer, form)


@bp.post("/clusters/<slug>/offers/<int:offer_id>/publish")
@staff_required
def publish_offer(slug: str, offer_id: int):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    offer = toggle_published(db, get_cluster_offer(db, cluster, offer_id))
    db.commit()
    flash(_("« %(title)s » est publiée au catalogue.", title=offer.title_fr) if offer.is_published
          else _("« %(title)s » est retirée du catalogue.", title=offer.title_fr), "success")
    if request.form.get("back") == "list":
        return redirect(url_for("admin.offers", slug=slug), code=303)
    return redirect(url_for("admin.edit_offer", slug=slug, offer_id=offer.id), code=303)


def _add_offer_row(slug: str, offer_id: int, form, add, done: str, anchor: str, form_key: str):
    """Add a pack or a room rate from its form; a refusal is shown beside the field on the offer page."""
    db = get_db()
    cluster = _cluster_for_staff(slug)
    offer = get_cluster_offer(db, cluster, offer_id)
    if form.validate_on_submit():
        try:
            add(db, offer, form)
        except DomainError as exc:
            db.rollback()
            _form_error(form, exc)
        else:
            db.commit()
            flash(done, "success")
            return redirect(url_for("admin.edit_offer", slug=slug, offer_id=offer.id, _anchor=anchor), code=303)
    return _offer_page(cluster, offer, _offer_form(cluster, offer, formdata=None), **{form_key: form})


def _remove_offer_row(slug: str, offer_id: int, remove, row_id: int, done: str, anchor: str):
    """Remove a pack or a room rate of one of the cluster's offers."""
    db = get_db()
    cluster = _cluster_for_staff(slug)
    remove(db, get_cluster_offer(db, cluster, offer_id), row_id)
    db.commit()
    flash(done, "success")
    return redirect(url_for("admin.edit_offer", slug=slug, offer_id=offer_id, _anchor=anchor), code=303)


@bp.post("/clusters/<slug>/offers/<int:offer_id>/variants")
@staff_required
def add_offer_variant(slug: str, offer_id: int):
    return _add_offer_row(slug, offer_id, VariantForm(), add_variant, _("Formule ajoutée."), "variants",
                          "variant_form")


@bp.post("/clusters/<slug>/offers/<int:offer_id>/variants/<int:variant_id>/delete")
@staff_required
def delete_offer_variant(slug: str, offer_id: int, variant_id: int):
    return _remove_offer_row(slug, offer_id, remove_variant, variant_id, _("Formule supprimée."), "variants")


@bp.post("/clusters/<slug>/offers/<int:offer_id>/rates")
@staff_required
def add_offer_rate(slug: str, offer_id: int):
    return _add_offer_row(slug, offer_id, RoomRateForm(), add_room_rate, _("Tarif ajouté à la grille."), "rates",
                          "rate_form")


@bp.post("/clusters/<slug>/offers/<int:offer_id>/rates/<int:rate_id>/delete")
@staff_required
def delete_offer_rate(slug: str, offer_id: int, rate_id: int):
    return _remove_offer_row(slug, offer_id, remove_room_rate, rate_id, _("Tarif supprimé."), "rates")
