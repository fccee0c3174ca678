"""Console: a cluster's events — their details and days, what is sold for them, the quotas tickets share."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlmodel import col, select

from ..auth.permissions import staff_required
from ..catalogue.models import Offer
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..core.money import format_eur_fr
from ..core.timeutil import utcnow
from ..db import get_db, get_owned
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .cancellation import cancel_event
from .forms import (
    AttachForm,
    CancelForm,
    DaysForm,
    EventForm,
    ExclusionForm,
    InvitationForm,
    QuotaForm,
    StatusForm,
)
from .invitations import invitations_of
from .kind import SPONSORSHIP
from .models import Event, SponsorExclusion, SponsorPackage
from .profiles import partners_of
from .services import (
    EVENT_KINDS,
    add_exclusion,
    add_quota,
    attach_offer,
    change_status,
    days_of,
    detach_offer,
    events_of,
    exclusions_of,
    offers_of,
    quotas_with_offers,
    remove_quota,
    save_event,
    set_days,
)
from .stock import QUOTAS, TICKET_KIND

bp = Blueprint("events_console", __name__, url_prefix="/console")


def _event(cluster: Cluster, event_id: int) -> Event:
    return get_owned(get_db(), Event, event_id, _("Événement introuvable."), cluster_id=cluster.id)


def event_page(cluster: Cluster, event: Event | None, form: EventForm | None = None, **forms):
    """The event's console page: its form and, once it exists, its days, status, offers and quotas."""
    db = get_db()
    form = form or EventForm(formdata=None, obj=event)
    context: dict = dict(cluster=cluster, event=event, form=form)
    if event is not None:
        days = days_of(db, event.id)
        forms.setdefault("days_form", DaysForm(formdata=None, days=DaysForm(formdata=None).days_text(days)))
        forms.setdefault("status_form", StatusForm(formdata=None, status=event.status))
        forms.setdefault("attach_form", AttachForm(formdata=None))
        forms.setdefault("quota_form", QuotaForm(formdata=None))
        forms.setdefault("cancel_form", CancelForm(formdata=None))
        _choices(db, cluster, event, forms["attach_form"], forms["quota_form"])
        offers = offers_of(db, event.id)
        invitation_form = InvitationForm(formdata=None)
        invitation_form.offer_id.choices = [(o.id, o.title_fr) for o in offers if o.kind == TICKET_KIND]
        given = {p.offer_id: p for p in db.exec(select(SponsorPackage).where(
            col(SponsorPackage.offer_id).in_([o.id for o in offers]))).all()}
        packages = {o.id: given.get(o.id) or SponsorPackage(offer_id=o.id) for o in offers
                    if o.kind == SPONSORSHIP.code}
        context.update(days=days, offers=offers, quotas=quotas_with_offers(db, event.id),
                       left={o.id: QUOTAS.available(db, o, {}) for o in offers}, partners=partners_of(db, event.id),
                       invitations=invitations_of(db, event.id), invitation_form=invitation_form, packages=packages,
                       **forms)
    return render("events/console/event.html", status=form_status(form, *forms.values()), **context)


def _choices(db, cluster: Cluster, event: Event, attach: AttachForm, quota: QuotaForm) -> None:
    free = db.exec(select(Offer).where(Offer.cluster_id == cluster.id, col(Offer.event_id).is_(None),
                                       col(Offer.kind).in_(EVENT_KINDS)).order_by(Offer.title_fr)).all()
    attach.offer_id.choices = [(o.id, o.title_fr) for o in free]
    quota.offer_ids.choices = [(o.id, o.title_fr) for o in offers_of(db, event.id, TICKET_KIND)]


@bp.get("/clusters/<slug>/events")
@staff_required
def events(slug: str):
    cluster = cluster_for_staff(slug)
    return render("events/console/events.html", cluster=cluster, events=events_of(get_db(), cluster.id))


@bp.route("/clusters/<slug>/events/new", methods=["GET", "POST"])
@staff_required
def new_event(slug: str):
    cluster = cluster_for_staff(slug)
    form = EventForm()
    saved = Submission(form)
    if saved.run(lambda: save_event(get_db(), cluster, Event(), form.event()),
                 _("Événement créé (brouillon) : ajoutez ses jours, ses billets et ses quotas, puis mettez-le en vente.")):
        return redirect(url_for("events_console.edit_event", slug=slug, event_id=saved.value.id), code=303)
    return event_page(cluster, None, form)


@bp.route("/clusters/<slug>/events/<int:event_id>", methods=["GET", "POST"])
@staff_required
def edit_event(slug: str, event_id: int):
    cluster = cluster_for_staff(slug)
    event = _event(cluster, event_id)
    form = EventForm(obj=event)
    if Submission(form).run(lambda: save_event(get_db(), cluster, event, form.event()), _("Événement enregistré.")):
        return _back(slug, event)
    return event_page(cluster, event, form)


def _back(slug: str, event: Event, anchor: str | None = None):
    return redirect(url_for("events_console.edit_event", slug=slug, event_id=event.id, _anchor=anchor), code=303)


def _section(slug: str, event_id: int, name: str, form, action, done: str):
    """A section's form posted: run `action(db, event)`; a refusal shows the page with the form saying why."""
    cluster = cluster_for_staff(slug)
    event = _event(cluster, event_id)
    if isinstance(form, AttachForm | QuotaForm):
        _choices(get_db(), cluster, event, form if isinstance(form, AttachForm) else AttachForm(formdata=None),
                 form if isinstance(form, QuotaForm) else QuotaForm(formdata=None))
    if Submission(form).run(lambda: action(get_db(), event), done):
        return _back(slug, event, name)
    return event_page(cluster, event, **{f"{name}_form": form})


@bp.post("/clusters/<slug>/events/<int:event_id>/days")
@staff_required
def event_days(slug: str, event_id: int):
    form = DaysForm()
    return _section(slug, event_id, "days", form, lambda db, e: set_days(db, e, form.parsed), _("Jours enregistrés."))


@bp.post("/clusters/<slug>/events/<int:event_id>/status")
@staff_required
def event_status(slug: str, event_id: int):
    form = StatusForm()
    return _section(slug, event_id, "status", form, lambda db, e: change_status(db, e, form.status.data),
                    _("État de l'événement mis à jour."))


@bp.post("/clusters/<slug>/events/<int:event_id>/offers")
@staff_required
def event_attach(slug: str, event_id: int):
    form = AttachForm()
    return _section(slug, event_id, "attach", form,
                    lambda db, e: attach_offer(db, e, db.get(Offer, form.offer_id.data)),
                    _("Offre vendue pour l'événement."))


@bp.post("/clusters/<slug>/events/<int:event_id>/offers/<int:offer_id>/detach")
@staff_required
def event_detach(slug: str, event_id: int, offer_id: int):
    db, cluster = get_db(), cluster_for_staff(slug)
    event = _event(cluster, event_id)
    detach_offer(db, event, get_owned(db, Offer, offer_id, _("Offre introuvable."), cluster_id=cluster.id))
    db.commit()
    flash(_("L'offre n'est plus vendue pour l'événement."), "success")
    return _back(slug, event, "offers")


@bp.post("/clusters/<slug>/events/<int:event_id>/quotas")
@staff_required
def event_quota(slug: str, event_id: int):
    form = QuotaForm()
    return _section(slug, event_id, "quota", form,
                    lambda db, e: add_quota(db, e, form.name.data, form.size.data, form.offer_ids.data),
                    _("Quota ajouté."))


@bp.post("/clusters/<slug>/events/<int:event_id>/quotas/<int:quota_id>/delete")
@staff_required
def event_quota_delete(slug: str, event_id: int, quota_id: int):
    db, cluster = get_db(), cluster_for_staff(slug)
    event = _event(cluster, event_id)
    remove_quota(db, event, quota_id)
    db.commit()
    flash(_("Quota supprimé."), "success")
    return _back(slug, event, "quotas")


@bp.post("/clusters/<slug>/events/<int:event_id>/cancel")
@staff_required
def event_cancel(slug: str, event_id: int):
    """Cancel the event (an administrator): every order refunded or cancelled, everyone told, once."""
    cluster = cluster_for_staff(slug, admin=True)
    event = _event(cluster, event_id)
    form = CancelForm()
    saved = Submission(form)
    if saved.run(lambda: cancel_event(get_db(), event, form.reason.data, current_user.id, current_app.config,
                                      utcnow())):
        done = saved.value
        flash(" ".join((_("Événement annulé."),
                        ngettext("%(num)d commande remboursée (%(amount)s).", "%(num)d commandes remboursées "
                                 "(%(amount)s).", done.refunded, amount=format_eur_fr(done.refunded_cents)),
                        ngettext("%(num)d commande annulée.", "%(num)d commandes annulées.", done.cancelled),
                        ngettext("%(num)d email envoyé.", "%(num)d emails envoyés.", done.told))), "success")
        return _back(slug, event)
    return event_page(cluster, event, cancel_form=form)


@bp.route("/clusters/<slug>/sponsor-exclusions", methods=["GET", "POST"])
@staff_required
def exclusions(slug: str):
    """The organizations the cluster must not take sponsorship from: their orders wait for approval."""
    cluster = cluster_for_staff(slug, admin=request.method == "POST")
    form = ExclusionForm()
    if Submission(form).run(lambda: add_exclusion(get_db(), cluster, form.siret.data, form.name.data,
                                                  form.reason.data or ""), _("Organisation ajoutée à la liste.")):
        return redirect(url_for("events_console.exclusions", slug=slug), code=303)
    return render("events/console/exclusions.html", status=form_status(form), cluster=cluster, form=form,
                  rows=exclusions_of(get_db(), cluster.id))


@bp.post("/clusters/<slug>/sponsor-exclusions/<int:exclusion_id>/delete")
@staff_required
def exclusion_delete(slug: str, exclusion_id: int):
    cluster = cluster_for_staff(slug, admin=True)
    db = get_db()
    db.delete(get_owned(db, SponsorExclusion, exclusion_id, _("Introuvable."), cluster_id=cluster.id))
    db.commit()
    flash(_("Organisation retirée de la liste."), "success")
    return redirect(url_for("events_console.exclusions", slug=slug), code=303)
