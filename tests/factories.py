"""Factory callables for tests: each creates what it needs and commits."""

import datetime as dt
import itertools

from portal.domain import references
from portal.domain.factors import FactorKind
from portal.domain.ledger import DebtorKind, EntryKind
from portal.extensions import db
from portal.models import Agency, Case, Creditor, DebtLine, Debtor, Role, StaffUser
from portal.services.access.login import hash_password
from portal.services.cases.ledger import add_entry

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # admins and collectors have it by default
_HASH_CACHE: dict[str, str] = {}


def agency(**values) -> Agency:
    """The agency (created once)."""
    found = db.session.query(Agency).one_or_none()
    if found:
        return found
    data = dict(
        legal_name="Agence Test SAS",
        siren="123456789",
        address_line1="1 rue du Test",
        postcode="75001",
        city="Paris",
        email="agence@test.example",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    data.update(values)
    found = Agency(**data)
    db.session.add(found)
    db.session.commit()
    return found


def creditor(factor: FactorKind = FactorKind.POSTCODE, **values) -> Creditor:
    """A creditor asking for `factor`."""
    n = next(_seq)
    data = dict(
        legal_name=f"Créancier {n} SA",
        siren=f"{n:09d}",
        address_line1=f"{n} avenue Test",
        postcode="69001",
        city="Lyon",
        contact_email=f"c{n}@test.example",
        verification_factor=factor,
    )
    data.update(values)
    found = Creditor(**data)
    db.session.add(found)
    db.session.commit()
    return found


def debtor(kind: DebtorKind = DebtorKind.CONSUMER, **values) -> Debtor:
    """A consumer (default) or professional debtor."""
    n = next(_seq)
    data = dict(
        kind=kind,
        address_line1=f"{n} rue Debtor",
        postcode="75011",
        city="Paris",
        email=f"d{n}@test.example",
        date_of_birth=dt.date(1985, 3, 14),
    )
    if kind is DebtorKind.CONSUMER:
        data.update(first_name="Alex", last_name=f"Dupont{n}")
    else:
        data.update(company_name=f"Société {n} SARL")
    data.update(values)
    found = Debtor(**data)
    db.session.add(found)
    db.session.commit()
    return found


def case(
    creditor_: Creditor | None = None,
    debtor_: Debtor | None = None,
    lines: tuple[int, ...] = (12_345,),
    interest: int = 0,
    fee: int = 0,
    payments: tuple[int, ...] = (),
    interest_rate_bp: int | None = None,
    **values,
) -> Case:
    """A case with one debt line per amount in `lines`, optional interest, fee and payments."""
    creditor_ = creditor_ or creditor()
    debtor_ = debtor_ or debtor()
    n = next(_seq)
    found = Case(
        reference=references.generate(),
        creditor=creditor_,
        debtor=debtor_,
        external_reference=f"EXT-{n}",
        currency=creditor_.currency,
        **values,
    )
    db.session.add(found)
    db.session.flush()
    today = dt.date(2026, 6, 1)
    for i, amount in enumerate(lines):
        line = DebtLine(
            case_id=found.id,
            basis="invoice",
            document_number=f"F-{n}-{i}",
            issued_on=today - dt.timedelta(days=60),
            due_on=today - dt.timedelta(days=30),
        )
        db.session.add(line)
        db.session.flush()
        add_entry(
            found, EntryKind.PRINCIPAL, amount, occurred_on=line.issued_on, debt_line_id=line.id
        )
        if interest:
            add_entry(
                found,
                EntryKind.INTEREST,
                interest,
                occurred_on=today,
                debt_line_id=line.id,
                annual_rate_bp=interest_rate_bp,
            )
        if fee:
            add_entry(found, EntryKind.FEE, fee, occurred_on=today, debt_line_id=line.id)
    for amount in payments:
        add_entry(found, EntryKind.PAYMENT, -amount, occurred_on=today)
    db.session.commit()
    return found


def staff(
    role: Role = Role.COLLECTOR,
    creditor_: Creditor | None = None,
    second_factor: bool | None = None,
    **values,
) -> StaffUser:
    """A staff user whose password is PASSWORD; admins and collectors (or any with
    `second_factor=True`) have the TOTP second factor TOTP_SECRET."""
    n = next(_seq)
    if role is Role.CREDITOR and creditor_ is None:
        creditor_ = creditor()
    if PASSWORD not in _HASH_CACHE:
        _HASH_CACHE[PASSWORD] = hash_password(PASSWORD)
    data = dict(
        email=f"staff{n}@test.example",
        name=f"Staff {n}",
        role=role,
        password_hash=_HASH_CACHE[PASSWORD],
        creditor_id=creditor_.id if creditor_ else None,
    )
    if second_factor if second_factor is not None else role in (Role.ADMIN, Role.COLLECTOR):
        data.update(totp_secret=TOTP_SECRET, totp_confirmed_at=dt.datetime.now(dt.UTC))
    data.update(values)
    found = StaffUser(**data)
    db.session.add(found)
    db.session.commit()
    return found


def plan(
    case_: Case,
    amounts: tuple[int, ...] | None = None,
    status: str = "active",
    first_due: dt.date = dt.date(2026, 7, 1),
    **values,
):
    """An agreed plan on the case (its proposal approved), monthly from `first_due`.

    `amounts` default to the case's balance in three instalments; a live plan puts the case
    in_plan.
    """
    from portal.domain import schedule
    from portal.domain.plan_states import Frequency
    from portal.models import Instalment, LedgerEntry, Plan, PlanProposal

    if amounts is None:
        balance = sum(e.amount for e in db.session.query(LedgerEntry).filter_by(case_id=case_.id))
        amounts = tuple(schedule.split(balance, 3))
    dates = schedule.due_dates(first_due, Frequency.MONTHLY, len(amounts))
    lines = [schedule.Line(d, a) for d, a in zip(dates, amounts, strict=True)]
    proposal = PlanProposal(
        case_id=case_.id,
        proposed_by="debtor",
        count=len(lines),
        frequency=Frequency.MONTHLY,
        first_due_on=first_due,
        schedule=schedule.to_json(lines),
        total=sum(amounts),
        currency=case_.currency,
        status="approved",
        policy_outcome="auto",
        auto_decided=True,
    )
    db.session.add(proposal)
    db.session.flush()
    found = Plan(
        case_id=case_.id,
        proposal_id=proposal.id,
        status=status,
        total=sum(amounts),
        currency=case_.currency,
        **values,
    )
    found.instalments = [
        Instalment(sequence=i, due_on=line.due_on, amount=line.amount, paid_amount=0, status="due")
        for i, line in enumerate(lines, start=1)
    ]
    db.session.add(found)
    if status in ("active", "at_risk"):
        case_.status = "in_plan"
    db.session.commit()
    return found


def online_payment(case_: Case, amount: int = 1_000, status: str = "succeeded", **values):
    """An online payment of the case; a succeeded one gets its ledger entry and a receipt."""
    from portal.domain.payments import PaymentPurpose
    from portal.models import Payment, Receipt

    n = next(_seq)
    payment = Payment(
        case_id=case_.id,
        purpose=PaymentPurpose.PARTIAL,
        amount=amount,
        currency=case_.currency,
        status=status,
        method="card",
        idempotency_key=f"factory:{n}",
        provider_checkout_id=f"cs_test_factory_{n}",
        provider_payment_intent_id=f"pi_test_factory_{n}",
        **values,
    )
    db.session.add(payment)
    db.session.flush()
    if status == "succeeded":
        entry = add_entry(
            case_,
            EntryKind.PAYMENT,
            -amount,
            occurred_on=dt.date(2026, 6, 2),
            memo=f"Online payment #{payment.id}",
        )  # as the webhook handler writes it
        db.session.flush()
        payment.ledger_entry_id = entry.id
        db.session.add(
            Receipt(
                number=f"Q2026-{n:06d}",
                payment_id=payment.id,
                case_id=case_.id,
                amount=amount,
                currency=case_.currency,
                balance_after=0,
                paid_on=dt.date(2026, 6, 2),
            )
        )
    db.session.commit()
    return payment


def recorded_message(case_: Case, **values):
    """An e-mail recorded for the case (as the demo keeps them, without an SMTP server)."""
    from portal.models import Channel, Message, MessageStatus

    n = next(_seq)
    data = dict(
        key=f"factory-message:{n}",
        case_id=case_.id,
        template="t",
        channel=Channel.EMAIL,
        language="fr",
        recipient="a@b.c",
        subject="s",
        body_text="t",
        status=MessageStatus.RECORDED,
    )
    data.update(values)
    found = Message(**data)
    db.session.add(found)
    db.session.commit()
    return found
