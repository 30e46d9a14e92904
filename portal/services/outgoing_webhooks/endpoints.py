"""Creditors' webhook endpoints: registered with a new secret (HTTPS to a public address only,
see `targets`), enabled or disabled, deleted; each change audited with before and after."""

import secrets

from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.models import ActorKind, AuditEvent, Creditor, WebhookDelivery, WebhookEndpoint
from portal.services import audit
from portal.services.outgoing_webhooks.targets import TargetRefused, check_url

LOG_SIZE = 50


class EndpointRefused(ValueError):
    """The creditor does not exist or the URL is not allowed; `reason` says which."""

    def __init__(self, message: str, reason: str = "invalid"):
        super().__init__(message)
        self.reason = reason


def _actor(staff_user_id: int | None, ip: str | None) -> dict:
    if staff_user_id is None:
        return {"actor": ActorKind.SYSTEM}
    return {"actor": ActorKind.STAFF, "staff_user_id": staff_user_id, "ip": ip}


def _values(endpoint: WebhookEndpoint) -> dict:
    return {"url": endpoint.url, "active": endpoint.active}


def add_endpoint(
    creditor_id: int,
    url: str,
    allow_http: bool = False,
    staff_user_id: int | None = None,
    ip: str | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register `url` for the creditor's events from now on; returns the signing secret.

    `allow_http` (tests' local receivers only) skips the HTTPS and public-address checks."""
    if not (0 < creditor_id < 2**31) or db.session.get(Creditor, creditor_id) is None:
        raise EndpointRefused(f"no creditor has the id {creditor_id}", "no_such_creditor")
    if allow_http:
        url = (url or "").strip()
    else:
        try:
            url = check_url(url)
        except TargetRefused as exc:
            raise EndpointRefused(
                f"the URL must be an https:// URL to a public address ({exc.reason})", exc.reason
            ) from None
    secret = "whsec_" + secrets.token_urlsafe(32)
    latest = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
    endpoint = WebhookEndpoint(creditor_id=creditor_id, url=url, secret=secret, cursor=latest)
    db.session.add(endpoint)
    db.session.flush()
    audit.record("webhook.endpoint_added", endpoint_id=endpoint.id, creditor_id=creditor_id,
                 before=None, after=_values(endpoint), **_actor(staff_user_id, ip))  # fmt: skip
    db.session.commit()
    return endpoint, secret


def endpoints_of(creditor_id: int) -> list[WebhookEndpoint]:
    """The creditor's endpoints, oldest first."""
    stmt = select(WebhookEndpoint).filter_by(creditor_id=creditor_id).order_by(WebhookEndpoint.id)
    return list(db.session.scalars(stmt))


def endpoint_of(creditor_id: int, endpoint_id: int) -> WebhookEndpoint | None:
    """The creditor's endpoint with this id; None when there is none (or it is another's)."""
    if not 0 < endpoint_id < 2**31:
        return None
    found = db.session.get(WebhookEndpoint, endpoint_id)
    return found if found is not None and found.creditor_id == creditor_id else None


def set_active(endpoint: WebhookEndpoint, active: bool, staff_user_id: int, ip: str | None):
    """Enable or disable an endpoint. Disabled, it receives nothing; enabled again, it gets
    the events from then on (not those of the time it was off) and its pending retries."""
    if endpoint.active == active:
        return
    before = _values(endpoint)
    endpoint.active = active
    if active:
        latest = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
        endpoint.cursor = max(endpoint.cursor, latest)
    action = "webhook.endpoint_enabled" if active else "webhook.endpoint_disabled"
    audit.record(action, endpoint_id=endpoint.id, creditor_id=endpoint.creditor_id,
                 before=before, after=_values(endpoint), **_actor(staff_user_id, ip))  # fmt: skip
    db.session.commit()


def remove(endpoint: WebhookEndpoint, staff_user_id: int, ip: str | None) -> None:
    """Delete an endpoint and its delivery log."""
    before = _values(endpoint)
    audit.record("webhook.endpoint_deleted", endpoint_id=endpoint.id,
                 creditor_id=endpoint.creditor_id, before=before, after=None,
                 **_actor(staff_user_id, ip))  # fmt: skip
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.commit()


def deliveries_of(endpoint: WebhookEndpoint, limit: int = LOG_SIZE) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first."""
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
