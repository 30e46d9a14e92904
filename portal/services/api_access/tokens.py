"""Creditors' API tokens: made once, stored hashed, revocable, last use recorded."""

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import ActorKind, ApiToken, Creditor
from portal.models.base import utcnow
from portal.services import audit

PREFIX = "amb_"
_LAST_USE_EVERY = dt.timedelta(minutes=1)  # at most one write a minute per busy token


class TokenRefused(Exception):
    """The bearer token is unknown (`invalid_token`) or revoked (`token_revoked`)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class UnknownCreditor(LookupError):
    """No creditor has this id."""


def digest(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _values(token: ApiToken) -> dict:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def _actor(staff_user_id: int | None, ip: str | None) -> dict:
    """Who the audit row names: the admin who acted, or the system (the CLI)."""
    if staff_user_id is None:
        return {"actor": ActorKind.SYSTEM}
    return {"actor": ActorKind.STAFF, "staff_user_id": staff_user_id, "ip": ip}


def create_token(
    creditor_id: int, name: str = "API", staff_user_id: int | None = None, ip: str | None = None
) -> tuple[ApiToken, str]:
    """A new token for the creditor; the secret is returned here and never again."""
    if not (0 < creditor_id < 2**31) or db.session.get(Creditor, creditor_id) is None:
        raise UnknownCreditor(creditor_id)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        creditor_id=creditor_id, name=name[:100], prefix=secret[:12], token_hash=digest(secret)
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api.token_created", token_id=token.id, creditor_id=creditor_id, before=None,
                 after=_values(token), **_actor(staff_user_id, ip))  # fmt: skip
    db.session.commit()
    return token, secret


def revoke_token(
    token_id: int,
    creditor_id: int | None = None,
    staff_user_id: int | None = None,
    ip: str | None = None,
) -> ApiToken | None:
    """Revoke a token (it stops working at once); None if there is no such token (or it is
    not `creditor_id`'s, when given)."""
    token = db.session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None or (creditor_id is not None and token.creditor_id != creditor_id):
        return None
    if token.revoked_at is None:
        before = _values(token)
        token.revoked_at = utcnow()
        audit.record("api.token_revoked", token_id=token.id, creditor_id=token.creditor_id,
                     before=before, after=_values(token), **_actor(staff_user_id, ip))  # fmt: skip
        db.session.commit()
    return token


def list_tokens(creditor_id: int) -> list[ApiToken]:
    """The creditor's tokens, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.creditor_id == creditor_id).order_by(ApiToken.id.desc())
        )
    )


def authenticate(secret: str) -> ApiToken:
    """The live token with this secret (its last use recorded), or raise TokenRefused."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None:
        raise TokenRefused("invalid_token")
    if token.revoked_at is not None:
        raise TokenRefused("token_revoked")
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USE_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return token
