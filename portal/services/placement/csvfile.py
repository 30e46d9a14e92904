"""Read a placement CSV as a stream: encoding, delimiter, header, then one row at a time.

Nothing here holds the whole file: `scan` reads it once in chunks (digest, size, encoding, binary
content), `records` yields its rows one by one. A problem with the file as a whole raises
FileProblem with a code the caller translates.
"""

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from portal.services.placement.columns import BY_NAME, REQUIRED, normalize_header

CHUNK = 1 << 20
MAX_CELL = 10_000  # characters: larger is not a cell of this file
csv.field_size_limit(MAX_CELL)


class FileProblem(Exception):
    """The file cannot be read as a placement file (nothing is loaded)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class Scan:
    """What one pass over the bytes found."""

    digest: str
    size: int
    encoding: str


def scan(raw: BinaryIO, on_bytes: Callable[[int], None] | None = None) -> Scan:
    """Read the file once: SHA-256, size, UTF-8 (with or without BOM) or Windows-1252."""
    digest, size = hashlib.sha256(), 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    first = True
    while chunk := raw.read(CHUNK):
        if first and chunk.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
            raise FileProblem("binary")
        if b"\x00" in chunk:
            raise FileProblem("binary")
        first = False
        digest.update(chunk)
        size += len(chunk)
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if on_bytes:
            on_bytes(len(chunk))
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return Scan(digest.hexdigest(), size, "utf-8-sig" if utf8 else "cp1252")


class _Counting(io.RawIOBase):
    """A binary stream that reports how many bytes were read through it."""

    def __init__(self, raw: BinaryIO, on_bytes: Callable[[int], None] | None):
        self.raw, self.on_bytes = raw, on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        if self.on_bytes and data:
            self.on_bytes(len(data))
        return len(data)


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def records(
    raw: BinaryIO, encoding: str, on_bytes: Callable[[int], None] | None = None
) -> Iterator[tuple[int, dict[str, str], int]]:
    """Yield (line number, {column: cell}, cells beyond the header) for every non-blank row.

    Raises FileProblem for an empty file, a missing, unknown or repeated column, broken quoting
    or a cell too large.
    """
    text = io.TextIOWrapper(
        io.BufferedReader(_Counting(raw, on_bytes), CHUNK), encoding=encoding, newline=""
    )
    try:
        header_line = text.readline(MAX_CELL)
    except UnicodeDecodeError as exc:
        raise FileProblem("encoding") from exc
    if not header_line.strip():
        raise FileProblem("empty")
    if len(header_line) >= MAX_CELL and not header_line.endswith("\n"):
        raise FileProblem("bad_csv", line=1)
    delimiter = _delimiter(header_line)
    try:
        names = next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as exc:
        raise FileProblem("bad_csv", line=1) from exc
    header = [normalize_header(name) for name in names]
    unknown = [name for name in header if name and name not in BY_NAME]
    missing = sorted(REQUIRED - set(header))
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if unknown:
        raise FileProblem("unknown_columns", columns=", ".join(unknown))
    if missing:
        raise FileProblem("missing_columns", columns=", ".join(missing))
    if repeated:
        raise FileProblem("repeated_columns", columns=", ".join(repeated))
    reader = csv.reader(text, delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            extra = sum(1 for cell in cells[len(header) :] if cell.strip())
            yield start, {n: c for n, c in zip(header, cells, strict=False) if n}, extra
    except csv.Error as exc:
        raise FileProblem("bad_csv", line=line + 1) from exc
    except UnicodeDecodeError as exc:
        raise FileProblem("encoding") from exc
    finally:
        text.detach()
