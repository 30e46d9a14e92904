"""The agency's identity (the source of the legal mentions on every notice), from the admin."""

from sqlalchemy import select

from portal.domain import identifiers
from portal.extensions import db
from portal.models import ActorKind, Agency, StaffUser
from portal.services import audit
from portal.services.admin import AdminError

FIELDS = ("legal_name", "siren", "address_line1", "address_line2", "postcode", "city", "email",
          "phone", "iban", "bic")  # fmt: skip


def current_agency() -> Agency | None:
    """The agency row, if any."""
    return db.session.execute(select(Agency)).scalar_one_or_none()


def values_of(agency: Agency | None) -> dict:
    """The agency's identity as plain values."""
    return {name: getattr(agency, name) for name in FIELDS} if agency else {}


def save_agency(admin: StaffUser, values: dict, ip: str | None = None) -> Agency:
    """Create or change the agency's identity; AdminError on bad input, nothing saved."""
    clean = {name: (values.get(name) or "").strip() or None for name in FIELDS}
    for required in ("legal_name", "address_line1", "postcode", "city", "email"):
        if not clean[required]:
            raise AdminError("required", required)
    if clean["siren"]:
        clean["siren"] = identifiers.normalize_siren(clean["siren"])
        if not identifiers.siren_valid(clean["siren"]):
            raise AdminError("siren_invalid", "siren")
    if "@" not in clean["email"] or " " in clean["email"]:
        raise AdminError("email_invalid", "email")
    if clean["iban"]:
        clean["iban"] = identifiers.normalize_iban(clean["iban"])
        if not identifiers.iban_valid(clean["iban"]):
            raise AdminError("iban_invalid", "iban")
    if clean["bic"] and not (len(clean["bic"]) in (8, 11) and clean["bic"].isalnum()):
        raise AdminError("bic_invalid", "bic")
    agency = current_agency()
    before = values_of(agency) or None
    if agency is None:
        agency = Agency(singleton=True)
        db.session.add(agency)
    for name, value in clean.items():
        setattr(agency, name, value)
    db.session.flush()
    audit.record("admin.agency_changed", actor=ActorKind.STAFF, staff_user_id=admin.id, ip=ip,
                 before=before, after=values_of(agency))  # fmt: skip
    db.session.commit()
    return agency
