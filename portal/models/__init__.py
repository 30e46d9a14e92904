"""SQLAlchemy tables, one module per concern; importing this registers them all."""

from portal.models import case_totals  # noqa: F401 (registers the totals hooks)
from portal.models.api import ApiIdempotentRequest, ApiRateWindow, ApiToken
from portal.models.audit import ActorKind, AuditEvent, LoginThrottle
from portal.models.base import Base
from portal.models.callbacks import CallbackRequest
from portal.models.cases import Case, DebtLine, LedgerEntry, LedgerIsAppendOnly
from portal.models.casework import CaseNote
from portal.models.disputes import Dispute, DisputeFile, DisputeMessage
from portal.models.messages import Channel, Message, MessageStatus
from portal.models.parties import Agency, Creditor, Debtor
from portal.models.payments import (
    Payment,
    PaymentReversal,
    Receipt,
    ReceiptCounter,
    SavedPaymentMethod,
    WebhookEvent,
)
from portal.models.placement import PlacementImport
from portal.models.plans import Instalment, Plan, PlanPolicy, PlanProposal, PolicyBand
from portal.models.reminders import (
    CaseReminder,
    DebtorPreference,
    ReminderContact,
    ReminderStep,
    TimeBarReview,
)
from portal.models.remittances import RemittanceItem, RemittanceStatement, StatementIsIssued
from portal.models.settlements import SettlementBand, SettlementOffer
from portal.models.staff import RecoveryCode, Role, StaffUser
from portal.models.webhooks_out import CreditorDigest, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiIdempotentRequest",
    "ApiRateWindow",
    "ApiToken",
    "ActorKind",
    "Agency",
    "AuditEvent",
    "Base",
    "CallbackRequest",
    "Case",
    "CaseNote",
    "CaseReminder",
    "Channel",
    "Creditor",
    "CreditorDigest",
    "DebtLine",
    "Debtor",
    "Dispute",
    "DisputeFile",
    "DisputeMessage",
    "DebtorPreference",
    "Instalment",
    "LedgerEntry",
    "LedgerIsAppendOnly",
    "LoginThrottle",
    "Message",
    "MessageStatus",
    "Payment",
    "PaymentReversal",
    "PlacementImport",
    "Plan",
    "PlanPolicy",
    "PlanProposal",
    "PolicyBand",
    "Receipt",
    "RecoveryCode",
    "ReceiptCounter",
    "ReminderContact",
    "ReminderStep",
    "RemittanceItem",
    "RemittanceStatement",
    "Role",
    "SavedPaymentMethod",
    "SettlementBand",
    "SettlementOffer",
    "StaffUser",
    "StatementIsIssued",
    "TimeBarReview",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
