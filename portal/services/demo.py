"""Demo data: an agency, two creditors, staff and about twenty cases in varied situations.

Idempotent: cases are keyed by the creditor's external reference and staff by e-mail, and the
staff passwords are derived from the installation's secret key, so a second run creates nothing
and prints the same logins.
"""

import base64
import datetime as dt
import hashlib
import hmac
import random
from dataclasses import dataclass

from sqlalchemy import select

from portal.domain import references
from portal.domain.factors import FactorKind, format_date_of_birth
from portal.domain.ledger import DebtorKind, EntryKind
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Agency, Case, Creditor, DebtLine, Debtor, Role, StaffUser
from portal.models.base import utcnow
from portal.security import case_link
from portal.services import clock, demo_letters
from portal.services.access.login import hash_password
from portal.services.cases.ledger import add_entry

AGENCY = dict(
    legal_name="Amiable Recouvrement SAS",
    siren="912345674",
    address_line1="12 rue de la Paix",
    postcode="75002",
    city="Paris",
    email="contact@amiable.example",
    phone="+33 1 84 00 00 00",
    iban="FR7630006000011234567890189",
    bic="AGRIFRPP",
)

CREDITORS = [
    dict(
        legal_name="Énergie Verte SA",
        siren="552081317",
        vat_number="FR40552081317",
        address_line1="40 avenue des Terroirs de France",
        postcode="75012",
        city="Paris",
        contact_email="recouvrement@energie-verte.example",
        verification_factor=FactorKind.POSTCODE,
    ),
    dict(
        legal_name="Mutuelle Horizon",
        siren="775685019",
        address_line1="3 quai Saint-Antoine",
        postcode="69002",
        city="Lyon",
        contact_email="impayes@mutuelle-horizon.example",
        verification_factor=FactorKind.DATE_OF_BIRTH,
    ),
]

STAFF = [
    ("collector@amiable.example", "Claire Martin", Role.COLLECTOR, None),
    ("creditor@energie-verte.example", "Paul Bernard", Role.CREDITOR, 0),
    ("admin@amiable.example", "Admin Amiable", Role.ADMIN, None),
]

CONSUMERS = [
    ("Camille", "Durand", "8 rue Victor Hugo", "69003", "Lyon", "fr"),
    ("Lucas", "Moreau", "21 boulevard Voltaire", "75011", "Paris", "fr"),
    ("Emma", "Petit", "5 place du Capitole", "31000", "Toulouse", "fr"),
    ("Hugo", "Roux", "14 rue Nationale", "59800", "Lille", "fr"),
    ("Chloé", "Fournier", "2 cours Mirabeau", "13100", "Aix-en-Provence", "fr"),
    ("James", "Wilson", "33 rue de Rivoli", "75004", "Paris", "en"),
    ("Léa", "Girard", "9 allée des Tilleuls", "44000", "Nantes", "fr"),
    ("Nathan", "Bonnet", "17 rue Sainte-Catherine", "33000", "Bordeaux", "fr"),
    ("Manon", "Lambert", "6 rue des Vosges", "67000", "Strasbourg", "fr"),
    ("Sarah", "Taylor", "48 quai des Chartrons", "33000", "Bordeaux", "en"),
    ("Inès", "Mercier", "11 rue de la République", "34000", "Montpellier", "fr"),
    ("Louis", "Faure", "27 avenue Jean Médecin", "06000", "Nice", "fr"),
    ("Jade", "Rousseau", "4 rue du Gros-Horloge", "76000", "Rouen", "fr"),
    ("Gabriel", "Blanc", "30 rue Saint-Ferréol", "13001", "Marseille", "fr"),
]

COMPANIES = [
    ("Boulangerie Lemaire SARL", "15 rue du Four", "35000", "Rennes"),
    ("Atelier Numérique SAS", "88 rue de la Part-Dieu", "69003", "Lyon"),
    ("Transports Vidal EURL", "2 zone des Acacias", "31200", "Toulouse"),
    ("Café des Arts SNC", "7 place Stanislas", "54000", "Nancy"),
    ("Garage Perrin SARL", "120 route de Vienne", "69008", "Lyon"),
    ("Fleurs & Cie SAS", "19 rue Paradis", "13006", "Marseille"),
]


@dataclass
class DemoDebtor:
    """One demo login for a debtor."""

    reference: str
    factor_kind: str
    factor: str
    link: str


@dataclass
class DemoStaff:
    """One demo login for a staff user."""

    email: str
    password: str
    role: str
    totp_secret: str | None = None  # admins and collectors: add it to an authenticator app


def demo_password(secret_key: str, email: str) -> str:
    """A per-installation password for a demo account, derived from the secret key."""
    digest = hmac.new(secret_key.encode(), f"demo:{email}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:16].lower()


def demo_totp_secret(secret_key: str, email: str) -> str:
    """A per-installation TOTP secret for a demo account (base32), derived like the password."""
    digest = hmac.new(secret_key.encode(), f"totp:{email}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:32]


def _get_or_create(model, lookup: dict, values: dict):
    found = db.session.execute(select(model).filter_by(**lookup)).scalar_one_or_none()
    if found is None:
        found = model(**lookup, **values)
        db.session.add(found)
        db.session.flush()
    return found


def _case_specs(rng: random.Random, today: dt.date) -> list[dict]:
    """Twenty cases: who owes, to whom, for what, and what happened since."""
    specs = []
    for i, (first, last, street, postcode, city, lang) in enumerate(CONSUMERS):
        creditor = 0 if i % 2 == 0 else 1
        lines = 1 + (i % 3)
        specs.append(
            dict(
                creditor=creditor,
                debtor=dict(
                    kind=DebtorKind.CONSUMER,
                    first_name=first,
                    last_name=last,
                    address_line1=street,
                    postcode=postcode,
                    city=city,
                    language=lang,
                    email=f"{first.lower()}.{last.lower()}@example.org".replace("é", "e")
                    .replace("è", "e")
                    .replace("ï", "i"),
                    phone=f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                    date_of_birth=dt.date(
                        1950 + rng.randint(0, 50), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                ),
                lines=[
                    dict(amount=rng.randint(4_000, 60_000), age_days=rng.randint(40, 300) + 30 * n)
                    for n in range(lines)
                ],
                interest=i % 4 == 3,
                partial_payment=i in (1, 4, 9),
                status=(
                    CaseStatus.PAID
                    if i == 12
                    else CaseStatus.DISPUTED
                    if i == 7
                    else CaseStatus.OPEN
                ),
            )
        )
    for i, (name, street, postcode, city) in enumerate(COMPANIES):
        specs.append(
            dict(
                creditor=0,
                debtor=dict(
                    kind=DebtorKind.PROFESSIONAL,
                    company_name=name,
                    address_line1=street,
                    postcode=postcode,
                    city=city,
                    language="fr",
                    email="compta@" + name.split()[0].lower().replace("é", "e") + ".example",
                ),
                lines=[
                    dict(
                        amount=rng.randint(50_000, 480_000), age_days=rng.randint(35, 200) + 45 * n
                    )
                    for n in range(1 + i % 2)
                ],
                interest=True,
                recovery_indemnity=True,
                partial_payment=i == 2,
                status=CaseStatus.ESCALATED if i == 5 else CaseStatus.OPEN,
            )
        )
    return specs


def _load_case(spec: dict, external_reference: str, creditor: Creditor, rng, today) -> Case:
    debtor = Debtor(**spec["debtor"])
    db.session.add(debtor)
    db.session.flush()
    case = Case(
        reference=references.generate(rng.randrange),
        creditor=creditor,
        debtor=debtor,
        external_reference=external_reference,
        currency=creditor.currency,
        status=CaseStatus.OPEN,
    )
    db.session.add(case)
    db.session.flush()
    total = 0
    for n, line_spec in enumerate(spec["lines"], start=1):
        due = today - dt.timedelta(days=line_spec["age_days"])
        basis = "invoice" if debtor.kind == DebtorKind.PROFESSIONAL or n > 1 else "contract"
        prefix = "F" if basis == "invoice" else "C"
        line = DebtLine(
            case_id=case.id,
            basis=basis,
            document_number=f"{prefix}-{due.year}-{rng.randint(1000, 9999)}",
            description=None,
            issued_on=due - dt.timedelta(days=30),
            due_on=due,
        )
        db.session.add(line)
        db.session.flush()
        add_entry(
            case,
            EntryKind.PRINCIPAL,
            line_spec["amount"],
            occurred_on=line.issued_on,
            debt_line_id=line.id,
        )
        total += line_spec["amount"]
        if spec.get("interest"):
            # Late-payment interest, computed here at 10 % a year for the demo.
            interest = line_spec["amount"] * line_spec["age_days"] * 10 // (100 * 365)
            if interest:
                add_entry(
                    case,
                    EntryKind.INTEREST,
                    interest,
                    occurred_on=today,
                    debt_line_id=line.id,
                    annual_rate_bp=1_000,
                )
                total += interest
        if spec.get("recovery_indemnity"):
            # C. com. L441-10: fixed 40 EUR indemnity per late invoice between businesses.
            add_entry(
                case,
                EntryKind.FEE,
                4_000,
                occurred_on=due,
                debt_line_id=line.id,
                memo="Indemnité forfaitaire pour frais de recouvrement (C. com. L441-10)",
            )
            total += 4_000
    if spec.get("partial_payment"):
        paid = total // 3
        add_entry(
            case,
            EntryKind.PAYMENT,
            -paid,
            occurred_on=today - dt.timedelta(days=12),
            memo="Virement reçu",
        )
    if spec["status"] is CaseStatus.PAID:
        add_entry(
            case,
            EntryKind.PAYMENT,
            -total,
            occurred_on=today - dt.timedelta(days=3),
            memo="Paiement intégral",
        )
    case.status = spec["status"]
    return case


def load_demo(
    secret_key: str, today: dt.date | None = None
) -> tuple[list[DemoDebtor], list[DemoStaff]]:
    """Create what is missing of the demo and return every demo login."""
    today = today or clock.today()
    rng = random.Random(20261125)
    _get_or_create(Agency, {"singleton": True}, AGENCY)
    creditors = [
        _get_or_create(
            Creditor, {"siren": spec["siren"]}, {k: v for k, v in spec.items() if k != "siren"}
        )
        for spec in CREDITORS
    ]
    staff = []
    for email, name, role, creditor_index in STAFF:
        password = demo_password(secret_key, email)
        totp = demo_totp_secret(secret_key, email) if role in (Role.ADMIN, Role.COLLECTOR) else None
        _get_or_create(
            StaffUser,
            {"email": email},
            dict(
                name=name,
                role=role,
                password_hash=hash_password(password),
                creditor_id=None if creditor_index is None else creditors[creditor_index].id,
                totp_secret=totp,
                totp_confirmed_at=utcnow() if totp else None,
            ),
        )
        staff.append(DemoStaff(email=email, password=password, role=str(role), totp_secret=totp))
    debtors, cases = [], []
    for n, spec in enumerate(_case_specs(rng, today), start=1):
        creditor = creditors[spec["creditor"]]
        external = f"DEMO-{n:03d}"
        case = db.session.execute(
            select(Case).filter_by(creditor_id=creditor.id, external_reference=external)
        ).scalar_one_or_none() or _load_case(spec, external, creditor, rng, today)
        cases.append(case)
        kind = FactorKind(creditor.verification_factor)
        factor = (
            case.debtor.postcode
            if kind is FactorKind.POSTCODE
            else format_date_of_birth(case.debtor.date_of_birth)
        )
        debtors.append(
            DemoDebtor(
                reference=references.display(case.reference),
                factor_kind=str(kind),
                factor=factor,
                link=case_link(case.id, case.link_version),
            )
        )
    db.session.flush()
    with_letters = demo_letters.first_open_case(cases)
    if with_letters is not None:
        demo_letters.give_letters(with_letters)
    db.session.commit()
    return debtors, staff
