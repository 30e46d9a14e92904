"""The case state machine, parametrized over its table."""

import pytest

from portal.domain.states import CASE_TRANSITIONS, CaseStatus, IllegalTransition, move_case

ALL_PAIRS = [(a, b) for a in CaseStatus for b in CaseStatus]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_every_move_follows_the_table(current, target):
    if target in CASE_TRANSITIONS[current]:
        assert move_case(current, target) is target
    else:
        with pytest.raises(IllegalTransition):
            move_case(current, target)


def test_every_state_is_in_the_table():
    assert set(CASE_TRANSITIONS) == set(CaseStatus)


def test_closed_is_final_and_disputes_return_to_open():
    assert CASE_TRANSITIONS[CaseStatus.CLOSED] == frozenset()
    assert CaseStatus.OPEN in CASE_TRANSITIONS[CaseStatus.DISPUTED]


def test_a_dispute_can_start_from_a_plan_and_go_back_to_it():
    assert CaseStatus.DISPUTED in CASE_TRANSITIONS[CaseStatus.IN_PLAN]
    assert CaseStatus.IN_PLAN in CASE_TRANSITIONS[CaseStatus.DISPUTED]
    assert CaseStatus.DISPUTED not in CASE_TRANSITIONS[CaseStatus.PAID]
