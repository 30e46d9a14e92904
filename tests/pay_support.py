"""Helpers of the payment tests: pay on the double's hosted page, sign and post events, plans."""

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request

from portal.domain.plan_states import Frequency, ProposalStatus, ProposedBy
from portal.extensions import db
from portal.gateway.contract import Event
from portal.gateway.double import sign
from portal.models import Instalment, Plan, PlanProposal
from tests.conftest import STRIPE_TEST_WEBHOOK_SECRET

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_3DS = "4000002500003155"
CARD_CHARGE_FAILS = "4000000000000341"
IBAN_OK = "FR1420041010050500013M02606"
IBAN_FAILS = "FR8420041010050500013M02607"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def pay_hosted(url: str, number: str, method: str = "card") -> tuple[int, str]:
    """Submit the double's hosted checkout page as a browser would: (status, Location or body)."""
    return post_hosted(url, method=method, number=number)


def post_hosted(url: str, **fields) -> tuple[int, str]:
    """POST a form of the double's hosted pages without following the redirect."""
    data = urllib.parse.urlencode(fields).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location") or exc.read().decode()


def as_event(raw: dict) -> Event:
    """A double's event as the gateway contract's Event."""
    return Event(raw["id"], raw["type"], raw["created"], raw["data"]["object"])


def signed(raw: dict, secret: str = STRIPE_TEST_WEBHOOK_SECRET, timestamp=None):
    """(payload bytes, headers) of an event signed as Stripe signs it."""
    payload = json.dumps(raw).encode()
    return payload, {
        "Stripe-Signature": sign(payload, secret, timestamp),
        "Content-Type": "application/json",
    }


def post_event(client, raw: dict, **kwargs):
    """POST one signed event to the portal's webhook URL."""
    payload, headers = signed(raw, **kwargs)
    return client.post("/stripe/webhook", data=payload, headers=headers)


def make_plan(case, amounts: tuple[int, ...], first_due: dt.date) -> Plan:
    """An active monthly plan on `case` with these instalment amounts."""
    schedule = [
        [(first_due + dt.timedelta(days=30 * i)).isoformat(), a] for i, a in enumerate(amounts)
    ]
    proposal = PlanProposal(
        case_id=case.id,
        proposed_by=ProposedBy.DEBTOR,
        count=len(amounts),
        frequency=Frequency.MONTHLY,
        first_due_on=first_due,
        schedule=schedule,
        total=sum(amounts),
        currency=case.currency,
        status=ProposalStatus.APPROVED,
        policy_outcome="auto",
    )
    db.session.add(proposal)
    db.session.flush()
    plan = Plan(
        case_id=case.id, proposal_id=proposal.id, total=sum(amounts), currency=case.currency
    )
    db.session.add(plan)
    db.session.flush()
    for i, (due, amount) in enumerate(schedule, start=1):
        db.session.add(
            Instalment(
                plan_id=plan.id, sequence=i, due_on=dt.date.fromisoformat(due), amount=amount
            )
        )
    case.status = "in_plan"
    db.session.commit()
    return plan
