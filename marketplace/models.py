"""Every table of the product, imported in one place so SQLModel.metadata is complete."""

from sqlmodel import SQLModel

from .agreements.models import (
           RebateShare,
           SuccessFeeAgreement,
           SuccessFeeDeclaration,
           SupplierAgreement,
           SupplierPurchase,
)
from .auth.models import ApiToken, LoginSession, PasswordResetRequest, StaffRole, User
from .catalogue.models import Offer, OfferCoOwner, OfferTheme, OfferVariant, RoomRate
from .checkout.models import Cart, CartLine, OfferStock, Order, OrderLine, RoomBooking
from .clusters.models import Cluster, Membership, MembershipTier, Organization, Partnership
from .invoicing.models import Invoice, InvoiceSequence
from .ledger.models import LedgerAccount, LedgerCalendar, LedgerLine, LedgerTransaction
from .mail.models import OutboxEmail
from .payments.models import Payment, Refund, ShareTransfer, StatementImport, StripeEvent, TransferReversal
from .pools.models import PoolAllocation, PooledCost, PoolParticipant, PoolUsage
from .settlements.models import PayoutFile, Settlement

metadata = SQLModel.metadata

__all__ = ["RebateShare", "SuccessFeeAgreement", "SuccessFeeDeclaration", "SupplierAgreement", "SupplierPurchase",
           "LedgerCalendar", "PoolAllocation", "PooledCost", "PoolParticipant", "PoolUsage", "PayoutFile",
           "Settlement", "ShareTransfer", "TransferReversal", "LedgerAccount", "LedgerLine", "LedgerTransaction", "ApiToken", "Refund", "StripeEvent", "Invoice", "InvoiceSequence", "Payment", "StatementImport", "Cart", "CartLine", "OfferStock", "Order", "OrderLine", "RoomBooking", "Offer", "OfferCoOwner", "OfferTheme", "OfferVariant", "RoomRate", "Cluster", "Membership", "MembershipTier", "Organization", "OutboxEmail", "Partnership",
           "StaffRole", "User", "LoginSession", "PasswordResetRequest", "metadata"]
