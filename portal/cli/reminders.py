"""`flask portal send-reminders` and `flask portal reminder-sequence`."""

import datetime as dt
import sys
from zoneinfo import ZoneInfo

import click
from flask import current_app

from portal.domain import reminders as rules

REASONS = {
    "quiet_hours": "outside 08:00-20:00 in the debtor's time zone",
    "sunday": "Sunday",
    "holiday": "public holiday",
    "weekly_cap": "weekly contact cap reached",
    "time_bar_review": "possibly time-barred: waiting for a collector's review",
    "nothing_owed": "nothing owed",
    "sequence_over": "sequence finished",
    "already_done": "taken by another run",
    "instalment_no_email": "instalment reminder: no e-mail address, or e-mails stopped",
}


@click.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; change nothing.")
@click.option("--at", "at_text", help="With --dry-run: as of another time, e.g. 'tomorrow 10:00'.")
@click.option("--limit", type=click.IntRange(min=1), help="Look at no more than N due cases.")
@click.option("--weekly-cap", type=click.IntRange(min=1), default=rules.DEFAULT_WEEKLY_CAP)
@click.option(
    "--instalments/--no-instalments",
    default=True,
    help="E-mail plans' debtors 3 days before each instalment (default: yes).",
)
@click.option("--verbose", "-v", is_flag=True, help="With --dry-run: list every planned step.")
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=16),
    default=1,
    help="Worker processes sending at once (PostgreSQL; e.g. one per core).",
)
def send_reminders(dry_run, at_text, limit, weekly_cap, instalments, verbose, workers) -> None:
    """Send the reminder steps that are due (safe to run twice, or on two machines)."""
    from portal.extensions import db
    from portal.services.reminders import run as reminders
    from portal.services.reminders import workers as reminders_workers

    if workers > 1 and dry_run:
        raise click.UsageError("--workers goes with a real run, not with --dry-run")
    if workers > 1 and db.engine.dialect.name != "postgresql":
        raise click.UsageError("--workers needs PostgreSQL (runs at once rely on SKIP LOCKED)")

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    now = dt.datetime.now(dt.UTC)
    if at_text and not dry_run:
        raise click.UsageError("--at only goes with --dry-run: real sending happens now")
    at = now
    if at_text:
        try:
            at = rules.parse_at(at_text, now.astimezone(zone)).astimezone(dt.UTC)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--at") from exc
    total = reminders.count_due(at)
    if limit:
        total = min(total, limit)
    label = "Planning" if dry_run else "Sending"
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        if workers > 1:
            report = reminders_workers.run_in_processes(
                at,
                workers,
                limit=limit,
                weekly_cap=weekly_cap,
                instalments=instalments,
                progress=bar.update,
            )
        else:
            report = reminders.run(
                at,
                dry_run=dry_run,
                limit=limit,
                weekly_cap=weekly_cap,
                instalments=instalments,
                progress=bar.update,
            )
    when = at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    verb = "would record" if dry_run else "recorded"
    click.echo(
        f"{'DRY RUN ' if dry_run else ''}as of {when}: {report.steps} step(s) {verb} "
        f"({report.emails} e-mail(s), {report.letters} letter(s))."
    )
    if not dry_run and current_app.config.get("MAIL_SERVER"):
        click.echo(f"Delivered: {report.delivered}; left pending after an SMTP error: "
                   f"{report.failed}.")  # fmt: skip
    elif not dry_run and report.emails:
        click.echo(
            f"NOT SENT: no mail server is set (MAIL_SERVER), so the {report.emails} e-mail(s) "
            "were recorded only. Staff see them on each case page"
            + (
                f"; open the demo outbox at {current_app.config['PORTAL_BASE_URL']}/demo/outbox."
                if current_app.config["PORTAL_ENV"] == "demo"
                else "."
            )
        )
    for reason, count in sorted(report.skipped.items()):
        click.echo(f"  skipped {count}: {REASONS.get(reason, reason)}")
    held = reminders.not_due_counts(at)
    click.echo(
        "Held back (not selected): "
        + ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in held.items())
    )
    if dry_run and verbose:
        for line in report.planned:
            click.echo(f"  {line}")


@click.command("reminder-sequence")
@click.option("--creditor-id", type=int, required=True)
@click.option("--reset", is_flag=True, help="Go back to the default sequence.")
@click.argument("steps", nargs=-1)
def reminder_sequence(creditor_id: int, reset: bool, steps: tuple[str, ...]) -> None:
    """Show or set a creditor's sequence: STEPS as offset:channel:template:tone.

    Example: 0:email:first_notice:courteous 10:email:reminder:firm
    30:email+letter:formal_notice:formal
    """
    from portal.extensions import db
    from portal.models import Creditor
    from portal.services.reminders.controls import sequence_of, set_sequence

    if db.session.get(Creditor, creditor_id) is None:
        raise click.BadParameter(
            f"no creditor has the id {creditor_id}", param_hint="--creditor-id"
        )
    try:
        if reset:
            shown = set_sequence(creditor_id, None)
        elif steps:
            shown = set_sequence(creditor_id, [rules.parse_step(s) for s in steps])
        else:
            shown = sequence_of(creditor_id)
    except (rules.SequenceError, LookupError) as exc:
        raise click.ClickException(str(exc)) from exc
    default = " (default)" if shown == rules.DEFAULT_SEQUENCE else ""
    click.echo(f"Creditor {creditor_id} sequence{default}:")
    for position, step in enumerate(shown, start=1):
        click.echo(
            f"  {position}. day {step.offset_days:>3}  {step.channel:<13} {step.template:<14}"
            f" {step.tone}"
        )
