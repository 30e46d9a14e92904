"""`flask portal plans-tick` and `flask portal policy`."""

import datetime as dt
import json

import click

from portal.extensions import db
from portal.models import Creditor
from portal.services import clock


@click.command("plans-tick")
@click.option("--on", "on_text", help="Run as of this date (YYYY-MM-DD); default today.")
def plans_tick(on_text: str | None) -> None:
    """Advance plans: overdue instalments, plans at risk, broken plans (safe to run twice)."""
    from portal.services.plans import life as plans_life

    try:
        on = dt.date.fromisoformat(on_text) if on_text else clock.today()
    except ValueError as exc:
        raise click.BadParameter("write the date as YYYY-MM-DD", param_hint="--on") from exc
    report = plans_life.tick(on)
    click.echo(
        f"{on.isoformat()}: {report.overdue} instalment(s) overdue, "
        f"{len(report.at_risk)} plan(s) at risk, {len(report.broken)} plan(s) broken."
    )


@click.command("policy")
@click.option("--creditor-id", type=int, required=True)
@click.option(
    "--set",
    "source",
    type=click.File("r"),
    help="Replace the policy with this JSON file ('-' for standard input).",
)
@click.option("--reset", is_flag=True, help="Go back to the default policy.")
def policy(creditor_id: int, source, reset: bool) -> None:
    """Show a creditor's plan policy as JSON, or change it (--set FILE, --reset).

    Bands start at `from` (an amount); each rule is a pair [auto-approve limit, hard limit].
    """
    from portal.models import PlanPolicy
    from portal.services.plans.policy import PolicyInvalid, policy_for, save_policy, to_data

    creditor = db.session.get(Creditor, creditor_id)
    if creditor is None:
        raise click.ClickException(f"no creditor with id {creditor_id}")
    if reset:
        row = db.session.execute(
            db.select(PlanPolicy).where(PlanPolicy.creditor_id == creditor.id)
        ).scalar_one_or_none()
        if row is not None:
            db.session.delete(row)
            db.session.commit()
    elif source is not None:
        try:
            save_policy(creditor, json.load(source))
        except (ValueError, PolicyInvalid) as exc:
            raise click.ClickException(f"policy not changed: {exc}") from exc
    data = to_data(policy_for(creditor), creditor.currency)
    click.echo(json.dumps(data, indent=2))
