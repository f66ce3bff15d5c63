"""API keys scoped to collections (docs/collections.md), for rag.serve and the web UI: `python -m rag.serve keys
add|list|revoke`.

Keys live in a JSON file (default `vectorstore/keys.json`), stored only as the SHA-256 of a random 256-bit
secret (a high-entropy token needs no slow hash), with their name and the collections they open ("*": all).
The file is written atomically (temporary file, then rename) and never holds a secret; the server re-reads it
whenever it changed, at each request, so a revoked key stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rag.errors import UserError

ALL = "*"
PREFIX = "dq-"
KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


@dataclass(frozen=True)
class Grant:
    """What a request may see: every collection (`everything`), or the named ones."""

    collections: frozenset[str] = frozenset()
    everything: bool = False
    key: str | None = None  # the key's name, for logs

    def allows(self, collection: str) -> bool:
        return self.everything or collection in self.collections


EVERYTHING = Grant(everything=True)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeyFile:
    """The keys file: read (and re-read when it changes), looked up by secret, and edited atomically."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._seen: tuple | None = None
        self._keys: list[dict] = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------ reading

    def _stamp(self) -> tuple | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def keys(self) -> list[dict]:
        """The keys as stored (name, sha256, collections, created), re-read when the file changed."""
        stamp = self._stamp()
        if stamp != self._seen:
            with self._lock:
                self._keys = self._read() if stamp is not None else []
                self._seen = stamp
        return self._keys

    def _read(self) -> list[dict]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            keys = [dict(k) for k in raw["keys"]]
            for key in keys:
                if not isinstance(key["sha256"], str) or not isinstance(key["collections"], list):
                    raise ValueError("a key without sha256 or collections")
            return keys
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{self.path}: not a docqa keys file ({exc}); fix it or remove it") from None

    def exists(self) -> bool:
        return self._stamp() is not None

    def grant(self, secret: str) -> Grant | None:
        """The grant of the key whose secret this is, or None (every stored hash compared in constant time)."""
        given = digest(secret)
        found = None
        for key in self.keys():
            if hmac.compare_digest(given, key["sha256"]):
                found = key
        if found is None:
            return None
        names = frozenset(found["collections"])
        return Grant(collections=names, everything=ALL in names, key=found["name"])

    # ------------------------------------------------------------ editing

    def add(self, name: str, collections: list[str]) -> str:
        """Add a key; returns its secret (shown once, never stored)."""
        if not KEY_NAME.match(name):
            raise UserError(f"key name {name!r}: use letters, digits, '.', '_', '-' or '@' (at most 64)", exit_code=2)
        keys = self._read()
        if any(key["name"] == name for key in keys):
            raise UserError(f"a key named {name!r} exists; revoke it first or choose another name", exit_code=2)
        secret = PREFIX + secrets.token_urlsafe(32)
        keys.append({"name": name, "sha256": digest(secret), "collections": sorted(set(collections)),
                     "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
        self._write(keys)
        return secret

    def revoke(self, name: str) -> None:
        keys = self._read()
        kept = [key for key in keys if key["name"] != name]
        if len(kept) == len(keys):
            raise UserError(f"no key named {name!r} in {self.path} (see `python -m rag.serve keys list`)")
        self._write(kept)

    def _write(self, keys: list[dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"docs": "docs/collections.md", "keys": keys}, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
