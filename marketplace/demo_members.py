"""The demo's renewals: Mecabourg called next year's fees three weeks ago and EMC2 last week (indexed on
inflation, 1,8 %); one member of each has paid, Mecabourg's late payer has had its first reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlmodel import Session, select

from .auth.models import User
from .checkout.models import Order
from .clusters.models import Cluster
from .memberships.models import Membership, RenewalRun
from .memberships.renewals import run_renewals, send_reminders
from .payments.services import record_manual_payment

# cluster, days since the renewal was called, index (basis points)
RENEWALS = [("mecabourg", 20, 180), ("emc2", 6, 180)]
# members who paid their renewal by transfer
PAID = ["contact@usinage-bressan.fr", "innovation@composites-atlantique.fr"]


def load_demo_renewals(db: Session, clusters: dict[str, Cluster], admin_id: int, today: date) -> int:
    """Call next year's fees of two clusters (once), record two payments, send the reminders due."""
    config = current_app.config
    year = today.year + 1
    for slug, days_ago, index_bps in RENEWALS:
        cluster = clusters[slug]
        if db.exec(select(RenewalRun).where(RenewalRun.cluster_id == cluster.id, RenewalRun.year == year)).first():
            continue
        called = datetime.combine(today - timedelta(days=days_ago), time(9), tzinfo=UTC)
        run_renewals(db, cluster, year, index_bps, admin_id, called, config["MEMBERSHIP_GRACE_DAYS"], config)
    for email in PAID:
        organization_id = db.exec(select(User.organization_id).where(User.email == email)).one()
        order = db.exec(select(Order).join(Membership, Membership.order_id == Order.id).where(
            Membership.organization_id == organization_id, Membership.year == year)).first()
        if order is not None and order.status == "pending_payment":
            record_manual_payment(db, order, order.total_incl_cents, today, admin_id, "Virement de démonstration")
    return send_reminders(db, today, config["MEMBERSHIP_REMINDER_DAYS"], config)


# coworking pass holders: order key, email, book bought, tickets already used
PASS_HOLDERS = [("demo-pass-book-pixel", "hello@pixel-sentier.fr", "book10_day", 3),
                ("demo-pass-book-camille", "camille.martin@exemple.fr", "book10_half", 8)]


def load_demo_passes(db: Session, clusters: dict[str, Cluster], today: date) -> None:
    """Members holding coworking tickets at La Cantine (a book of days, a book of half days nearly used up);
    the desk's code is CANTINE."""
    from .catalogue.models import Offer
    from .passes.models import PassDesk

    offer = db.exec(select(Offer).where(Offer.cluster_id == clusters["silicon-sentier"].id,
                                        Offer.slug == "coworking")).one()
    if db.get(PassDesk, offer.id) is None:
        db.add(PassDesk(offer_id=offer.id, validity_months=12, desk_code="CANTINE"))
    for key, email, variant, used in PASS_HOLDERS:
        _pass_book(db, offer, key, email, variant, used, today)


def _pass_book(db: Session, offer, key: str, email: str, variant: str, used: int, today: date) -> None:
    from .catalogue.search import viewer_for
    from .checkout.cart import add_to_cart, ensure_cart
    from .checkout.orders import Billing, place_order
    from .clusters.models import Organization
    from .passes.models import PassBook
    from .passes.services import redeem

    user = db.exec(select(User).where(User.email == email)).one()
    if db.exec(select(Order).where(Order.idempotency_key == key)).first() is not None:
        return
    organization = db.get(Organization, user.organization_id)
    viewer = viewer_for(db, organization.id, today.year)
    cart = ensure_cart(db, None, user.id)
    add_to_cart(db, cart, offer.id, 1, {"variant": variant}, viewer)
    order, _created = place_order(db, cart, viewer, user.id, Billing(organization.name, user.email,
                                                                     organization.siret, city=organization.city),
                                  key, 30)
    record_manual_payment(db, order, order.total_incl_cents, today, None, "Virement de démonstration")
    for book in db.exec(select(PassBook).where(PassBook.holder_email == user.email)).all():
        for _ in range(used):
            redeem(db, book, None, by_staff=True)
