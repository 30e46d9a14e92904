"""`flask portal send-digests`: the creditor users' daily summaries."""

import datetime as dt

import click


@click.command("send-digests")
def send_digests() -> None:
    """Record and send today's digests (run once a day; a second run the same day sends none)."""
    from portal.services.digests import job

    click.echo(f"{job.run(dt.datetime.now(dt.UTC))} digest(s) recorded.")
