"""Console: a cluster's offers — the list, creating and editing one, publishing it, its variants (packs).

An offer's page also shows its kind's own section (a room's rate grid...), whose routes live with the kind;
`offer_page` renders the page for them too.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..auth.permissions import staff_required
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..core.kinds import get_kind
from ..core.members import members
from ..db import get_db
from ..web.downloads import attachment
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .forms import OfferForm, VariantForm, offer_form, offer_kind_choices, visibility_choices
from .models import Offer
from .services import (
    add_variant,
    get_cluster_offer,
    matching_offers,
    offer_table,
    offers_csv,
    offers_of,
    partner_clusters,
    remove_variant,
    save_offer,
    toggle_published,
    variants_of,
)

bp = Blueprint("catalogue_console", __name__, url_prefix="/console")


def _form(cluster: Cluster, offer: Offer, **kwargs) -> OfferForm:
    db = get_db()
    return offer_form(db, cluster, offer, members().tier_codes(db, cluster.id), **kwargs)


def offer_page(cluster: Cluster, offer: Offer | None, form: OfferForm | None = None,
               variant_form: VariantForm | None = None, section: dict | None = None,
               section_template: str | None = None):
    """The offer's console page: its form, and once it exists its variants and its kind's own section.

    A kind's route re-rendering the page with its section's errors names the section's template, shown
    even on an offer of another kind (where its refusal must be read).
    """
    db = get_db()
    form = form or _form(cluster, offer or Offer(), formdata=None)
    context = dict(cluster=cluster, offer=offer, form=form, tier_codes=form.known_tier_codes,
                   has_partners=bool(partner_clusters(db, cluster.id)))
    forms = [form]
    if offer is not None:
        kind = get_kind(offer.kind)
        variant_form = variant_form or VariantForm(formdata=None)
        section = section or (kind.console_context(db, offer) if kind.console_context else {})
        forms += [variant_form, *(value for value in section.values() if hasattr(value, "form_errors"))]
        context.update(kind=kind, variant_form=variant_form, variants=variants_of(db, offer.id),
                       section_template=section_template or kind.console_section, **section)
    return render("catalogue/console/offer.html", status=form_status(*forms), **context)


@bp.get("/clusters/<slug>/offers")
@staff_required
def offers(slug: str):
    """The cluster's offers: searched, by kind, sorted, paged (htmx swaps the table); ?format=csv exports them."""
    cluster, kinds, visibilities = cluster_for_staff(slug), dict(offer_kind_choices()), dict(visibility_choices())
    table = offer_table(request.args, kinds)
    shown = matching_offers(offers_of(get_db(), cluster.id), table)
    if request.args.get("format") == "csv":
        return attachment(offers_csv(shown, kinds, visibilities), "text/csv; charset=utf-8", f"offres-{cluster.slug}.csv")
    return render("catalogue/console/offers.html", "catalogue/console/_offers_table.html", cluster=cluster,
                  offers=table.window(shown), total=len(shown), pages=table.pages(len(shown)), table=table,
                  kind_labels=kinds, visibility_labels=visibilities)


@bp.route("/clusters/<slug>/offers/new", methods=["GET", "POST"])
@staff_required
def new_offer(slug: str):
    cluster = cluster_for_staff(slug)
    form = _form(cluster, Offer())
    saved = Submission(form)
    if saved.run(lambda: save_offer(get_db(), cluster, Offer(), form.offer_input()),
                 _("Offre créée. Ajoutez si besoin ses formules ou sa grille tarifaire.")):
        return redirect(url_for("catalogue_console.edit_offer", slug=slug, offer_id=saved.value.id), code=303)
    return offer_page(cluster, None, form)


@bp.route("/clusters/<slug>/offers/<int:offer_id>", methods=["GET", "POST"])
@staff_required
def edit_offer(slug: str, offer_id: int):
    cluster = cluster_for_staff(slug)
    offer = get_cluster_offer(get_db(), cluster, offer_id)
    form = _form(cluster, offer)
    if Submission(form).run(lambda: save_offer(get_db(), cluster, offer, form.offer_input()), _("Offre enregistrée.")):
        return redirect(url_for("catalogue_console.edit_offer", slug=slug, offer_id=offer.id), code=303)
    return offer_page(cluster, offer, form)


@bp.post("/clusters/<slug>/offers/<int:offer_id>/publish")
@staff_required
def publish_offer(slug: str, offer_id: int):
    db = get_db()
    offer = toggle_published(db, get_cluster_offer(db, cluster_for_staff(slug), offer_id))
    db.commit()
    flash(_("« %(title)s » est publiée au catalogue.", title=offer.title_fr) if offer.is_published
          else _("« %(title)s » est retirée du catalogue.", title=offer.title_fr), "success")
    if request.form.get("back") == "list":
        return redirect(url_for("catalogue_console.offers", slug=slug), code=303)
    return redirect(url_for("catalogue_console.edit_offer", slug=slug, offer_id=offer.id), code=303)


def add_to_offer(slug: str, offer_id: int, form, add, done: str, anchor: str, page):
    """Add a row (a pack, a room rate) to one of the cluster's offers: `add(db, offer)` with the form's values;
    a refusal re-renders the offer's page through `page(cluster, offer)`, the form showing why."""
    cluster = cluster_for_staff(slug)
    offer = get_cluster_offer(get_db(), cluster, offer_id)
    if Submission(form).run(lambda: add(get_db(), offer), done):
        return redirect(url_for("catalogue_console.edit_offer", slug=slug, offer_id=offer.id, _anchor=anchor),
                        code=303)
    return page(cluster, offer)


def remove_from_offer(slug: str, offer_id: int, remove, row_id: int, done: str, anchor: str):
    """Remove a row (a pack, a room rate) of one of the cluster's offers."""
    db = get_db()
    remove(db, get_cluster_offer(db, cluster_for_staff(slug), offer_id), row_id)
    db.commit()
    flash(done, "success")
    return redirect(url_for("catalogue_console.edit_offer", slug=slug, offer_id=offer_id, _anchor=anchor), code=303)


@bp.post("/clusters/<slug>/offers/<int:offer_id>/variants")
@staff_required
def add_offer_variant(slug: str, offer_id: int):
    form = VariantForm()
    return add_to_offer(slug, offer_id, form, lambda db, offer: add_variant(db, offer, form.variant()),
                        _("Formule ajoutée."), "variants",
                        lambda cluster, offer: offer_page(cluster, offer, variant_form=form))


@bp.post("/clusters/<slug>/offers/<int:offer_id>/variants/<int:variant_id>/delete")
@staff_required
def delete_offer_variant(slug: str, offer_id: int, variant_id: int):
    return remove_from_offer(slug, offer_id, remove_variant, variant_id, _("Formule supprimée."), "variants")
