"""Every table of the product, imported in one place so SQLModel.metadata is complete."""

from sqlmodel import SQLModel

from .agreements.models import (
    RebateShare,
    SuccessFeeAgreement,
    SuccessFeeDeclaration,
    SupplierAgreement,
    SupplierPurchase,
)
from .audit.models import AuditEntry
from .auth.models import ApiToken, LoginSession, PasswordResetRequest, StaffRole, User
from .catalogue.models import (
    CatalogueVersion,
    Offer,
    OfferCoOwner,
    OfferDayStock,
    OfferStock,
    OfferTheme,
    OfferVariant,
)
from .checkout.models import Cart, CartLine, Order, OrderLine
from .clusters.models import Cluster, Organization, Partnership
from .events.models import (
    Event,
    EventDay,
    EventProfile,
    EventQuota,
    EventQuotaOffer,
    InvitationCode,
    SponsorExclusion,
    SponsorPackage,
    Ticket,
    WaitlistEntry,
)
from .finances.models import Budget, BudgetAction, BudgetLine
from .invoicing.models import Invoice, InvoiceSequence, ReceiptSequence
from .ledger.models import LedgerAccount, LedgerCalendar, LedgerLine, LedgerTransaction
from .mail.models import OutboxEmail
from .memberships.models import Membership, MembershipTier
from .passes.models import PassBook, PassDesk, PassRedemption
from .payments.models import Payment, Refund, ShareTransfer, StatementImport, StripeEvent, TransferReversal
from .pools.models import PoolAllocation, PooledCost, PoolParticipant, PoolUsage
from .rooms.models import (
    RoomBooking,
    RoomCancellation,
    RoomClosure,
    RoomDay,
    RoomHours,
    RoomPhoto,
    RoomQuote,
    RoomRate,
    RoomSpace,
)
from .settlements.models import PayoutFile, Settlement

metadata = SQLModel.metadata

__all__ = [
    "ApiToken", "AuditEntry", "Budget", "BudgetAction", "BudgetLine", "Cart", "CartLine", "CatalogueVersion", "Cluster", "Event", "EventDay", "EventQuota", "EventQuotaOffer", "Invoice", "InvoiceSequence", "LedgerAccount", "LedgerCalendar",
    "LedgerLine", "LedgerTransaction", "LoginSession", "Membership", "MembershipTier", "Offer", "OfferCoOwner",
    "OfferDayStock", "OfferStock", "OfferTheme", "OfferVariant", "Order", "OrderLine", "Organization", "OutboxEmail",
    "Partnership", "PassBook", "PassDesk", "PassRedemption", "PasswordResetRequest", "ReceiptSequence", "Payment", "PayoutFile", "PoolAllocation", "PoolParticipant",
    "PoolUsage", "PooledCost", "RebateShare", "Refund", "RoomBooking", "RoomCancellation", "RoomClosure", "RoomDay", "RoomHours", "RoomPhoto", "RoomQuote", "RoomRate", "RoomSpace", "Settlement", "ShareTransfer",
    "StaffRole", "StatementImport", "StripeEvent", "SuccessFeeAgreement", "Ticket", "WaitlistEntry", "SponsorExclusion", "EventProfile",
    "InvitationCode", "SponsorPackage", "SuccessFeeDeclaration",
    "SupplierAgreement", "SupplierPurchase", "TransferReversal", "User", "metadata",
]
