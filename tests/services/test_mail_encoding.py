"""Subjects in RFC 2047 encoded words: short ones in one word, long ones cut between characters."""

from email.header import decode_header, make_header

import pytest

from portal.services.mail.mime import encoded_words


@pytest.mark.parametrize(
    "subject",
    [
        "Montant dû — dossier 7KQ-M4R-T9X",  # 35 bytes: one word
        "é" * 22 + "a",  # 45 bytes exactly: still one word
        "é" * 23,  # 46 bytes: two words
        "Mise en demeure de payer — dossier 7KQ-M4R-T9X — référence 7KQ-M4R-T9X-4 ✓",
    ],
)
def test_encoded_words_decode_to_the_subject(subject):
    encoded = encoded_words(subject)
    words = encoded.split("\r\n ")
    assert str(make_header(decode_header(encoded))) == subject
    assert all(len(word) <= 75 and word.startswith("=?utf-8?b?") for word in words)
    assert (len(words) == 1) == (len(subject.encode("utf-8")) <= 45)
