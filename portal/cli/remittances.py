"""`flask portal issue-remittance`: a creditor's next remittance statement."""

import datetime as dt

import click


@click.command("issue-remittance")
@click.option("--creditor", "creditor_id", type=int, required=True, help="The creditor's id.")
@click.option(
    "--until", "until", default=None, help="Last day covered (YYYY-MM-DD), yesterday by default."
)
def issue_remittance(creditor_id: int, until: str | None) -> None:
    """Issue the creditor's next statement: what was collected since the last one, the
    commission and the net amount due. An issued statement never changes."""
    from portal.services.clock import today
    from portal.services.remittances import issue

    try:
        end = dt.date.fromisoformat(until) if until else today() - dt.timedelta(days=1)
    except ValueError as exc:
        raise click.BadParameter("write the date as YYYY-MM-DD", param_hint="--until") from exc
    try:
        s = issue.issue_statement(creditor_id, end)
    except issue.NothingToIssue as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Statement {s.number} ({s.period_start} to {s.period_end}): received "
        f"{s.received}, reversed {s.reversed}, commission {s.commission}, net due "
        f"{s.net_due} ({s.currency} minor units)."
    )
