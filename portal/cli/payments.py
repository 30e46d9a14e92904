"""`flask portal charge-due`, `reconcile` and `stripe-double`: the payment jobs and the double."""

import contextlib
import datetime as dt

import click
from flask import current_app


@click.command("charge-due")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Day to charge for (today).")
def charge_due(on) -> None:
    """Charge due instalments to saved payment methods (safe to run twice or on two machines)."""
    from portal.services.clock import today
    from portal.services.payments.charges import charge_due as run

    report = run(on.date() if on else today())
    click.echo(
        f"charged {len(report.charged)}, failed {len(report.failed)}, "
        f"pending {len(report.pending)}, skipped {report.skipped}"
    )


@click.command("reconcile")
@click.option("--days", default=3, show_default=True, help="How far back to fetch events.")
def reconcile(days: int) -> None:
    """Fetch the provider's recent events and apply those the webhook missed."""
    from portal.services.payments.events import reconcile as run

    report = run(dt.timedelta(days=days))
    click.echo(f"{report.fetched} event(s) fetched, {report.already} already applied.")
    unchanged = ("stale", "ignored", "unknown_payment", "unknown_case")
    fixed = [a for a in report.applied if a[2] not in unchanged]
    for event_id, event_type, outcome in fixed:
        click.echo(f"fixed: {event_id} {event_type} -> {outcome}")
    click.echo(f"{len(fixed)} fix(es)." if fixed else "Nothing to fix.")


@click.command("stripe-double")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=12111, show_default=True)
@click.option("--webhook-url", default=None, help="Where to send events (the portal's URL).")
@click.option("--sepa-delay", default=3.0, show_default=True, help="Seconds before SEPA settles.")
def stripe_double(host: str, port: int, webhook_url: str | None, sepa_delay: float) -> None:
    """Run the local Stripe test double (its own server; the portal talks to it over HTTP)."""
    from portal.gateway.double import StripeDouble

    config = current_app.config
    if config["STRIPE_SECRET_KEY"].startswith(("sk_live_", "rk_live_")):
        raise click.ClickException("refusing to run the test double with a live key")
    url = webhook_url or f"{config['PORTAL_BASE_URL']}/stripe/webhook"
    double = StripeDouble(
        url, config["STRIPE_WEBHOOK_SECRET"], host=host, port=port, sepa_delay=sepa_delay
    )
    click.echo(f"Stripe test double on http://{host}:{port}, webhooks to {url}")
    with contextlib.suppress(KeyboardInterrupt):
        double.serve_forever()
