"""SQLAlchemy tables, one module per concern; importing this registers them all."""

from portal.models.audit import ActorKind, AuditEvent, LoginFailure
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
from portal.models.plans import Instalment, Plan, PlanPolicy, PlanProposal, PolicyBand
from portal.models.reminders import (
    CaseReminder,
    DebtorPreference,
    ReminderContact,
    ReminderStep,
    TimeBarReview,
)
from portal.models.staff import Role, StaffUser

__all__ = [
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
    "DebtLine",
    "Debtor",
    "Dispute",
    "DisputeFile",
    "DisputeMessage",
    "DebtorPreference",
    "Instalment",
    "LedgerEntry",
    "LedgerIsAppendOnly",
    "LoginFailure",
    "Message",
    "MessageStatus",
    "Payment",
    "PaymentReversal",
    "Plan",
    "PlanPolicy",
    "PlanProposal",
    "PolicyBand",
    "Receipt",
    "ReceiptCounter",
    "ReminderContact",
    "ReminderStep",
    "Role",
    "SavedPaymentMethod",
    "StaffUser",
    "TimeBarReview",
    "WebhookEvent",
]
