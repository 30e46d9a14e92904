"""Creditors' webhook endpoints: registered with a new secret, HTTPS only."""

import secrets
from urllib.parse import urlparse

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ActorKind, AuditEvent, Creditor, WebhookEndpoint
from portal.services import audit


class EndpointRefused(ValueError):
    """The creditor does not exist or the URL is not an HTTPS URL."""


def add_endpoint(
    creditor_id: int, url: str, allow_http: bool = False
) -> tuple[WebhookEndpoint, str]:
    """Register `url` for the creditor's events from now on; returns the signing secret."""
    if not (0 < creditor_id < 2**31) or db.session.get(Creditor, creditor_id) is None:
        raise EndpointRefused(f"no creditor has the id {creditor_id}")
    parsed = urlparse(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parsed.scheme not in schemes or not parsed.netloc or len(url) > 500:
        raise EndpointRefused("the URL must be an https:// URL")
    secret = "whsec_" + secrets.token_urlsafe(32)
    latest = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
    endpoint = WebhookEndpoint(creditor_id=creditor_id, url=url, secret=secret, cursor=latest)
    db.session.add(endpoint)
    db.session.flush()
    audit.record(
        "webhook.endpoint_added",
        actor=ActorKind.SYSTEM,
        endpoint_id=endpoint.id,
        creditor_id=creditor_id,
    )
    db.session.commit()
    return endpoint, secret
