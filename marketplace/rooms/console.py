"""Console: a room offer's rate grid, shown as a section of the offer's page (catalogue.console)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _

from ..auth.permissions import staff_required
from ..catalogue.console import offer_page
from ..catalogue.services import get_cluster_offer
from ..clusters.console import cluster_for_staff
from ..db import get_db
from ..web.forms import Submission
from .forms import RATES_SECTION, RoomRateForm, grid_section
from .services import add_rate, remove_rate

bp = Blueprint("rooms_console", __name__, url_prefix="/console")


@bp.post("/clusters/<slug>/offers/<int:offer_id>/rates")
@staff_required
def add_offer_rate(slug: str, offer_id: int):
    cluster = cluster_for_staff(slug)
    offer = get_cluster_offer(get_db(), cluster, offer_id)
    form = RoomRateForm()
    if Submission(form).run(lambda: add_rate(get_db(), offer, form.rate()), _("Tarif ajouté à la grille.")):
        return redirect(url_for("catalogue_console.edit_offer", slug=slug, offer_id=offer.id, _anchor="rates"),
                        code=303)
    return offer_page(cluster, offer, section=grid_section(get_db(), offer, form),
                      section_template=RATES_SECTION)


@bp.post("/clusters/<slug>/offers/<int:offer_id>/rates/<int:rate_id>/delete")
@staff_required
def delete_offer_rate(slug: str, offer_id: int, rate_id: int):
    db = get_db()
    remove_rate(db, get_cluster_offer(db, cluster_for_staff(slug), offer_id), rate_id)
    db.commit()
    flash(_("Tarif supprimé."), "success")
    return redirect(url_for("catalogue_console.edit_offer", slug=slug, offer_id=offer_id, _anchor="rates"), code=303)
