"""Console: the federation's platform fee (commission), its default and its overrides."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _

from ..auth.permissions import platform_admin_required
from ..db import get_db
from ..web.forms import Submission
from ..web.htmx import render
from .forms import PlatformFeeForm
from .services import fee_overrides, set_platform_fee

bp = Blueprint("invoicing_console", __name__, url_prefix="/console")


@bp.get("/platform-fees")
@platform_admin_required
def platform_fees():
    """The federation's commission: its default, and overrides per partnership or per offer."""
    return render("invoicing/console/platform_fees.html", fees=fee_overrides(get_db()),
                  default_bps=int(current_app.config.get("PLATFORM_FEE_BPS", 0)))


@bp.post("/platform-fees")
@platform_admin_required
def set_fee():
    """Set or clear (empty percentage) the fee of a partnership or an offer; a refusal is told above the page."""
    form = PlatformFeeForm()
    if not Submission(form).run(lambda: set_platform_fee(get_db(), form.partnership.data, form.offer.data,
                                                         form.percent.bps),
                                _("Commission enregistrée ; elle s'applique aux prochaines ventes.")):
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("invoicing_console.platform_fees"), code=303)
