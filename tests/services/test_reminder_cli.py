"""`flask portal send-reminders` and `flask portal reminder-sequence`."""

import datetime as dt

import pytest
import time_machine

from portal.domain.reminders import DEFAULT_SEQUENCE
from portal.services.reminders.controls import sequence_of

TUESDAY_UTC = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_dry_run_at_another_time(runner, factories):
    factories.case()
    with time_machine.travel(TUESDAY_UTC.replace(hour=21), tick=False):  # 22:00 in Paris
        now = runner.invoke(args=["portal", "send-reminders", "--dry-run"])
        later = runner.invoke(
            args=["portal", "send-reminders", "--dry-run", "--at", "tomorrow 10:00", "-v"]
        )
    assert now.exit_code == 0, now.output
    assert "0 step(s) would record" in now.output
    assert "skipped 1: outside 08:00-20:00" in now.output
    assert "as of 2026-12-02 10:00" in later.output
    assert "1 step(s) would record (1 e-mail(s), 0 letter(s))" in later.output
    assert "first_notice by email" in later.output


def test_send_and_summary(runner, factories, smtp):
    factories.case()
    with time_machine.travel(TUESDAY_UTC, tick=False):
        result = runner.invoke(args=["portal", "send-reminders", "--limit", "5"])
        again = runner.invoke(args=["portal", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 step(s) recorded (1 e-mail(s), 0 letter(s))" in result.output
    assert "Delivered: 1" in result.output
    assert "0 step(s) recorded" in again.output
    assert len(smtp.messages) == 1


def test_bad_arguments(runner):
    result = runner.invoke(args=["portal", "send-reminders", "--at", "tomorrow 10:00"])
    assert result.exit_code == 2 and "--at only goes with --dry-run" in result.output
    result = runner.invoke(args=["portal", "send-reminders", "--dry-run", "--at", "someday"])
    assert result.exit_code == 2


def test_sequence_show_set_reset(runner, factories):
    creditor = factories.creditor()
    shown = runner.invoke(args=["portal", "reminder-sequence", "--creditor-id", str(creditor.id)])
    assert "(default)" in shown.output and "day  30" in shown.output
    steps = ["0:email:first_notice:courteous", "10:email:reminder:firm"]
    result = runner.invoke(
        args=["portal", "reminder-sequence", "--creditor-id", str(creditor.id), *steps]
    )
    assert result.exit_code == 0, result.output
    assert [s.offset_days for s in sequence_of(creditor.id)] == [0, 10]
    bad = runner.invoke(
        args=["portal", "reminder-sequence", "--creditor-id", str(creditor.id), "5:email:x:y"]
    )
    assert bad.exit_code == 1 and "5:email:x:y" in bad.output
    assert [s.offset_days for s in sequence_of(creditor.id)] == [0, 10]  # unchanged
    runner.invoke(
        args=["portal", "reminder-sequence", "--creditor-id", str(creditor.id), "--reset"]
    )
    assert sequence_of(creditor.id) == DEFAULT_SEQUENCE
    missing = runner.invoke(args=["portal", "reminder-sequence", "--creditor-id", "999999"])
    assert missing.exit_code == 2 and "no creditor has the id 999999" in missing.output
    setting = runner.invoke(args=["portal", "reminder-sequence", "--creditor-id", "999999", *steps])
    assert setting.exit_code == 2


def test_a_step_with_an_email_and_a_letter_counts_once(runner, factories):
    case = factories.case()
    steps = ["0:email+letter:first_notice:courteous"]
    runner.invoke(args=["portal", "reminder-sequence", "--creditor-id", str(case.creditor_id),
                        *steps])  # fmt: skip
    with time_machine.travel(TUESDAY_UTC, tick=False):
        dry = runner.invoke(args=["portal", "send-reminders", "--dry-run"])
        result = runner.invoke(args=["portal", "send-reminders"])
    assert "1 step(s) would record (1 e-mail(s), 1 letter(s))" in dry.output
    assert "1 step(s) recorded (1 e-mail(s), 1 letter(s))" in result.output


def test_without_a_mail_server_it_says_the_emails_were_not_sent(runner, factories, app):
    factories.case()
    assert not app.config["MAIL_SERVER"]
    with time_machine.travel(TUESDAY_UTC, tick=False):
        result = runner.invoke(args=["portal", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "NOT SENT: no mail server is set (MAIL_SERVER)" in result.output
    assert "the 1 e-mail(s) were recorded only" in result.output
    assert "Delivered" not in result.output


def test_workers_need_a_real_run_on_postgresql(runner, db):
    dry = runner.invoke(args=["portal", "send-reminders", "--dry-run", "--workers", "2"])
    assert dry.exit_code == 2 and "--workers goes with a real run" in dry.output
    if db.engine.dialect.name != "postgresql":
        result = runner.invoke(args=["portal", "send-reminders", "--workers", "2"])
        assert result.exit_code == 2 and "--workers needs PostgreSQL" in result.output


@pytest.mark.postgres
def test_send_with_two_workers(runner, factories, smtp):
    for _ in range(5):
        factories.case()
    with time_machine.travel(TUESDAY_UTC, tick=True):
        result = runner.invoke(args=["portal", "send-reminders", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "5 step(s) recorded (5 e-mail(s), 0 letter(s))" in result.output
    assert "Delivered: 5" in result.output
    assert len(smtp.messages) == 5
