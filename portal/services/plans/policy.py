"""Reading and changing a creditor's plan policy (stored as rows, defaults otherwise)."""

from sqlalchemy import select

from portal.domain.money import exponent, parse_amount, to_decimal
from portal.domain.plan_states import Frequency
from portal.domain.policy import Band, Limits, Policy, default_policy
from portal.extensions import db
from portal.models import ActorKind, Creditor, PlanPolicy, PolicyBand
from portal.models.base import utcnow
from portal.services import audit


class PolicyInvalid(ValueError):
    """A policy given to `save_policy` is not usable."""


def _freqs(text: str) -> frozenset[Frequency]:
    return frozenset(Frequency(x) for x in text.split(",") if x)


def _band(row: PolicyBand) -> Band:
    return Band(
        row.floor,
        Limits(row.max_count_auto, row.max_count_hard),
        Limits(row.min_instalment_auto, row.min_instalment_hard),
        Limits(row.max_duration_days_auto, row.max_duration_days_hard),
        Limits(row.min_first_percent_auto, row.min_first_percent_hard),
        Limits(row.first_due_days_auto, row.first_due_days_hard),
        Limits(_freqs(row.frequencies_auto), _freqs(row.frequencies_hard)),
    )


def policy_for(creditor: Creditor) -> Policy:
    """The creditor's policy, or the default one scaled to its currency."""
    row = db.session.execute(
        select(PlanPolicy).where(PlanPolicy.creditor_id == creditor.id)
    ).scalar_one_or_none()
    if row is None or not row.bands:
        return default_policy(exponent(creditor.currency))
    return Policy(
        bands=tuple(_band(b) for b in row.bands),
        grace_days=row.grace_days,
        break_after_days=row.break_after_days,
    )


def _money(value: int, currency: str) -> str:
    return str(to_decimal(value, currency))


def to_data(policy: Policy, currency: str) -> dict:
    """The policy as JSON-friendly data, amounts in major units (`"50.00"`), [auto, hard] pairs."""
    return {
        "grace_days": policy.grace_days,
        "break_after_days": policy.break_after_days,
        "bands": [
            {
                "from": _money(b.floor, currency),
                "max_count": [b.max_count.auto, b.max_count.hard],
                "min_instalment": [
                    _money(b.min_instalment.auto, currency),
                    _money(b.min_instalment.hard, currency),
                ],
                "max_duration_days": [b.max_duration_days.auto, b.max_duration_days.hard],
                "min_first_percent": [b.min_first_percent.auto, b.min_first_percent.hard],
                "first_due_days": [b.first_due_days.auto, b.first_due_days.hard],
                "frequencies": [sorted(b.frequencies.auto), sorted(b.frequencies.hard)],
            }
            for b in policy.bands
        ],
    }


def _pair(band: dict, key: str, convert) -> tuple:
    try:
        auto, hard = band[key]
        return convert(auto), convert(hard)
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyInvalid(f"{key}: give [auto, hard]") from exc


def _row(band: dict, currency: str) -> PolicyBand:
    def money(text) -> int:
        return parse_amount(str(text), currency)

    def freqs(values) -> str:
        return ",".join(sorted(str(Frequency(v)) for v in values))

    count = _pair(band, "max_count", int)
    minimum = _pair(band, "min_instalment", money)
    duration = _pair(band, "max_duration_days", int)
    first = _pair(band, "min_first_percent", int)
    due = _pair(band, "first_due_days", int)
    freq = _pair(band, "frequencies", freqs)
    checks = [
        (1 <= count[0] <= count[1], "max_count: 1 <= auto <= hard"),
        (0 <= minimum[1] <= minimum[0], "min_instalment: 0 <= hard <= auto"),
        (0 <= duration[0] <= duration[1], "max_duration_days: 0 <= auto <= hard"),
        (0 <= first[1] <= first[0] <= 100, "min_first_percent: 0 <= hard <= auto <= 100"),
        (0 <= due[0] <= due[1], "first_due_days: 0 <= auto <= hard"),
        (set(freq[0].split(",")) <= set(freq[1].split(",")), "frequencies: auto within hard"),
        (bool(freq[0]), "frequencies: at least one"),
    ]
    for ok, message in checks:
        if not ok:
            raise PolicyInvalid(message)
    return PolicyBand(
        floor=money(band.get("from", "0")),
        max_count_auto=count[0],
        max_count_hard=count[1],
        min_instalment_auto=minimum[0],
        min_instalment_hard=minimum[1],
        max_duration_days_auto=duration[0],
        max_duration_days_hard=duration[1],
        min_first_percent_auto=first[0],
        min_first_percent_hard=first[1],
        first_due_days_auto=due[0],
        first_due_days_hard=due[1],
        frequencies_auto=freq[0],
        frequencies_hard=freq[1],
    )


def _checked(data: dict, currency: str) -> tuple[list[PolicyBand], int, int]:
    try:
        rows = [_row(band, currency) for band in data["bands"]]
        grace, breaks = int(data.get("grace_days", 5)), int(data.get("break_after_days", 15))
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyInvalid(str(exc)) from exc
    floors = [r.floor for r in rows]
    if not rows or 0 not in floors or len(set(floors)) != len(floors):
        raise PolicyInvalid("bands: distinct floors, one of them 0")
    if grace < 0 or breaks < 0:
        raise PolicyInvalid("grace_days and break_after_days are >= 0")
    return rows, grace, breaks


def parse_policy(data: dict, currency: str) -> Policy:
    """The policy `data` describes (the shape of `to_data`), checked, not saved (a preview)."""
    rows, grace, breaks = _checked(data, currency)
    bands = tuple(_band(r) for r in sorted(rows, key=lambda r: r.floor))
    return Policy(bands=bands, grace_days=grace, break_after_days=breaks)


def save_policy(creditor: Creditor, data: dict, staff_user_id: int | None = None) -> Policy:
    """Replace the creditor's policy with `data` (the shape of `to_data`), audit, commit."""
    rows, grace, breaks = _checked(data, creditor.currency)
    policy = db.session.execute(
        select(PlanPolicy).where(PlanPolicy.creditor_id == creditor.id)
    ).scalar_one_or_none()
    if policy is None:
        policy = PlanPolicy(creditor_id=creditor.id)
        db.session.add(policy)
    policy.bands.clear()
    db.session.flush()
    policy.bands.extend(sorted(rows, key=lambda r: r.floor))
    policy.grace_days, policy.break_after_days = grace, breaks
    policy.updated_at, policy.updated_by_id = utcnow(), staff_user_id
    audit.record(
        "plan.policy_changed",
        actor=ActorKind.STAFF if staff_user_id else ActorKind.SYSTEM,
        staff_user_id=staff_user_id,
        creditor_id=creditor.id,
    )
    db.session.commit()
    return policy_for(creditor)
