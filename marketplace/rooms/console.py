"""Console: a room offer's rate grid, shown as a section of the offer's page (catalogue.console)."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from ..auth.permissions import staff_required
from ..catalogue.console import add_to_offer, offer_page, remove_from_offer
from ..db import get_db
from .forms import RATES_SECTION, RoomRateForm, grid_section
from .services import add_rate, remove_rate

bp = Blueprint("rooms_console", __name__, url_prefix="/console")


@bp.post("/clusters/<slug>/offers/<int:offer_id>/rates")
@staff_required
def add_offer_rate(slug: str, offer_id: int):
    form = RoomRateForm()
    return add_to_offer(slug, offer_id, form, lambda db, offer: add_rate(db, offer, form.rate()),
                        _("Tarif ajouté à la grille."), "rates",
                        lambda cluster, offer: offer_page(cluster, offer, section=grid_section(get_db(), offer, form),
                                                          section_template=RATES_SECTION))


@bp.post("/clusters/<slug>/offers/<int:offer_id>/rates/<int:rate_id>/delete")
@staff_required
def delete_offer_rate(slug: str, offer_id: int, rate_id: int):
    return remove_from_offer(slug, offer_id, remove_rate, rate_id, _("Tarif supprimé."), "rates")
