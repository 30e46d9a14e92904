"""Creditors from the admin pages: identity and settings, plan policy, reminder sequence.

Each save checks everything first (AdminError or the policy's and sequence's own errors:
nothing saved), then writes one audit row with the values before and after, and commits.
"""

from sqlalchemy import select

from portal.domain import identifiers
from portal.domain.factors import FactorKind
from portal.domain.reminders import Step, check_sequence
from portal.extensions import db
from portal.models import ActorKind, Creditor, StaffUser
from portal.services import audit
from portal.services.admin import AdminError
from portal.services.plans import policy as plan_policy
from portal.services.reminders import controls

CURRENCIES = ("EUR", "CHF", "GBP", "USD")
IDENTITY_FIELDS = (
    "legal_name",
    "siren",
    "vat_number",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "contact_email",
    "currency",
    "verification_factor",
    "commission_rate_bp",
)


def list_creditors() -> list[Creditor]:
    """Every creditor, by name."""
    return list(db.session.execute(select(Creditor).order_by(Creditor.legal_name)).scalars())


def identity_of(creditor: Creditor) -> dict:
    """The creditor's identity and settings as plain values (for forms and the audit)."""
    return {name: _plain(getattr(creditor, name)) for name in IDENTITY_FIELDS}


def _plain(value):
    return str(value) if isinstance(value, FactorKind) else value


def check_identity(values: dict, creditor_id: int | None) -> dict:
    """The values cleaned, or AdminError naming the first faulty field."""
    clean = {k: (values.get(k) or "").strip() if k != "commission_rate_bp" else values.get(k)
             for k in IDENTITY_FIELDS}  # fmt: skip
    for required in ("legal_name", "address_line1", "postcode", "city", "contact_email"):
        if not clean[required]:
            raise AdminError("required", required)
    clean["siren"] = identifiers.normalize_siren(clean["siren"]) or None
    if clean["siren"] and not identifiers.siren_valid(clean["siren"]):
        raise AdminError("siren_invalid", "siren")
    email = clean["contact_email"]
    if "@" not in email or " " in email or email.startswith("@") or email.endswith("@"):
        raise AdminError("email_invalid", "contact_email")
    clean["contact_email"] = email.lower()
    if clean["currency"] not in CURRENCIES:
        raise AdminError("currency_invalid", "currency")
    if clean["verification_factor"] not in [f.value for f in FactorKind]:
        raise AdminError("factor_invalid", "verification_factor")
    rate = clean["commission_rate_bp"]
    if not isinstance(rate, int) or not 0 <= rate <= 10_000:
        raise AdminError("rate_invalid", "commission_rate_bp")
    clean["vat_number"] = clean["vat_number"] or None
    clean["address_line2"] = clean["address_line2"] or None
    if clean["siren"]:
        taken = db.session.execute(
            select(Creditor.id).where(Creditor.siren == clean["siren"], Creditor.id != creditor_id)
        ).first()
        if taken:
            raise AdminError("siren_taken", "siren")
    return clean


def save_identity(
    admin: StaffUser, creditor_id: int | None, values: dict, ip: str | None = None
) -> Creditor:
    """Create (creditor_id None) or change a creditor's identity and settings (commits)."""
    clean = check_identity(values, creditor_id)
    if creditor_id is None:
        creditor, before = Creditor(), None
        db.session.add(creditor)
    else:
        creditor = db.session.get(Creditor, creditor_id)
        if creditor is None:
            raise AdminError("no_such_creditor")
        before = identity_of(creditor)
        if creditor.currency != clean["currency"] and creditor.cases:
            raise AdminError("currency_locked", "currency")
    for name, value in clean.items():
        setattr(creditor, name, FactorKind(value) if name == "verification_factor" else value)
    db.session.flush()
    audit.record("admin.creditor_created" if before is None else "admin.creditor_changed",
                 actor=ActorKind.STAFF, staff_user_id=admin.id, ip=ip, creditor_id=creditor.id,
                 before=before, after=identity_of(creditor))  # fmt: skip
    db.session.commit()
    return creditor


def preview_policy(data: dict, currency: str, sample_balance: int):
    """The band a sample balance falls in under the policy `data` (checked, not saved)."""
    return plan_policy.parse_policy(data, currency).band_for(sample_balance)


def save_policy_form(admin: StaffUser, creditor: Creditor, data: dict, ip: str | None = None):
    """Replace the creditor's plan policy (PolicyInvalid: nothing saved); audit before/after."""
    before = plan_policy.to_data(plan_policy.policy_for(creditor), creditor.currency)
    plan_policy.parse_policy(data, creditor.currency)  # refuse before anything is written
    saved = plan_policy.save_policy(creditor, data, staff_user_id=admin.id)
    audit.record("admin.creditor_policy_changed", actor=ActorKind.STAFF, staff_user_id=admin.id,
                 ip=ip, creditor_id=creditor.id, before=before,
                 after=plan_policy.to_data(saved, creditor.currency))  # fmt: skip
    db.session.commit()
    return saved


def save_steps(admin: StaffUser, creditor: Creditor, steps: list[Step], ip: str | None = None):
    """Replace the creditor's reminder sequence (SequenceError: nothing saved); audit."""
    check_sequence(steps)
    before = [str(s) for s in controls.sequence_of(creditor.id)]
    saved = controls.set_sequence(creditor.id, steps)
    audit.record("admin.creditor_reminders_changed", actor=ActorKind.STAFF,
                 staff_user_id=admin.id, ip=ip, creditor_id=creditor.id, before=before,
                 after=[str(s) for s in saved])  # fmt: skip
    db.session.commit()
    return saved
