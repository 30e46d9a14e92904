"""Plan jobs and edges: the CLI, decisions racing on PostgreSQL, decision e-mails over SMTP."""

import datetime as dt
import json
import threading

import pytest
import time_machine
from sqlalchemy import func, select

from portal.domain.plan_states import Frequency, PlanStatus
from portal.extensions import db as _db
from portal.models import AuditEvent, Message, Plan, PlanProposal, Role
from portal.services.plans import current as plans
from portal.services.plans import decide, review
from portal.services.plans import life as plans_life
from portal.services.plans.policy import policy_for, save_policy, to_data

TODAY = dt.date(2026, 12, 1)
CONSENT = decide.Consent(ip="198.51.100.7", user_agent="test")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def ask(count, days=10):
    return decide.Request(Frequency.MONTHLY, TODAY + dt.timedelta(days=days), count=count)


def test_policy_command_shows_changes_and_resets(runner, factories, tmp_path):
    creditor = factories.creditor()
    shown = json.loads(
        runner.invoke(args=["portal", "policy", "--creditor-id", creditor.id]).output
    )
    assert shown["bands"][1]["from"] == "200.00"
    assert shown["bands"][1]["min_instalment"] == ["50.00", "30.00"]
    shown["bands"][1]["max_count"] = [8, 12]
    shown["grace_days"] = 3
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(shown))
    changed = runner.invoke(
        args=["portal", "policy", "--creditor-id", creditor.id, "--set", str(path)]
    )
    assert changed.exit_code == 0, changed.output
    policy = policy_for(creditor)
    assert policy.bands[1].max_count.auto == 8 and policy.grace_days == 3
    shown["bands"][1]["max_count"] = [12, 8]  # auto beyond hard: refused
    path.write_text(json.dumps(shown))
    refused = runner.invoke(
        args=["portal", "policy", "--creditor-id", creditor.id, "--set", str(path)]
    )
    assert refused.exit_code != 0 and "max_count" in refused.output
    assert policy_for(creditor).bands[1].max_count.auto == 8  # unchanged
    runner.invoke(args=["portal", "policy", "--creditor-id", creditor.id, "--reset"])
    assert policy_for(creditor).bands[1].max_count.auto == 6
    missing = runner.invoke(args=["portal", "policy", "--creditor-id", 999_999])
    assert missing.exit_code != 0 and "no creditor" in missing.output


def test_a_stricter_policy_changes_the_decision(factories):
    factories.agency()
    case = factories.case(lines=(60_000,))
    data = to_data(policy_for(case.creditor), "EUR")
    data["bands"][1]["max_count"] = [2, 3]
    save_policy(case.creditor, data)
    assert decide.propose(case, ask(3), CONSENT).status == "pending"


def test_plans_tick_command(runner, factories, db):
    factories.agency()
    case = factories.case(lines=(30_000,))
    decide.propose(case, ask(3, days=1), CONSENT)
    result = runner.invoke(args=["portal", "plans-tick", "--on", "2026-12-08"])
    assert result.exit_code == 0
    assert "1 instalment(s) overdue, 1 plan(s) at risk, 0 plan(s) broken" in result.output
    again = runner.invoke(args=["portal", "plans-tick", "--on", "2026-12-08"])
    assert "0 instalment(s) overdue, 0 plan(s) at risk" in again.output
    bad = runner.invoke(args=["portal", "plans-tick", "--on", "08/12/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_decision_email_is_sent_once_in_the_debtors_language(smtp, factories, db):
    factories.agency()
    case = factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))
    proposal = decide.propose(case, ask(8), CONSENT)
    review.reject(proposal.id, factories.staff(Role.COLLECTOR), ["plan_too_long"], "Six at most.")
    [received] = smtp.messages
    assert received["Subject"] == "Your payment plan proposal was not accepted"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "The plan lasts too long" in text and "Six at most." in html
    assert "http://portal.test/l/" in text
    decide.decision_email(case, proposal)  # asked again: same key, nothing new
    _db.session.commit()
    count = _db.session.execute(select(func.count()).select_from(Message)).scalar_one()
    assert count == 1 and len(smtp.messages) == 1


def _race(app, work, n=2):
    """Run `work(i)` in n threads, each in its own app context, started together."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work(i)
            except Exception as exc:  # noqa: BLE001 (the outcome is what is compared)
                results[i] = exc
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    return results


@pytest.mark.postgres
def test_two_collectors_decide_at_once_one_wins(app, factories, db):
    factories.agency()
    case = factories.case(lines=(60_000,))
    proposal_id = decide.propose(case, ask(8), CONSENT).id
    staff_ids = [factories.staff(Role.COLLECTOR).id for _ in range(2)]
    _db.session.remove()

    def decide_one(i):
        from portal.models import StaffUser

        staff = _db.session.get(StaffUser, staff_ids[i])
        if i == 0:
            return review.approve(proposal_id, staff).status
        return review.reject(proposal_id, staff, ["other"], "no").status

    results = _race(app, decide_one)
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, decide.AlreadyDecided)]
    assert len(winners) == 1 and len(losers) == 1, results
    decided = _db.session.get(PlanProposal, proposal_id)
    assert decided.status == winners[0]
    plans_made = _db.session.execute(select(func.count()).select_from(Plan)).scalar_one()
    assert plans_made == (1 if winners[0] == "approved" else 0)
    events = (
        _db.session.execute(
            select(AuditEvent.action).where(
                AuditEvent.action.in_(["plan.approved", "plan.rejected"])
            )
        )
        .scalars()
        .all()
    )
    assert len(events) == 1


@pytest.mark.postgres
def test_two_proposals_at_once_one_is_stored(app, factories, db):
    factories.agency()
    case_id = factories.case(lines=(60_000,)).id
    _db.session.remove()

    def propose(i):
        from portal.models import Case

        return decide.propose(_db.session.get(Case, case_id), ask(8), CONSENT).id

    results = _race(app, propose)
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert sum(isinstance(r, decide.PlanAlreadyOpen) for r in results) == 1, results


@pytest.mark.postgres
def test_two_ticks_at_once_move_each_plan_once(app, factories, db):
    factories.agency()
    case = factories.case(lines=(30_000,))
    decide.propose(case, ask(3, days=1), CONSENT)
    _db.session.remove()
    results = _race(app, lambda i: plans_life.tick(dt.date(2026, 12, 8)))
    assert sorted(len(r.at_risk) for r in results) == [0, 1], results
    assert plans.active_plan(case.id).status == PlanStatus.AT_RISK
    sent = _db.session.execute(
        select(func.count()).select_from(Message).where(Message.template == "plan_at_risk")
    ).scalar_one()
    assert sent == 1
