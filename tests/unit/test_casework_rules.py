"""The collector's action table and the dispute rules, parametrized over their tables."""

import pytest

from portal.domain.casework import ACTION_STATES, ActionNotAllowed, CaseAction, check_action
from portal.domain.disputes import (
    DISPUTE_TRANSITIONS,
    MAX_FILE_BYTES,
    DisputeStatus,
    FileRefused,
    check_file,
    detect_type,
    move_dispute,
)
from portal.domain.states import CaseStatus, IllegalTransition


@pytest.mark.parametrize(("action", "status"), [(a, s) for a in CaseAction for s in CaseStatus])
def test_every_action_follows_the_table(action, status):
    if status in ACTION_STATES[action]:
        check_action(action, status)
    else:
        with pytest.raises(ActionNotAllowed):
            check_action(action, status)


def test_a_closed_case_takes_notes_only_and_a_decision_needs_a_dispute():
    allowed = {a for a in CaseAction if CaseStatus.CLOSED in ACTION_STATES[a]}
    assert allowed == {CaseAction.NOTE, CaseAction.REVOKE_LINKS}
    assert ACTION_STATES[CaseAction.DECIDE_DISPUTE] == {CaseStatus.DISPUTED}


@pytest.mark.parametrize(
    ("current", "target"), [(a, b) for a in DisputeStatus for b in DisputeStatus]
)
def test_every_dispute_move_follows_the_table(current, target):
    if target in DISPUTE_TRANSITIONS[current]:
        assert move_dispute(current, target) is target
    else:
        with pytest.raises(IllegalTransition):
            move_dispute(current, target)


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (b"%PDF-1.7\n", ("application/pdf", "pdf")),
        (b"\x89PNG\r\n\x1a\n\x00", ("image/png", "png")),
        (b"\xff\xd8\xff\xdb", ("image/jpeg", "jpg")),
        (b"MZ\x90\x00", None),  # a Windows program
        (b"<html><script>", None),
        (b"PK\x03\x04", None),  # a zip (or an office document)
        (b" %PDF-1.7", None),  # the magic must come first
    ],
)
def test_the_type_is_read_from_the_first_bytes(head, found):
    assert detect_type(head) == found


def test_file_limits():
    assert check_file(b"%PDF-" + b"0" * (MAX_FILE_BYTES - 5), 0) == ("application/pdf", "pdf")
    for data, already, reason in [
        (b"%PDF-" + b"0" * (MAX_FILE_BYTES - 4), 0, "size"),
        (b"", 0, "empty"),
        (b"%PDF-1", 5, "count"),
    ]:
        with pytest.raises(FileRefused) as refused:
            check_file(data, already)
        assert refused.value.reason == reason
