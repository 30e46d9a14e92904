"""Rows written many at once (COPY on PostgreSQL) read back as an INSERT would have stored them."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.models import AuditEvent, Channel, Message, MessageStatus
from portal.services import sql_bulk
from portal.services.sql_bulk import among, insert_rows


def _rows(case_id: int, count: int, prefix: str = "k") -> list[dict]:
    return [
        dict(
            key=f"{prefix}{n}",
            case_id=case_id,
            template="reminder_first_notice",
            channel=Channel.EMAIL,
            language="fr",
            recipient="zoe@test.example",
            subject="Montant dû — dossier",
            body_text=f"Ligne\ttabulée \\N pas nul\r\nfin {n}",
            body_html="<p>é &amp; \\ </p>",
            headers={"List-Unsubscribe": "<http://portal.test/u/x>", "n": n},
            status=MessageStatus.PENDING,
        )
        for n in range(count)
    ]


def test_rows_read_back_with_their_values_and_defaults(factories, db):
    case = factories.case()
    ids = insert_rows(Message.__table__, _rows(case.id, 3), ids=True)
    insert_rows(AuditEvent.__table__, [dict(action="x.y", actor_kind="system", case_id=case.id)])
    db.session.commit()
    messages = db.session.query(Message).filter(Message.id.in_(ids)).order_by(Message.key).all()
    assert [m.key for m in messages] == ["k0", "k1", "k2"]
    first = messages[0]
    assert first.body_text == "Ligne\ttabulée \\N pas nul\r\nfin 0"
    assert first.body_html == "<p>é &amp; \\ </p>"
    assert first.headers == {"List-Unsubscribe": "<http://portal.test/u/x>", "n": 0}
    assert first.status == MessageStatus.PENDING and first.channel == Channel.EMAIL
    assert first.attempts == 0 and first.created_at is not None and first.sent_at is None
    event = db.session.query(AuditEvent).filter_by(action="x.y").one()
    assert event.details == {} and event.created_at is not None


def test_a_duplicate_key_raises_as_an_insert_would(factories, db):
    case = factories.case()
    insert_rows(Message.__table__, _rows(case.id, 2))
    db.session.commit()
    with pytest.raises(IntegrityError):
        insert_rows(Message.__table__, _rows(case.id, 3, prefix="k"), ids=True)
    db.session.rollback()
    assert db.session.query(Message).count() == 2


def test_among_finds_the_listed_ids(factories, db):
    cases = [factories.case() for _ in range(3)]
    dialect = db.session.get_bind().dialect.name
    wanted = [cases[0].id, cases[2].id]
    found = db.session.query(Message.case_id).filter(among(Message.case_id, wanted, dialect))
    assert found.all() == []
    insert_rows(Message.__table__, _rows(cases[0].id, 1) + _rows(cases[1].id, 1, prefix="j"))
    db.session.commit()
    assert [row.case_id for row in found.all()] == [cases[0].id]


@pytest.mark.postgres
def test_bodies_are_compressed_with_lz4_where_the_server_has_it(factories, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    has_lz4 = db.session.execute(text(sql_bulk._HAS_LZ4)).scalar()
    setting = db.session.execute(text("SHOW default_toast_compression")).scalar()
    case = factories.case()
    rows = _rows(case.id, 1)
    rows[0]["body_html"] = "".join(f"<p>Ligne {n} du courrier</p>" for n in range(400))
    sql_bulk.compress_with_lz4()
    (message_id,) = insert_rows(Message.__table__, rows, ids=True)
    db.session.commit()
    method = db.session.execute(
        text("SELECT pg_column_compression(body_html) FROM messages WHERE id = :id"),
        {"id": message_id},
    ).scalar()
    assert method == ("lz4" if has_lz4 else setting)
    assert db.session.get(Message, message_id).body_html == rows[0]["body_html"]
    # SET LOCAL: the next transaction is back to the server's setting
    assert db.session.execute(text("SHOW default_toast_compression")).scalar() == setting
