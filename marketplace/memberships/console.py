"""Console: a cluster's members (enrol one, change a membership's status) and its fee grid."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.permissions import staff_required
from ..clusters import contacts
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..core.timeutil import paris_today
from ..db import get_db, get_owned
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .forms import MembershipStatusForm, NewMemberForm, TierForm, membership_status_choices
from .models import Membership
from .services import (
    MemberRegistration,
    add_tier,
    change_membership_status,
    fee_grid,
    matching_members,
    member_table,
    members_of,
    register_member,
)

bp = Blueprint("memberships_console", __name__, url_prefix="/console")


@bp.route("/clusters/<slug>/members", methods=["GET", "POST"])
@staff_required
def members(slug: str):
    cluster = cluster_for_staff(slug)
    form = _new_member_form(cluster)
    saved = Submission(form)
    if saved.run(lambda: register_member(get_db(), cluster, form.enrolment())):
        _flash_registration(saved.value)
        return redirect(url_for("memberships_console.members", slug=slug), code=303)
    year, table = request.args.get("year", type=int), member_table(request.args)
    rows = matching_members(members_of(get_db(), cluster.id, year), table)
    return render("memberships/console/members.html", "memberships/console/_members_table.html",
                  status=form_status(form), cluster=cluster, form=form, year=year, table=table, total=len(rows),
                  rows=table.window(rows), pages=table.pages(len(rows)), statuses=dict(membership_status_choices()),
                  status_form=MembershipStatusForm(formdata=None))


def _new_member_form(cluster: Cluster) -> NewMemberForm:
    form = NewMemberForm()
    form.tier_id.choices = [(t.id, t.name_fr) for t in fee_grid(get_db(), cluster.id)]
    if form.year.data is None:
        form.year.data = paris_today().year
    return form


_CONTACT_MESSAGES = {
    contacts.ATTACHED: ("info", _l("Un compte membre est ouvert pour le contact : il reçoit un lien pour choisir "
                                "son mot de passe.")),
    contacts.ALREADY: ("info", _l("Le contact agit déjà pour cette organisation.")),
    contacts.ASKED_ORGANIZATION: ("info", _l("Le contact sera rattaché quand l'organisation l'aura confirmé : un lien "
                                          "est envoyé à ses contacts connus.")),
    contacts.ASKED_ACCOUNT: ("info", _l("Ce contact a déjà un compte : il sera rattaché quand il l'aura confirmé par "
                                     "le lien qui vient de lui être envoyé.")),
    contacts.NO_KNOWN_CONTACT: ("warning", _l("Aucun contact connu de cette organisation ne peut confirmer ce nouveau "
                                           "contact : il n'a pas été rattaché.")),
}


def _flash_registration(registration: MemberRegistration) -> None:
    """Tell staff what was recorded, and what waits for someone else's confirmation."""
    flash(_("Adhésion enregistrée (n° %(id)d).", id=registration.membership.id), "success")
    if registration.details_kept:
        flash(_("Cette organisation était déjà connue : ses coordonnées n'ont pas été modifiées. "
                "Ses contacts les mettent à jour depuis leur compte."), "info")
    if registration.contact in _CONTACT_MESSAGES:
        category, message = _CONTACT_MESSAGES[registration.contact]
        flash(str(message), category)


@bp.post("/clusters/<slug>/memberships/<int:membership_id>/status")
@staff_required
def membership_status(slug: str, membership_id: int):
    cluster = cluster_for_staff(slug)
    membership = get_owned(get_db(), Membership, membership_id, _("Adhésion introuvable."), cluster_id=cluster.id)
    form = MembershipStatusForm()
    if not Submission(form).run(lambda: change_membership_status(get_db(), membership, form.status.data),
                                _("Statut de l'adhésion mis à jour.")):
        flash(form.form_errors[0] if form.form_errors else _("Statut inconnu."), "error")
    return redirect(url_for("memberships_console.members", slug=slug), code=303)


@bp.route("/clusters/<slug>/tiers", methods=["GET", "POST"])
@staff_required
def tiers(slug: str):
    cluster = cluster_for_staff(slug, admin=request.method == "POST")  # every staff member sees the grid
    form = TierForm()
    if Submission(form).run(lambda: add_tier(get_db(), cluster, form.tier()), _("Formule ajoutée à la grille.")):
        return redirect(url_for("memberships_console.tiers", slug=slug), code=303)
    return render("memberships/console/tiers.html", status=form_status(form), cluster=cluster, form=form,
                  tiers=fee_grid(get_db(), cluster.id))
