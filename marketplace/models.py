"""Every table of the product, imported in one place so SQLModel.metadata is complete."""

from sqlmodel import SQLModel

from .auth.models import ApiToken, StaffRole, User
from .catalogue.models import Offer, OfferCoOwner, OfferTheme, OfferVariant, RoomRate
from .checkout.models import Cart, CartLine, OfferStock, Order, OrderLine, RoomBooking
from .clusters.models import Cluster, Membership, MembershipTier, Organization, Partnership
from .invoicing.models import Invoice, InvoiceSequence
from .ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
from .mail.models import OutboxEmail
from .payments.models import Payment, Refund, StatementImport, StripeEvent

metadata = SQLModel.metadata

__all__ = ["LedgerAccount", "LedgerLine", "LedgerTransaction", "ApiToken", "Refund", "StripeEvent", "Invoice", "InvoiceSequence", "Payment", "StatementImport", "Cart", "CartLine", "OfferStock", "Order", "OrderLine", "RoomBooking", "Offer", "OfferCoOwner", "OfferTheme", "OfferVariant", "RoomRate", "Cluster", "Membership", "MembershipTier", "Organization", "OutboxEmail", "Partnership",
           "StaffRole", "User", "metadata"]
