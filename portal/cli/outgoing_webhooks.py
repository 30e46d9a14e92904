"""`flask portal webhook-add` and `send-webhooks`: creditors' outgoing webhooks."""

import datetime as dt

import click


@click.command("webhook-add")
@click.option("--creditor", "creditor_id", type=int, required=True, help="The creditor's id.")
@click.argument("url")
def webhook_add(creditor_id: int, url: str) -> None:
    """Send the creditor's events to an HTTPS URL; prints the signing secret once."""
    from portal.services.outgoing_webhooks import endpoints

    try:
        endpoint, secret = endpoints.add_endpoint(creditor_id, url)
    except endpoints.EndpointRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Endpoint {endpoint.id} added. Its signing secret, shown only now:")
    click.echo(secret)


@click.command("send-webhooks")
def send_webhooks() -> None:
    """Queue the new events and post the due deliveries (run every minute; safe twice at once)."""
    from portal.services.outgoing_webhooks import job

    report = job.run(dt.datetime.now(dt.UTC))
    click.echo(
        f"queued {report.queued}, delivered {report.delivered}, "
        f"retry later {report.retried}, failed {report.failed}"
    )
