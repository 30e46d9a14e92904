"""A per-token request budget per minute, counted in the database (every process shares it)."""

import time

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db
from portal.models import ApiRateWindow


def hit(token_id: int, per_minute: int, now: float | None = None) -> int:
    """Count one request; return 0 when allowed, else the seconds until the next minute."""
    now = time.time() if now is None else now
    window = int(now // 60)
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(ApiRateWindow).values(token_id=token_id, window=window, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["token_id", "window"], set_={"count": ApiRateWindow.count + 1}
    ).returning(ApiRateWindow.count)
    count = db.session.execute(stmt).scalar_one()
    if count == 1:  # a new minute: the token's older windows are of no more use
        db.session.execute(
            delete(ApiRateWindow).where(
                ApiRateWindow.token_id == token_id, ApiRateWindow.window < window
            )
        )
    db.session.commit()
    if count <= per_minute:
        return 0
    return max(1, 60 - int(now % 60))
