"""The hand-built e-mail bytes parse back, with the standard library's strict policy, to what
was written."""

import email
from email import policy

import pytest

from portal.services.mail import mime as mail_mime


def parse(data: bytes):
    return email.message_from_bytes(data, policy=policy.default)


def content(part) -> str:
    """A part's text with the line ends of the wire (CRLF) read back as Python's."""
    return part.get_content().replace("\r\n", "\n")


def build(**values):
    data = dict(
        sender="Amiable Recouvrement <relances@amiable.test>",
        recipient="louise@example.org",
        subject="Somme due — dossier 5BZ-NGV-T32",
        text="Bonjour Louise,\n\nMontant dû : 1\u202f234,56\xa0€\n",
        html="<p>Bonjour <b>Louise</b>, montant dû : 1\u202f234,56\xa0€</p>",
        language="fr",
        msgid="<42.x@amiable.test>",
        headers={"List-Unsubscribe": "<https://portal.test/u/abc>"},
    )
    data.update(values)
    return mail_mime.email_bytes(**data)


def test_both_parts_headers_and_language_parse_back():
    message = parse(build())
    assert message.defects == [] and all(part.defects == [] for part in message.walk())
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Somme due — dossier 5BZ-NGV-T32"
    assert message["From"].addresses[0].addr_spec == "relances@amiable.test"
    assert message["To"] == "louise@example.org"
    assert message["Message-ID"] == "<42.x@amiable.test>"
    assert message["List-Unsubscribe"] == "<https://portal.test/u/abc>"
    assert message["Content-Language"] == "fr"
    assert message["Date"].datetime is not None
    text = message.get_body(("plain",))
    assert text.get_content_charset() == "utf-8"
    assert content(text) == "Bonjour Louise,\n\nMontant dû : 1\u202f234,56\xa0€\n"
    assert "<b>Louise</b>" in content(message.get_body(("html",)))


def test_bytes_are_seven_bit_with_crlf_and_short_lines():
    data = build(text="x" * 300 + "  \n. a line starting with a dot\n", html="<p>" + "é" * 400)
    data.decode("ascii")
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 78
    text = content(parse(data).get_body(("plain",)))
    assert text == "x" * 300 + "  \n. a line starting with a dot\n"  # trailing blanks kept
    assert content(parse(data).get_body(("html",))) == "<p>" + "é" * 400 + "\n"


@pytest.mark.parametrize(
    "subject",
    ["Votre dossier", "Mise en demeure de payer — dossier ABC-DEF-GHI " * 3, "é" * 100, "€"],
)
def test_subjects_of_any_length_and_script(subject):
    assert parse(build(subject=subject))["Subject"] == subject


def test_a_non_ascii_sender_name_is_encoded():
    sender = email.utils.formataddr(("Société Générale Recouvrement", "r@amiable.test"))
    message = parse(build(sender=sender))
    assert message["From"].addresses[0].display_name == "Société Générale Recouvrement"


def test_text_only():
    message = parse(build(html=None))
    assert message.get_content_type() == "text/plain"
    assert content(message) == "Bonjour Louise,\n\nMontant dû : 1\u202f234,56\xa0€\n"


def test_header_injection_is_refused():
    with pytest.raises(ValueError):
        build(subject="Hello\r\nBcc: everyone@example.org")


def test_eight_bit_parts_are_utf8_as_written():
    data = build(text="Montant dû : 1\u202f234,56\xa0€\n. point\n", eight_bit=True)
    assert "Montant dû".encode() in data and b"quoted-printable" not in data
    message = parse(data)
    assert message.defects == [] and all(part.defects == [] for part in message.walk())
    assert content(message.get_body(("plain",))) == "Montant dû : 1\u202f234,56\xa0€\n. point\n"
    assert "<b>Louise</b>" in content(message.get_body(("html",)))
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize("text", ["x" * 999 + "\n", "a bare \r return", "a NUL \0"])
def test_what_smtp_cannot_carry_as_8bit_stays_quoted_printable(text):
    data = build(text=text, html=None, eight_bit=True)
    assert b"Content-Transfer-Encoding: quoted-printable" in data
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    assert content(parse(data)).rstrip("\n") == text.rstrip("\n")


def test_an_attached_file_follows_both_parts_and_comes_back_whole():
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    message = parse(build(attachments=[("quittance-Q2026-000012.pdf", "application/pdf", pdf)]))
    assert message.defects == [] and all(part.defects == [] for part in message.walk())
    assert message.get_content_type() == "multipart/mixed"
    assert message["Content-Language"] == "fr"
    assert content(message.get_body(("plain",))).startswith("Bonjour Louise,")
    assert "<b>Louise</b>" in content(message.get_body(("html",)))
    [attached] = list(message.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == "quittance-Q2026-000012.pdf"
    assert attached.get_content() == pdf


def test_an_attachment_name_that_is_not_plain_ascii_is_refused():
    with pytest.raises(ValueError):
        build(attachments=[('quit"tance.pdf', "application/pdf", b"%PDF")])
