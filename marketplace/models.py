"""Every table of the product, imported in one place so SQLModel.metadata is complete."""

from sqlmodel import SQLModel

from .auth.models import StaffRole, User
from .catalogue.models import Offer, OfferCoOwner, OfferTheme, OfferVariant, RoomRate
from .checkout.models import Cart, CartLine, OfferStock, Order, OrderLine, RoomBooking
from .clusters.models import Cluster, Membership, MembershipTier, Organization, Partnership
from .mail.models import OutboxEmail

metadata = SQLModel.metadata

__all__ = ["Cart", "CartLine", "OfferStock", "Order", "OrderLine", "RoomBooking", "Offer", "OfferCoOwner", "OfferTheme", "OfferVariant", "RoomRate", "Cluster", "Membership", "MembershipTier", "Organization", "OutboxEmail", "Partnership",
           "StaffRole", "User", "metadata"]
