"""Console: the coworking desk — find a holder (name, email or book code), use a ticket in one click — and the
space's settings (how long a book lasts, the code posted at the desk)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ..auth.permissions import staff_required
from ..catalogue.models import Offer
from ..clusters.console import cluster_for_staff
from ..core.timeutil import utcnow
from ..db import get_db, get_owned
from ..web.forms import Submission
from ..web.htmx import render
from .forms import DeskForm
from .kind import KIND_CODE
from .models import PassBook
from .services import desk_of, redeem, save_desk, search_books, usable

bp = Blueprint("passes_console", __name__, url_prefix="/console")


def _spaces(cluster_id: int) -> list[Offer]:
    return list(get_db().exec(select(Offer).where(Offer.cluster_id == cluster_id, Offer.kind == KIND_CODE)
                              .order_by(Offer.title_fr)).all())


@bp.get("/clusters/<slug>/desk")
@staff_required
def desk(slug: str):
    """Search a holder; each usable book shows its balance and a button to use one ticket."""
    cluster = cluster_for_staff(slug)
    query = request.args.get("q", "").strip()
    rows = search_books(get_db(), cluster.id, query, utcnow()) if len(query) >= 2 else []
    spaces = [(space, desk_of(get_db(), space.id)) for space in _spaces(cluster.id)]
    return render("passes/console/desk.html", "passes/console/_books.html", cluster=cluster, query=query, rows=rows,
                  now=utcnow(), usable=usable, spaces=spaces, desk_form=DeskForm(formdata=None))


@bp.post("/clusters/<slug>/desk/books/<int:book_id>/use")
@staff_required
def use(slug: str, book_id: int):
    cluster = cluster_for_staff(slug)
    db = get_db()
    book = get_owned(db, PassBook, book_id, _("Carnet introuvable."))
    get_owned(db, Offer, book.offer_id, _("Carnet introuvable."), cluster_id=cluster.id)
    redeem(db, book, current_user.id, by_staff=True)  # a refusal (none left, expired) is a 409 with its reason
    db.commit()
    flash(_("Ticket utilisé pour %(holder)s : il en reste %(left)d.", holder=book.holder_name,
            left=book.units - book.used_units), "success")
    return redirect(url_for("passes_console.desk", slug=slug, q=request.form.get("q", "")), code=303)


@bp.post("/clusters/<slug>/desk/spaces/<int:offer_id>")
@staff_required
def settings(slug: str, offer_id: int):
    cluster = cluster_for_staff(slug)
    offer = get_owned(get_db(), Offer, offer_id, _("Offre introuvable."), cluster_id=cluster.id, kind=KIND_CODE)
    form = DeskForm()
    if not Submission(form).run(lambda: save_desk(get_db(), offer, form.validity_months.data,
                                                  form.desk_code.data or ""), _("Réglages de l'accueil enregistrés.")):
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("passes_console.desk", slug=slug), code=303)
