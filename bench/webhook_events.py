"""The webhook bench's data: cases of 100.00 with a pending checkout payment each, and the
Stripe events that pay them (two per payment), with duplicates (30 % of what is posted)."""

import datetime as dt
import os
import random
import tempfile
import time

DUPLICATE_SHARE = 0.30


def seed(url: str, payments: int, secret_key: str) -> list[dict]:
    """One creditor, `payments` cases of 100.00 each with a pending checkout payment."""
    os.environ.setdefault("PORTAL_INSTANCE_PATH", tempfile.mkdtemp(prefix="amiable-wh-"))
    from sqlalchemy import insert

    from portal import create_app
    from portal.domain import references
    from portal.extensions import db
    from portal.models import Case, Creditor, DebtLine, Debtor, LedgerEntry, Payment

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret_key, "TESTING": True})
    rows = []
    with app.app_context():
        creditor = Creditor(legal_name="Bench SA", address_line1="1 rue", postcode="75001",
                            city="Paris", contact_email="bench@example.org")  # fmt: skip
        db.session.add(creditor)
        db.session.flush()
        debtors = [
            {
                "kind": "consumer",
                "last_name": f"D{i}",
                "address_line1": "1 rue",
                "postcode": "75011",
                "city": "Paris",
                "email": f"d{i}@example.org",
            }  # fmt: skip
            for i in range(payments)
        ]
        debtor_ids = db.session.execute(insert(Debtor).returning(Debtor.id), debtors).scalars()
        cases = [
            {
                "reference": references.generate(),
                "creditor_id": creditor.id,
                "debtor_id": d,
                "external_reference": f"B-{i}",
                "currency": "EUR",
            }  # fmt: skip
            for i, d in enumerate(debtor_ids.all())
        ]
        case_ids = db.session.execute(insert(Case).returning(Case.id), cases).scalars().all()
        lines = [
            {
                "case_id": c,
                "basis": "invoice",
                "document_number": f"F-{c}",
                "issued_on": dt.date(2026, 1, 1),
                "due_on": dt.date(2026, 2, 1),
            }  # fmt: skip
            for c in case_ids
        ]
        line_ids = db.session.execute(insert(DebtLine).returning(DebtLine.id), lines).scalars()
        db.session.execute(
            insert(LedgerEntry),
            [
                {
                    "case_id": c,
                    "creditor_id": creditor.id,
                    "debt_line_id": line,
                    "kind": "principal",
                    "amount": 10_000,
                    "currency": "EUR",
                    "occurred_on": dt.date(2026, 1, 1),
                }  # fmt: skip
                for c, line in zip(case_ids, line_ids.all(), strict=True)
            ],
        )
        for i, c in enumerate(case_ids):
            rows.append({"case_id": c, "cs": f"cs_bench_{i}", "pi": f"pi_bench_{i}"})
        payment_ids = db.session.execute(
            insert(Payment).returning(Payment.id),
            [
                {
                    "case_id": r["case_id"],
                    "purpose": "full",
                    "amount": 10_000,
                    "currency": "EUR",
                    "status": "pending",
                    "idempotency_key": f"bench:{r['cs']}",
                    "provider_checkout_id": r["cs"],
                }  # fmt: skip
                for r in rows
            ],
        ).scalars()
        for row, pid in zip(rows, payment_ids.all(), strict=True):
            row["payment_id"] = pid
        db.session.commit()
        db.engine.dispose()
    return rows


def events_for(rows: list[dict], seed_: int = 5) -> tuple[list[dict], int]:
    """Two events per payment (session completed, intent succeeded), duplicates, shuffled."""
    unique = []
    now = int(time.time())
    for r in rows:
        meta = {"payment_id": str(r["payment_id"])}
        unique.append({"id": f"evt_cs_{r['cs']}", "object": "event", "created": now,
                       "type": "checkout.session.completed", "data": {"object": {
                           "id": r["cs"], "object": "checkout.session", "mode": "payment",
                           "payment_status": "paid", "amount_total": 10_000, "currency": "eur",
                           "metadata": meta, "payment_intent": r["pi"]}}})  # fmt: skip
        unique.append({"id": f"evt_pi_{r['pi']}", "object": "event", "created": now,
                       "type": "payment_intent.succeeded", "data": {"object": {
                           "id": r["pi"], "object": "payment_intent", "amount": 10_000,
                           "amount_received": 10_000, "currency": "eur", "status": "succeeded",
                           "metadata": meta, "payment_method_types": ["card"]}}})  # fmt: skip
    rng = random.Random(seed_)
    duplicates = round(len(unique) * DUPLICATE_SHARE / (1 - DUPLICATE_SHARE))
    posted = unique + [rng.choice(unique) for _ in range(duplicates)]
    rng.shuffle(posted)
    return posted, len(unique)
