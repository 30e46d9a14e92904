"""Where proof files' bytes live: a small store interface, a folder by default.

The folder is outside static/ (never served as is), under the instance folder or
DISPUTE_FILES_DIR; keys are random hex names chosen here, never a name a user typed. An object
store (S3-compatible) for several machines implements the same three methods.
"""

import contextlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

_KEY = re.compile(r"[0-9a-f]{32}")


class FileStore(Protocol):
    """What disputes need of a store of files."""

    def put(self, data: bytes) -> str:
        """Keep the bytes under a new key; return the key."""

    def get(self, key: str) -> bytes:
        """The bytes kept under `key` (FileNotFoundError if none)."""

    def delete(self, key: str) -> None:
        """Forget the bytes under `key` (nothing if none)."""


class FolderStore:
    """Files in one folder, named by their random key, written whole or not at all."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise FileNotFoundError(key)
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        """Keep the bytes under a new key; return the key."""
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        """The bytes kept under `key` (FileNotFoundError if none)."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Forget the bytes under `key` (nothing if none)."""
        with contextlib.suppress(FileNotFoundError):  # a key this store never gives
            self._path(key).unlink(missing_ok=True)


def store() -> FileStore:
    """The configured store of proof files."""
    configured = current_app.config.get("DISPUTE_FILES_DIR")
    root = Path(configured) if configured else Path(current_app.instance_path) / "dispute_files"
    return FolderStore(root)
