"""Factories: make_cluster, make_user, make_organization... with valid defaults and unique keys."""

from __future__ import annotations

import itertools
from functools import lru_cache

from sqlmodel import Session

from marketplace.auth.models import StaffRole, User
from marketplace.auth.services import hash_password
from marketplace.catalogue.models import Offer, OfferVariant
from marketplace.clusters.models import Cluster, Organization, Partnership
from marketplace.memberships.models import Membership, MembershipTier
from marketplace.rooms.models import RoomRate

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit (SIREN and SIRET use it)."""
    from stdnum import luhn

    return digits + luhn.calc_check_digit(digits)


def make_siret(n: int) -> str:
    siren = luhn_complete(f"{50000000 + n:08d}")
    return luhn_complete(siren + "0001")


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password(PASSWORD)


class Factories:
    def __init__(self, db: Session):
        self.db = db

    def _save(self, record):
        self.db.add(record)
        self.db.commit()
        return record

    def make_cluster(self, **values) -> Cluster:
        n = next(_counter)
        defaults = dict(slug=f"cluster-{n}", name=f"Cluster {n}", legal_name=f"Association Cluster {n}",
                        siret=make_siret(n), region="Bretagne", sector="Agroalimentaire", city="Rennes")
        return self._save(Cluster(**{**defaults, **values}))

    def make_tier(self, cluster: Cluster, **values) -> MembershipTier:
        n = next(_counter)
        defaults = dict(cluster_id=cluster.id, code=f"tier-{n}", name_fr=f"Formule {n}", name_en=f"Tier {n}",
                        min_headcount=0, max_headcount=None, fee_cents=50000, category="classic")
        return self._save(MembershipTier(**{**defaults, **values}))

    def make_organization(self, **values) -> Organization:
        n = next(_counter)
        defaults = dict(name=f"Entreprise {n}", kind="company", siret=make_siret(1000 + n), headcount=12)
        return self._save(Organization(**{**defaults, **values}))

    def make_membership(self, organization: Organization, cluster: Cluster, tier: MembershipTier | None = None,
                        **values) -> Membership:
        tier = tier or self.make_tier(cluster)
        defaults = dict(organization_id=organization.id, cluster_id=cluster.id, tier_id=tier.id, year=2026,
                        status="active", fee_cents=tier.fee_cents)
        return self._save(Membership(**{**defaults, **values}))

    def make_user(self, email: str | None = None, **values) -> User:
        n = next(_counter)
        defaults = dict(email=email or f"user{n}@exemple.fr", password_hash=_password_hash())
        return self._save(User(**{**defaults, **values}))

    def make_staff(self, cluster: Cluster, role: str = "admin", **values) -> User:
        user = self.make_user(**values)
        self._save(StaffRole(user_id=user.id, cluster_id=cluster.id, role=role))
        return user

    def make_partnership(self, a: Cluster, b: Cluster, reciprocity_bps: int = 1000) -> Partnership:
        first, second = sorted((a, b), key=lambda c: c.id)
        return self._save(Partnership(cluster_a_id=first.id, cluster_b_id=second.id,
                                      reciprocity_discount_bps=reciprocity_bps))

    def make_offer(self, cluster: Cluster, **values) -> Offer:
        n = next(_counter)
        defaults = dict(cluster_id=cluster.id, kind="service", slug=f"offre-{n}", title_fr=f"Offre {n}",
                        title_en=f"Offer {n}", list_price_cents=10000)
        return self._save(Offer(**{**defaults, **values}))

    def make_variant(self, offer: Offer, **values) -> OfferVariant:
        n = next(_counter)
        defaults = dict(offer_id=offer.id, code=f"formule-{n}", label_fr=f"Formule {n}", label_en=f"Option {n}",
                        list_price_cents=5000)
        return self._save(OfferVariant(**{**defaults, **values}))

    def make_room_rate(self, offer: Offer, **values) -> RoomRate:
        defaults = dict(offer_id=offer.id, day_type="weekday", slot="full_day", min_people=1, max_people=20,
                        list_price_cents=40000)
        return self._save(RoomRate(**{**defaults, **values}))

    def make_order(self, offer, status: str = "pending_payment", quantity: int = 1, **values):
        """An order with one line of `offer` at its list price (20 % VAT), as checkout would freeze it."""
        from datetime import UTC, datetime, timedelta

        from marketplace.checkout.models import Order, OrderLine
        from marketplace.checkout.orders import creditor_reference

        n = next(_counter)
        excl = offer.list_price_cents * quantity
        vat = excl * 2000 // 10000
        number = f"C2026-{900000 + n:06d}"
        now = datetime.now(UTC)
        defaults = dict(number=number, idempotency_key=f"key-{n}", access_token=f"token-{n}", status=status,
                        payment_reference=creditor_reference(number), total_excl_cents=excl, total_vat_cents=vat,
                        total_incl_cents=excl + vat, billing_name=f"Acheteur {n}", billing_email=f"a{n}@exemple.fr",
                        terms_accepted_at=now, hold_expires_at=now + timedelta(minutes=30))
        order = self._save(Order(**{**defaults, **values}))
        self._save(OrderLine(order_id=order.id, offer_id=offer.id, cluster_id=offer.cluster_id, kind=offer.kind,
                             description=offer.title_fr, quantity=quantity, units=quantity,
                             unit_list_cents=offer.list_price_cents, unit_price_cents=offer.list_price_cents,
                             excl_cents=excl, vat_rate_bps=2000, vat_cents=vat, incl_cents=excl + vat))
        return order
