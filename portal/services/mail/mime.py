"""The bytes of an e-mail: multipart/alternative text + html, UTF-8, quoted-printable or 8bit,
and any attached files (base64) after them in a multipart/mixed message.

Hand-rolled because the standard library's EmailMessage and its generator cost several
milliseconds a message, most of the reminder job's time. What is written is the plain subset
of MIME the stdlib writes too, and tests parse it back with `email.policy.default`:
RFC 2047 encoded words for non-ASCII headers (email.header), quoted-printable bodies
(binascii) or, for a server that takes 8BITMIME, 8bit UTF-8 ones, CRLF line ends, and a
boundary containing "=_" (which quoted-printable text can never contain) and 64 random bits
(which 8bit text will not contain by chance).
"""

import base64
import binascii
import secrets
from email.header import Header
from email.utils import formatdate, make_msgid

CRLF = "\r\n"


def header(name: str, value: str) -> str:
    """One header line (folded and RFC 2047-encoded when not plain ASCII), CRLF included."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"header {name} contains a line break")
    if value.isascii():
        if len(name) + len(value) < 996:
            return f"{name}: {value}{CRLF}"
        return f"{name}: {Header(value, 'us-ascii', header_name=name).encode(linesep=CRLF)}{CRLF}"
    return f"{name}: {encoded_words(value)}{CRLF}"


def encoded_words(value: str) -> str:
    """RFC 2047 base64 encoded words of UTF-8, each under 76 characters, never splitting a
    character, folded one per line (what email.header does, without its cost)."""
    whole = value.encode("utf-8")
    if len(whole) <= 45:  # one word (a subject usually): no need to cut it
        return f"=?utf-8?b?{base64.b64encode(whole).decode('ascii')}?="
    words, chunk, size = [], [], 0
    for char in value:
        width = len(char.encode("utf-8"))
        if size + width > 45:  # 45 bytes -> 60 base64 characters + 12 of =?utf-8?b??=
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += width
    words.append("".join(chunk))
    return f"{CRLF} ".join(
        f"=?utf-8?b?{base64.b64encode(word.encode('utf-8')).decode('ascii')}?=" for word in words
    )


def qp_body(text: str) -> bytes:
    """UTF-8 text as quoted-printable lines of at most 76 characters, CRLF ends."""
    data = text.replace("\r\n", "\n").encode("utf-8")
    encoded = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    return encoded.replace(b"\n", b"\r\n")


def eight_bit_body(text: str) -> bytes | None:
    """UTF-8 text with CRLF ends, as it is, when SMTP may carry it so (RFC 6152: no line over
    998 bytes, no bare CR, no NUL); else None."""
    data = text.replace("\r\n", "\n").encode("utf-8")
    if b"\r" in data or b"\0" in data or max(map(len, data.split(b"\n"))) > 998:
        return None
    return data.replace(b"\n", b"\r\n")


def _part(subtype: str, text: str, eight_bit: bool = False) -> bytes:
    body = eight_bit_body(text) if eight_bit else None
    encoding = "8bit" if body is not None else "quoted-printable"
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
        f"Content-Transfer-Encoding: {encoding}{CRLF}{CRLF}"
    )
    if body is None:
        body = qp_body(text)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return head.encode("ascii") + body


def message_id(message_db_id: int, sender: str) -> str:
    """A Message-ID carrying the database id, on the sender's domain."""
    return make_msgid(idstring=str(message_db_id), domain=sender.split("@")[-1])


def email_bytes(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str | None,
    language: str,
    msgid: str,
    headers: dict | None = None,
    eight_bit: bool = False,
    attachments=(),
) -> bytes:
    """The whole message, ready for SMTP DATA. `sender` is already formatted (formataddr).

    With `eight_bit` (the server takes 8BITMIME) the parts are UTF-8 as they are (8bit), which
    costs no encoding; a part that SMTP could not carry so is quoted-printable all the same.
    `attachments` (filename, mimetype, data) follow the text in a multipart/mixed message.
    """
    lines = [
        header("Subject", subject),
        header("From", sender),
        header("To", recipient),
        header("Date", formatdate(usegmt=True)),
        header("Message-ID", msgid),
    ]
    lines += [header(name, str(value)) for name, value in (headers or {}).items()]
    lines.append(f"MIME-Version: 1.0{CRLF}")
    lines.append(header("Content-Language", language))
    head = "".join(lines).encode("ascii")
    body = _text_entity(text, html, eight_bit)
    if not attachments:
        return head + body
    boundary = f"=_amiable_{secrets.token_hex(8)}"
    parts = [
        f'Content-Type: multipart/mixed; boundary="{boundary}"{CRLF}{CRLF}'.encode("ascii"),
        f"--{boundary}{CRLF}".encode("ascii"),
        body,
    ]
    for attached in attachments:
        parts += [f"{CRLF}--{boundary}{CRLF}".encode("ascii"), _attachment(*attached)]
    parts.append(f"{CRLF}--{boundary}--{CRLF}".encode("ascii"))
    return head + b"".join(parts)


def _text_entity(text: str, html: str | None, eight_bit: bool) -> bytes:
    """The text part, or the text and HTML parts as multipart/alternative, with their headers."""
    if not html:
        return _part("plain", text, eight_bit)
    boundary = f"=_amiable_{secrets.token_hex(8)}"
    # The CRLF before a delimiter belongs to it (RFC 2046): each part keeps its own last one.
    return b"".join(
        [
            f'Content-Type: multipart/alternative; boundary="{boundary}"{CRLF}{CRLF}'.encode(
                "ascii"
            ),
            f"--{boundary}{CRLF}".encode("ascii"),
            _part("plain", text, eight_bit),
            f"{CRLF}--{boundary}{CRLF}".encode("ascii"),
            _part("html", html, eight_bit),
            f"{CRLF}--{boundary}--{CRLF}".encode("ascii"),
        ]
    )


def _attachment(filename: str, mimetype: str, data: bytes) -> bytes:
    """A file as a base64 part (lines of 76 characters) named for download."""
    if not filename.isascii() or '"' in filename or "\\" in filename:
        raise ValueError(f"attachment file name {filename!r} is not plain ASCII")
    head = (
        f'Content-Type: {mimetype}; name="{filename}"{CRLF}'
        f'Content-Disposition: attachment; filename="{filename}"{CRLF}'
        f"Content-Transfer-Encoding: base64{CRLF}{CRLF}"
    )
    return head.encode("ascii") + base64.encodebytes(data).replace(b"\n", b"\r\n")
