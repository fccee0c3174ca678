"""The public page of an event: its days, venue and organisers, its ticket types priced for the viewer with
the seats left when few remain, its stands and sponsorship packages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import col, select

from ..auth.permissions import can_view_cluster_console
from ..catalogue.models import Offer, OfferCoOwner
from ..checkout.cart import add_to_cart
from ..checkout.models import Order, OrderLine
from ..checkout.views import can_see_order, current_cart, current_viewer
from ..clusters.models import Cluster
from ..clusters.services import get_cluster
from ..core.errors import DomainError, Invalid
from ..core.timeutil import utcnow
from ..db import get_db
from ..pricing.services import DisplayPrice, display_prices
from ..web.extensions import RATE_LIMITS, limiter
from ..web.forms import Submission, form_status
from ..web.htmx import render
from ..web.pagecache import public_page
from .calendar import cluster_feed, event_ics
from .documents import tickets_pdf
from .forms import AttendeeForm, CodeEntryForm, ProfileForm, WaitlistForm
from .invitations import clean_code, offer_of_code
from .kind import EVENT_TICKET, SPONSORSHIP, STAND
from .models import Event, EventProfile, Ticket
from .profiles import partners_of, profile_for, save_profile
from .services import PUBLIC_STATUSES, days_of, events_of, offers_of, public_event
from .stock import QUOTAS
from .tickets import buyer_ticket, rename_attendee, tickets_of_buyer
from .waitlist import join_waitlist

bp = Blueprint("events", __name__)
FEW_LEFT = 20  # below this many places left, the page says how many


@dataclass(frozen=True)
class OnSale:
    """An offer of the event as the page shows it: its price for the viewer, the member price, places left."""

    offer: Offer
    price: DisplayPrice
    member_cents: int | None
    left: int | None

    @property
    def few_left(self) -> bool:
        return self.left is not None and 0 < self.left <= FEW_LEFT


def _member_cents(offer: Offer) -> int | None:
    if offer.member_price_cents is not None:
        return offer.member_price_cents
    if offer.member_discount_bps:
        return offer.list_price_cents - offer.list_price_cents * offer.member_discount_bps // 10_000
    return None


def _on_sale(db, offers: list[Offer], cluster: Cluster) -> list[OnSale]:
    organization_id = current_user.organization_id if current_user.is_authenticated else None
    prices = display_prices(db, [(o, cluster) for o in offers], organization_id)
    return [OnSale(o, prices[o.id], _member_cents(o), QUOTAS.available(db, o, {})) for o in offers]


def _organisers(db, event: Event, cluster: Cluster) -> list[Cluster]:
    """The organising cluster, then those co-organising (co-owners of its offers, sharing their revenue)."""
    offer_ids = [o.id for o in offers_of(db, event.id)]
    ids = set(db.exec(select(OfferCoOwner.cluster_id).where(col(OfferCoOwner.offer_id).in_(offer_ids))).all())
    return [cluster, *(db.get(Cluster, i) for i in sorted(ids - {cluster.id}))]


@bp.get("/events/<slug>")
@public_page
def event_page(slug: str):
    db = get_db()
    owner = db.exec(select(Event.cluster_id).where(Event.slug == slug)).first()
    event, cluster = public_event(db, slug, sees_drafts=owner is not None and can_view_cluster_console(owner))
    sold = {kind.code: _on_sale(db, offers_of(db, event.id, kind.code, published_only=True), cluster)
            for kind in (EVENT_TICKET, STAND, SPONSORSHIP)}
    return render("events/event.html", event=event, cluster=cluster, days=days_of(db, event.id),
                  tickets=sold[EVENT_TICKET.code], stands=sold[STAND.code], packages=sold[SPONSORSHIP.code],
                  organisers=_organisers(db, event, cluster), on_sale=event.status == "published",
                  exhibitors=partners_of(db, event.id, "exhibitor"), sponsors=partners_of(db, event.id, "sponsor"))


@bp.get("/account/tickets")
@login_required
def my_tickets():
    rows = tickets_of_buyer(get_db(), current_user.id, current_user.organization_id)
    titles = {o.id: o for o in get_db().exec(select(Offer).where(col(Offer.id).in_({t.offer_id for t, _e, _o in rows})))}
    return render("events/my_tickets.html", rows=rows, offers=titles, now=utcnow(), form=AttendeeForm(formdata=None))


@bp.post("/account/tickets/<int:ticket_id>")
@login_required
def rename_ticket(ticket_id: int):
    db = get_db()
    ticket, _event = buyer_ticket(db, ticket_id, current_user.id, current_user.organization_id)
    form = AttendeeForm()
    if not Submission(form).run(lambda: rename_attendee(db, ticket, form.name.data, form.email.data or None),
                                _("Participant enregistré.")):
        flash(" ".join([*form.form_errors, *(e for errors in form.errors.values() for e in errors)]), "error")
    return redirect(url_for("events.my_tickets", _anchor=f"ticket-{ticket.id}"), code=303)


@bp.get("/account/tickets/<int:ticket_id>.pdf")
@login_required
def ticket_pdf(ticket_id: int):
    db = get_db()
    ticket, event = buyer_ticket(db, ticket_id, current_user.id, current_user.organization_id)
    return _pdf(event, [ticket], f"billet-{ticket.code}.pdf")


@bp.get("/orders/<number>/tickets.pdf")
def order_tickets_pdf(number: str):
    """The order's tickets, for whoever may see the order (its buyer, the link's token, staff)."""
    db = get_db()
    order = db.exec(select(Order).where(Order.number == number)).first()
    if order is None or not can_see_order(order):
        abort(404)
    rows = db.exec(select(Ticket, Event).join(Event, Event.id == Ticket.event_id)
                   .join(OrderLine, OrderLine.id == Ticket.order_line_id)
                   .where(OrderLine.order_id == order.id).order_by(Ticket.id)).all()
    if not rows:
        abort(404)
    return _pdf(rows[0][1], [t for t, _e in rows], f"billets-{order.number}.pdf")


def _pdf(event: Event, tickets: list[Ticket], name: str):
    offers = {o.id: o.title_fr for o in get_db().exec(select(Offer).where(col(Offer.id).in_({t.offer_id for t in tickets})))}
    response = make_response(tickets_pdf(event, [(t, offers[t.offer_id]) for t in tickets if t.status == "issued"]))
    response.headers.update({"Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="{name}"',
                             "Cache-Control": "private, no-store"})
    return response


@bp.post("/events/<slug>/waitlist")
@limiter.limit(RATE_LIMITS["checkout"])
def waitlist(slug: str):
    """Wait for a sold-out ticket type: the next place that comes back is held for you, by email."""
    db = get_db()
    event, _cluster = public_event(db, slug)
    form = WaitlistForm()
    offer = db.get(Offer, form.offer_id.data) if form.offer_id.data else None
    if offer is None or not Submission(form).run(lambda: join_waitlist(db, event, offer, form.name.data,
                                                                       form.email.data.lower())):
        flash(" ".join([*form.form_errors, *(e for errors in form.errors.values() for e in errors)])
              or _("Choisissez un billet complet."), "error")
    else:
        flash(_("Vous êtes sur la liste d'attente : si une place se libère, elle vous est réservée et vous "
                "recevez un email pour la régler."), "success")
    return redirect(url_for("events.event_page", slug=slug, _anchor="tickets"), code=303)


@bp.get("/events/<slug>.ics")
def event_calendar(slug: str):
    event, cluster = public_event(get_db(), slug)
    link = url_for("events.event_page", slug=event.slug, _external=True)
    return _calendar(event_ics(event, cluster, link, utcnow()), f"{event.slug}.ics")


@bp.get("/clusters/<slug>/events.ics")
def cluster_calendar(slug: str):
    """A feed a calendar app subscribes to: the cluster's events open to the public."""
    db = get_db()
    cluster = get_cluster(db, slug)
    events = [(e, url_for("events.event_page", slug=e.slug, _external=True)) for e in events_of(db, cluster.id)
              if e.status in PUBLIC_STATUSES]
    return _calendar(cluster_feed(cluster, events, utcnow()), f"evenements-{cluster.slug}.ics")


def _calendar(body: bytes, name: str):
    response = make_response(body)
    response.headers.update({"Content-Type": "text/calendar; charset=utf-8",
                             "Content-Disposition": f'inline; filename="{name}"'})
    return response


@bp.route("/events/profiles/<int:profile_id>", methods=["GET", "POST"])
def edit_profile(profile_id: int):
    """The exhibitor's or sponsor's presence on the event page, filled by its buyer (the order's link, or signed in)."""
    db = get_db()
    token = request.values.get("t")
    profile = profile_for(db, profile_id, token, *_buyer_ids())
    form = ProfileForm(obj=profile)
    if Submission(form).run(lambda: save_profile(db, profile, form.company.data, form.website.data or "",
                                                 form.description.data or "",
                                                 form.logo.data.read() if form.logo.data else None),
                            _("Présentation enregistrée : elle paraît sur la page de l'événement."), "logo"):
        return redirect(url_for("events.edit_profile", profile_id=profile.id, t=token), code=303)
    event = db.get(Event, profile.event_id)
    return render("events/profile.html", status=form_status(form), form=form, profile=profile, event=event,
                  token=token)


def _buyer_ids() -> tuple[int | None, int | None]:
    if not current_user.is_authenticated:
        return None, None
    return current_user.organization_id, current_user.id


@bp.get("/events/profiles/<int:profile_id>/logo")
def profile_logo(profile_id: int):
    profile = get_db().get(EventProfile, profile_id)
    if profile is None or not profile.visible or profile.logo is None:
        abort(404)
    response = make_response(profile.logo)
    response.headers.update({"Content-Type": profile.logo_type or "image/png", "Cache-Control": "public, max-age=300",
                             "X-Content-Type-Options": "nosniff"})
    return response


@bp.post("/events/<slug>/invitation")
def use_invitation(slug: str):
    """A ticket with an invitation code goes into the cart, free."""
    db = get_db()
    event, _cluster = public_event(db, slug)
    form = CodeEntryForm()
    try:
        if not form.validate_on_submit():
            raise Invalid(_("Indiquez votre code d'invitation."))
        offer = offer_of_code(db, event, form.invitation.data)
        add_to_cart(db, current_cart(create=True), offer.id, 1, {"invitation": clean_code(form.invitation.data)},
                    current_viewer())
    except DomainError as exc:
        db.rollback()
        flash(exc.message_in("fr"), "error")
        return redirect(url_for("events.event_page", slug=slug, _anchor="tickets"), code=303)
    db.commit()
    flash(_("Invitation ajoutée à votre panier : indiquez le nom du participant à la commande."), "success")
    return redirect(url_for("checkout.cart"), code=303)
