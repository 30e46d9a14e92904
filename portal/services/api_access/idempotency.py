"""Requests sent with an `Idempotency-Key`: the same key and body get the same response."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import ApiIdempotentRequest


class KeyReused(Exception):
    """The key was used before with a different body."""


def replay(token_id: int, key: str, digest: str) -> tuple[int, dict] | None:
    """The response given before to this key, None if it is new; KeyReused if the body differs."""
    found = db.session.scalar(
        select(ApiIdempotentRequest).where(
            ApiIdempotentRequest.token_id == token_id, ApiIdempotentRequest.key == key
        )
    )
    if found is None:
        return None
    if found.request_digest != digest:
        raise KeyReused(key)
    return found.status_code, found.body


def remember(token_id: int, key: str, digest: str, status: int, body: dict) -> tuple[int, dict]:
    """Keep the response for this key; if a concurrent request kept one first, return that."""
    db.session.add(
        ApiIdempotentRequest(
            token_id=token_id, key=key, request_digest=digest, status_code=status, body=body
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return replay(token_id, key, digest) or (status, body)
    return status, body
