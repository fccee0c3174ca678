"""The holder's coworking passes: the balance and history of each book, an expired one shown as such, and a
ticket used on site with the code posted at the desk."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.errors import NotFound
from ..core.timeutil import utcnow
from ..db import get_db
from ..web.forms import Submission
from ..web.htmx import render
from .forms import UseForm
from .services import books_of_holder, history_of, redeem_with_desk_code

bp = Blueprint("passes", __name__)


@bp.get("/account/passes")
@login_required
def my_passes():
    db = get_db()
    rows = books_of_holder(db, current_user.id, current_user.organization_id)
    return render("passes/my_passes.html", rows=rows, history=history_of(db, [b.id for b, _o in rows]),
                  now=utcnow(), form=UseForm(formdata=None))


@bp.post("/account/passes/<int:book_id>/use")
@login_required
def use_ticket(book_id: int):
    db = get_db()
    book = next((b for b, _o in books_of_holder(db, current_user.id, current_user.organization_id)
                 if b.id == book_id), None)
    if book is None:
        raise NotFound(_("Carnet introuvable."))
    form = UseForm()
    if not Submission(form).run(lambda: redeem_with_desk_code(db, book, form.desk_code.data, current_user.id),
                                _("Ticket utilisé : bonne journée !")):
        flash(" ".join([*form.form_errors, *(e for errors in form.errors.values() for e in errors)]), "error")
    return redirect(url_for("passes.my_passes", _anchor=f"book-{book_id}"), code=303)
