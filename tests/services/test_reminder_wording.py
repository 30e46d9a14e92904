"""Amicable-stage wording: no template suggests a court title, a court or a bailiff."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from portal.legal import L111_8_AL2_AL3
from portal.models import Message
from portal.services.reminders import run as reminders

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
FORBIDDEN = [
    "huissier",
    "commissaire de justice",
    "titre exécutoire",
    "tribunal",
    "juge",
    "injonction",
    "poursuite",
    "saisie",
    "bailiff",
    "court",
    "enforcement officer",
    "enforceable",
    "judge",
    "lawsuit",
    "legal action",
    "proceedings",
    "seizure",
]


def without_statute(text: str) -> str:
    """The text with the L111-8 extract (which mentions a title and a judge) taken out."""
    for paragraph in L111_8_AL2_AL3.paragraphs:
        text = text.replace(paragraph, "").replace(paragraph.replace("'", "&#39;"), "")
    return text


def check(text: str, where: str) -> None:
    lowered = without_statute(text).lower()
    for word in FORBIDDEN:
        assert not re.search(rf"\b{re.escape(word)}", lowered), f"{word!r} in {where}"


@pytest.mark.parametrize(
    "path",
    sorted(TEMPLATES.glob("reminder_*")) + sorted(TEMPLATES.glob("_reminder*")),
    ids=lambda p: p.name,
)
def test_template_sources(path):
    check(path.read_text(encoding="utf-8"), path.name)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_rendered_messages_and_letters(factories, db, language):
    factories.agency()
    factories.case(debtor_=factories.debtor(language=language))
    factories.case(debtor_=factories.debtor(language=language, email=None))
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    for day in (0, 8, 15, 30):
        moment = start + dt.timedelta(days=day)
        with time_machine.travel(moment, tick=False):
            reminders.run(moment)
    rendered = db.session.execute(select(Message)).scalars().all()
    assert len(rendered) == 9  # 4 e-mails + 1 formal letter, and 4 letters for the other
    for message in rendered:
        check(f"{message.subject}\n{message.body_text}\n{message.body_html or ''}", message.key)
