"""Case references: readable alphabet, check character, typo detection."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain import references
from portal.domain.references import ALPHABET, InvalidReference, display, generate, normalize


def test_alphabet_has_no_lookalikes():
    for confusing in "01OIL":
        assert confusing not in ALPHABET


def test_generated_reference_normalizes_to_itself():
    ref = generate()
    assert len(ref) == 9
    assert normalize(ref) == ref
    assert normalize(display(ref)) == ref
    assert normalize(" " + display(ref).lower() + " ") == ref


def test_display_groups_in_threes():
    assert display("ABCDEFGHJ") == "ABC-DEF-GHJ"


@pytest.mark.parametrize("text", ["", "ABC", "ABCDEFGHJK2", "ABCD0FGHJ", "ABCDOFGHJ", "ABCD1FGHJ"])
def test_malformed_references_are_refused(text):
    with pytest.raises(InvalidReference):
        normalize(text)


references_strategy = st.builds(lambda seed: generate(random.Random(seed).randrange), st.integers())


@given(references_strategy, st.integers(0, 8), st.sampled_from(ALPHABET))
def test_any_single_wrong_character_is_caught(ref, position, replacement):
    if ref[position] == replacement:
        return
    typo = ref[:position] + replacement + ref[position + 1 :]
    with pytest.raises(InvalidReference):
        normalize(typo)


@given(references_strategy, st.integers(0, 7))
def test_any_swap_of_neighbours_is_caught(ref, position):
    if ref[position] == ref[position + 1]:
        return
    swapped = ref[:position] + ref[position + 1] + ref[position] + ref[position + 2 :]
    with pytest.raises(InvalidReference):
        normalize(swapped)


def test_references_are_random_enough():
    refs = {references.generate() for _ in range(2000)}
    assert len(refs) == 2000
