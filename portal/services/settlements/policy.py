"""Reading and replacing a creditor's settlement policy: bands by balance, each a discount for
payment in full within a number of days. No band: no policy offer."""

from sqlalchemy import delete, select

from portal.domain import bands as band_rules
from portal.domain.money import parse_amount, to_decimal
from portal.domain.settlement import FULL_BP, SettlementBand, Terms, check_band, policy_terms
from portal.extensions import db
from portal.models import ActorKind, Creditor, StaffUser
from portal.models import SettlementBand as BandRow
from portal.services import audit


class SettlementPolicyInvalid(ValueError):
    """The bands given cannot be saved; `reason` is `ends`, `overlap`, `discount`, `days` or
    `number`."""

    def __init__(self, reason: str, row: int | None = None):
        super().__init__(reason)
        self.reason, self.row = reason, row


def bands_of(creditor_id: int) -> list[SettlementBand]:
    """The creditor's bands, lowest balances first."""
    rows = db.session.execute(
        select(BandRow).where(BandRow.creditor_id == creditor_id).order_by(BandRow.min_balance)
    ).scalars()
    return [
        SettlementBand(r.min_balance, r.max_balance, r.discount_bp, r.days_to_pay) for r in rows
    ]


def to_rows(bands: list[SettlementBand], currency: str) -> list[dict]:
    """The bands as form rows: amounts in major units, the discount in percent."""
    return [
        {
            "from": str(to_decimal(b.low, currency)),
            "to": "" if b.high is None else str(to_decimal(b.high, currency)),
            "percent": str(to_decimal(b.discount_bp, "EUR")).rstrip("0").rstrip("."),
            "days": str(b.days),
        }
        for b in bands
    ]


def _percent_bp(text: str) -> int:
    """'12,5' or '12.5 %' -> 1250 basis points (at most two decimals)."""
    cleaned = text.strip().rstrip("%").strip()
    return parse_amount(cleaned, "EUR")  # two decimals: percent * 100


def parse_rows(rows: list[dict], currency: str) -> list[SettlementBand]:
    """Bands from form rows (empty rows skipped); SettlementPolicyInvalid names what is wrong."""
    parsed = []
    for n, row in enumerate(rows):
        if not any(str(v).strip() for v in row.values()):
            continue
        try:
            low = parse_amount(row.get("from", "").strip() or "0", currency)
            high_text = row.get("to", "").strip()
            high = parse_amount(high_text, currency) if high_text else None
            discount = _percent_bp(row.get("percent", ""))
            days = int(row.get("days", "").strip())
        except (ValueError, TypeError):
            raise SettlementPolicyInvalid("number", n) from None
        band = SettlementBand(low, high, discount, days)
        try:
            band_rules.check_ends(band)
        except ValueError:
            raise SettlementPolicyInvalid("ends", n) from None
        if not 0 < discount < FULL_BP:
            raise SettlementPolicyInvalid("discount", n)
        try:
            check_band(band)
        except ValueError:
            raise SettlementPolicyInvalid("days", n) from None
        parsed.append(band)
    if band_rules.overlapping(parsed) is not None:
        raise SettlementPolicyInvalid("overlap")
    return sorted(parsed, key=lambda b: b.low)


def preview(bands: list[SettlementBand], balance: int, today) -> Terms | None:
    """What a sample balance would be offered today under `bands` (nothing saved)."""
    return policy_terms(bands, balance, today)


def save(admin: StaffUser, creditor: Creditor, rows: list[dict], ip: str | None = None):
    """Replace the creditor's bands (SettlementPolicyInvalid: nothing saved); audit before/after;
    commits."""
    bands = parse_rows(rows, creditor.currency)
    before = to_rows(bands_of(creditor.id), creditor.currency)
    db.session.execute(delete(BandRow).where(BandRow.creditor_id == creditor.id))
    for band in bands:
        db.session.add(
            BandRow(
                creditor_id=creditor.id,
                min_balance=band.low,
                max_balance=band.high,
                discount_bp=band.discount_bp,
                days_to_pay=band.days,
                updated_by_id=admin.id,
            )
        )
    audit.record("admin.creditor_settlement_changed", actor=ActorKind.STAFF,
                 staff_user_id=admin.id, ip=ip, creditor_id=creditor.id, before=before,
                 after=to_rows(bands, creditor.currency))  # fmt: skip
    db.session.commit()
    return bands
