"""Console: monthly settlements (the federation closes a month and pays), each cluster's statements,
and the ledger entries behind every figure."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from ..auth.permissions import (
    can_view_cluster_console,
    is_platform_admin,
    platform_admin_required,
    require,
    staff_required,
    staff_roles,
)
from ..catalogue.models import Offer
from ..clusters.models import Cluster, Partnership
from ..core.errors import DomainError, NotFound
from ..core.money import percent_to_bps
from ..db import get_db
from ..invoicing.forms import PlatformFeeForm
from ..invoicing.services import set_offer_fee, set_partnership_fee
from ..ledger.queries import MAX_ROWS, EntryFilter, entries, entries_csv
from ..ledger.rules import is_month, month_of
from ..ledger.services import FEDERATION_ACCOUNTS
from ..settlements.documents import statement_csv, statement_pdf
from ..settlements.models import PayoutFile, Settlement
from ..settlements.payouts import pay_by_stripe, sepa_payout_file
from ..settlements.services import (
    ACCOUNT_NAMES,
    KIND_NAMES,
    close_period,
    first_open_period,
    last_closed,
    notify_closed_month,
    period_summary_csv,
    statement_for,
    statements,
)
from ..web.htmx import render
from .views import _cluster_for_staff, bp


def _valid_period(period: str) -> str:
    if not is_month(period):
        abort(404)
    return period


def _attachment(data: bytes, mimetype: str, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/settlements")
@staff_required
def settlements():
    """The federation's view: the next month to close, and every closed month's settlements and payouts."""
    if not is_platform_admin():
        mine = sorted(staff_roles())
        cluster = get_db().get(Cluster, mine[0]) if mine else None
        if cluster is None:
            abort(403)
        return redirect(url_for("admin.cluster_settlements", slug=cluster.slug))
    db = get_db()
    names = {c.id: c for c in db.exec(select(Cluster))}
    rows = db.exec(select(Settlement).order_by(col(Settlement.period).desc(), Settlement.cluster_id)).all()
    by_period: dict[str, list[Settlement]] = {}
    for row in rows:
        by_period.setdefault(row.period, []).append(row)
    files = db.exec(select(PayoutFile).order_by(col(PayoutFile.id).desc())).all()
    return render("admin/settlements.html", by_period=by_period, clusters=names, files=files,
                  next_period=first_open_period(db), closed_through=last_closed(db), today_period=month_of(date.today()))


@bp.post("/settlements/close")
@platform_admin_required
def close_settlement_period():
    db = get_db()
    period = _valid_period(request.form.get("period", ""))
    try:
        result = close_period(db, period, date.today())
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.settlements"), code=303)
    if not result.already_closed:
        base = current_app.config["BASE_URL"].rstrip("/")
        notify_closed_month(db, result.settlements,
                            lambda cluster, month: base + url_for("admin.statement", slug=cluster.slug, period=month))
    db.commit()
    if result.already_closed:
        flash(_("%(period)s était déjà clôturé : rien n'a changé.", period=period), "info")
    else:
        flash(_("%(period)s clôturé : %(count)d relevé(s).", period=period, count=len(result.settlements)), "success")
    for problem in result.pools_left:
        flash(_("Non réparti (comptera dans le mois suivant une fois réparti) : %(problem)s", problem=problem),
              "error")
    return redirect(url_for("admin.settlements"), code=303)


def _act(action, success, back: str = "admin.settlements"):
    """Run a console action: committed and told on success; on a refusal nothing is kept and the reason shown."""
    db = get_db()
    try:
        result = action(db)
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
    else:
        db.commit()
        flash(success(result), "success")
    return redirect(url_for(back), code=303)


@bp.post("/settlements/<period>/sepa")
@platform_admin_required
def sepa_payouts(period: str):
    period = _valid_period(period)
    return _act(lambda db: sepa_payout_file(db, current_app.config, period, date.today(), current_user.id),
                   lambda record: _("Fichier de virements %(id)s prêt : %(count)d virement(s).",
                                    id=record.message_id, count=record.count))


@bp.post("/settlements/pay/<int:settlement_id>")
@platform_admin_required
def stripe_payout(settlement_id: int):
    settlement = get_db().get(Settlement, settlement_id)
    if settlement is None:
        raise NotFound(_("Règlement introuvable."))
    return _act(lambda db: pay_by_stripe(db, current_app.config, settlement, date.today()),
                   lambda _settlement: _("Virement Stripe envoyé."))


@bp.get("/settlements/<period>.csv")
@platform_admin_required
def settlements_csv(period: str):
    """Every cluster's settlement of a month, for the treasurer's spreadsheet."""
    return _attachment(period_summary_csv(get_db(), _valid_period(period)), "text/csv; charset=utf-8",
                       f"reglements-{period}.csv")


@bp.get("/payout-files/<int:file_id>.xml")
@platform_admin_required
def payout_file(file_id: int):
    record = get_db().get(PayoutFile, file_id)
    if record is None:
        raise NotFound(_("Fichier introuvable."))
    return _attachment(record.xml.encode(), "application/xml", f"{record.message_id}.xml")


@bp.get("/clusters/<slug>/settlements")
@staff_required
def cluster_settlements(slug: str):
    cluster = _cluster_for_staff(slug)
    db = get_db()
    rows = db.exec(select(Settlement).where(Settlement.cluster_id == cluster.id)
                   .order_by(col(Settlement.period).desc())).all()
    open_period = first_open_period(db) or month_of(date.today())
    return render("admin/cluster_settlements.html", cluster=cluster, settlements=rows, open_period=open_period,
                  current=statements(db, open_period, cluster.id)[cluster.id])


@bp.get("/clusters/<slug>/settlements/<period>")
@staff_required
def statement(slug: str, period: str):
    cluster = _cluster_for_staff(slug)
    settlement, figures_ = statement_for(get_db(), cluster.id, _valid_period(period))
    return render("admin/statement.html", cluster=cluster, settlement=settlement, statement=figures_,
                  kinds=KIND_NAMES, accounts=ACCOUNT_NAMES)


@bp.get("/clusters/<slug>/settlements/<period>.pdf")
@staff_required
def statement_as_pdf(slug: str, period: str):
    cluster = _cluster_for_staff(slug)
    settlement, figures_ = statement_for(get_db(), cluster.id, _valid_period(period))
    data = statement_pdf(cluster, figures_, current_app.config["FEDERATION_NAME"], settlement is not None)
    return _attachment(data, "application/pdf", f"releve-{cluster.slug}-{period}.pdf")


@bp.get("/clusters/<slug>/settlements/<period>.csv")
@staff_required
def statement_as_csv(slug: str, period: str):
    cluster = _cluster_for_staff(slug)
    _settlement, figures_ = statement_for(get_db(), cluster.id, _valid_period(period))
    return _attachment(statement_csv(cluster, figures_), "text/csv; charset=utf-8",
                       f"releve-{cluster.slug}-{period}.csv")


def _entry_filter() -> tuple[EntryFilter, Cluster | None]:
    """The filter from the query string; staff see their own clusters' accounts, admins also the federation's."""
    db = get_db()
    slug = request.args.get("cluster") or None
    cluster = None
    if slug:
        cluster = db.exec(select(Cluster).where(Cluster.slug == slug)).first()
        if cluster is None:
            raise NotFound(_("Cluster introuvable."))
        require(can_view_cluster_console(cluster.id))
    else:
        require(is_platform_admin())
    period = request.args.get("period") or None
    if period:
        _valid_period(period)
    return EntryFilter(cluster_id=cluster.id if cluster else None, period=period,
                       kind=request.args.get("kind") or None, code=request.args.get("account") or None,
                       transaction_id=request.args.get("transaction", type=int)), cluster


@bp.get("/ledger")
@staff_required
def ledger():
    """Ledger entries behind a figure, as a page or (format=csv) a spreadsheet file."""
    where, cluster = _entry_filter()
    as_csv = request.args.get("format") == "csv"
    rows = entries(get_db(), where, limit=None if as_csv else MAX_ROWS + 1)
    truncated = not as_csv and len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS] if truncated else rows
    if as_csv:
        owner = cluster.slug if cluster else "federation"
        return _attachment(entries_csv(rows), "text/csv; charset=utf-8",
                           f"ecritures-{owner}-{where.period or 'tout'}.csv")
    debit = sum(line.debit_cents for line, _a, _t in rows)
    credit = sum(line.credit_cents for line, _a, _t in rows)
    accounts = ACCOUNT_NAMES if cluster else FEDERATION_ACCOUNTS
    return render("admin/ledger.html", rows=rows, where=where, cluster=cluster, debit=debit, credit=credit,
                  kinds=KIND_NAMES, accounts=accounts, args=request.args.to_dict(), truncated=truncated,
                  max_rows=MAX_ROWS)


def _set_fee(db, form: PlatformFeeForm):
    fee = percent_to_bps(form.percent.data) if form.percent.data is not None else None
    if form.partnership.data:
        partnership = db.get(Partnership, form.partnership.data)
        if partnership is None:
            raise NotFound(_("Partenariat introuvable."))
        return set_partnership_fee(db, partnership, fee)
    offer = db.get(Offer, form.offer.data or 0)
    if offer is None:
        raise NotFound(_("Offre introuvable."))
    return set_offer_fee(db, offer, fee)


@bp.route("/platform-fees", methods=["GET", "POST"])
@platform_admin_required
def platform_fees():
    """The federation's commission: its default, and overrides per partnership or per offer."""
    db = get_db()
    if request.method == "POST":
        form = PlatformFeeForm()
        if not form.validate_on_submit():
            flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
            return redirect(url_for("admin.platform_fees"), code=303)
        return _act(lambda db: _set_fee(db, form), lambda _record: _(
            "Commission enregistrée ; elle s'applique aux prochaines ventes."), "admin.platform_fees")
    clusters = {c.id: c for c in db.exec(select(Cluster))}
    partnerships = db.exec(select(Partnership).order_by(Partnership.id)).all()
    overridden = db.exec(select(Offer).where(col(Offer.platform_fee_bps).is_not(None)).order_by(Offer.title_fr)).all()
    offers = db.exec(select(Offer).order_by(Offer.title_fr)).all()
    return render("admin/platform_fees.html", default_bps=int(current_app.config.get("PLATFORM_FEE_BPS", 0)),
                  clusters=clusters, partnerships=partnerships, overridden=overridden, offers=offers)
