"""Console: the federation's treasury (payments received by hand or from a bank statement, what to review)
and refunds."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.permissions import is_platform_admin, platform_admin_required
from ..db import get_db
from ..web.downloads import attachment
from ..web.forms import Submission, form_status
from ..web.htmx import render
from ..web.security import accepts_large_body
from .forms import ManualPaymentForm, RefundForm, StatementForm
from .services import get_order, import_statement, payments_to_review, record_manual_transfer
from .stripe_provider import refund_order as refund
from .table import MATCH_LABELS, SOURCE_LABELS, payment_table, payments_csv, payments_table

bp = Blueprint("payments_console", __name__, url_prefix="/console")

MAX_STATEMENT_BYTES = 20 * 1024 * 1024  # room for a year of bank statements in one file


@bp.get("/payments")
@platform_admin_required
def payments():
    """The federation's account: record a transfer by hand, import a statement, review what did not match, and
    every payment received (searched, filtered, sorted, paged; ?format=csv exports what is shown)."""
    table = payment_table(request.args)
    if request.args.get("format") == "csv":
        rows, _total = payments_table(get_db(), table, paged=False)
        return attachment(payments_csv(rows), "text/csv; charset=utf-8", "paiements.csv")
    return _treasury_page(ManualPaymentForm(formdata=None), StatementForm(formdata=None))


@bp.post("/payments/manual")
@platform_admin_required
def record_payment():
    """A transfer seen on the account, recorded against the order it names."""
    form = ManualPaymentForm()
    saved = Submission(form)
    if saved.run(lambda: record_manual_transfer(get_db(), form.transfer(), current_user.id),
                 error_field="order_number"):
        flash(_("Paiement enregistré : %(status)s.", status=str(MATCH_LABELS[saved.value.match_status]).lower()),
              "success")
        return redirect(url_for("payments_console.payments"), code=303)
    return _treasury_page(form, StatementForm(formdata=None))


@bp.post("/payments/statements")
@accepts_large_body(MAX_STATEMENT_BYTES, allowed=is_platform_admin)
@platform_admin_required
def import_bank_statement():
    """Every new credit of a camt.053 or CFONB 120 statement, matched to its order by reference."""
    form = StatementForm()
    saved = Submission(form)
    file = form.statement.data  # at most MAX_STATEMENT_BYTES: larger requests answer 413
    if saved.run(lambda: import_statement(get_db(), file.filename or "releve.xml", file.read(), current_user.id),
                 error_field="statement"):
        result = saved.value
        flash(" ".join((_("Relevé importé :"),
                        ngettext("%(num)d crédit,", "%(num)d crédits,", result.entries),
                        ngettext("%(num)d nouveau,", "%(num)d nouveaux,", len(result.recorded)),
                        ngettext("%(num)d déjà connu.", "%(num)d déjà connus.", result.already_known))), "success")
        return redirect(url_for("payments_console.payments"), code=303)
    return _treasury_page(ManualPaymentForm(formdata=None), form)


def _treasury_page(manual: ManualPaymentForm, upload: StatementForm):
    table = payment_table(request.args)
    rows, total = payments_table(get_db(), table)
    return render("payments/console/payments.html", "payments/console/_payments_table.html",
                  status=form_status(manual, upload), manual=manual, upload=upload,
                  review=payments_to_review(get_db()), payments=rows, total=total, table=table,
                  pages=table.pages(total), match_labels=MATCH_LABELS, source_labels=SOURCE_LABELS)


@bp.post("/orders/<int:order_id>/refund")
@platform_admin_required
def refund_order(order_id: int):
    """Refund all or part of a paid order: on the card when paid by card, else to be paid back by transfer."""
    order = get_order(get_db(), order_id)
    form = RefundForm()
    if not Submission(form).run(lambda: refund(get_db(), current_app.config, order, form.amount.cents,
                                               form.reason.data, current_user.id),
                                _("Remboursement enregistré ; l'avoir est envoyé à l'acheteur.")):
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("checkout.order_page", number=order.number), code=303)
