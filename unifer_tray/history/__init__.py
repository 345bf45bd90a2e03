"""Opt-in history: results encrypted at rest, deletable, expiring.

Off by default. Enabling records the user's consent and creates a random 256-bit key in the
OS keyring; every record's payload (the analysis, its source type, optional face thumbnails)
is sealed with AES-GCM. Only the record id and its time are stored in clear, so expired records
can be purged without the key. SQLite in WAL mode with one transaction per record: a record is
either fully written or absent, whatever happens to the process.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from ..result import Analysis
from . import keys
from .keys import KeyringUnavailable

CONSENT_VERSION = 1
CONSENT_TEXT = """\
UniFER will keep a history of your analyses on this computer:
- what is stored: the time, the kind of source (screen, webcam or file), the expressions found
  with their probabilities, and the description; never images, unless you separately allow
  face thumbnails;
- where: {path}, encrypted with a key kept in your system keyring; nothing is sent anywhere;
- for how long: {days} days, after which records are deleted automatically;
- how to delete: `unifer history purge --all`, or turn history off and choose to delete
  everything (the key is destroyed first, which makes the data unreadable at once).
"""
AAD = b"unifer-history-v1"


class HistoryError(RuntimeError):
    """A history operation that cannot be done; the message says why and what to do."""


@dataclass
class Record:
    id: int
    created: float
    source_type: str
    analysis: Analysis  # its `source` is the source type: a path can itself be personal
    thumbnails: list[str]  # base64 JPEG face crops, only with the separate opt-in

    def to_dict(self) -> dict[str, Any]:
        """The shape `history list/show/export --format json(l)` print: the record's fields,
        then the analysis's."""
        return {"id": self.id, "created": self.created, "source_type": self.source_type, **self.analysis.to_dict()}


def default_folder() -> Path:
    return platformdirs.user_data_path("unifer-tray") / "history"


class History:
    def __init__(self, folder: Path | None = None, retention_days: int = 30, clock: Callable[[], float] = time.time):
        self.folder = folder or default_folder()
        self.path = self.folder / "history.db"
        self.retention_days = retention_days
        self.clock = clock

    # -- storage ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, created REAL NOT NULL, "
                "nonce BLOB NOT NULL, payload BLOB NOT NULL)"
            )
            yield connection
        finally:
            connection.close()
            for name in ("history.db", "history.db-wal", "history.db-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.chmod(self.folder / name, 0o600)

    def _meta(self) -> dict[str, str]:
        """Consent state; a plain read, since the tray asks on every capture and menu redraw."""
        if not self.path.exists():
            return {}
        connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            return dict(connection.execute("SELECT key, value FROM meta"))
        except sqlite3.OperationalError:  # created but no table yet
            return {}
        finally:
            connection.close()

    @property
    def enabled(self) -> bool:
        return "consent_time" in self._meta()

    @property
    def thumbnails_allowed(self) -> bool:
        return self._meta().get("thumbnails") == "yes"

    def consent_text(self) -> str:
        return CONSENT_TEXT.format(path=self.folder, days=self.retention_days)

    # -- turning it on and off ------------------------------------------------------------------
    def enable(self, allow_thumbnails: bool = False) -> None:
        """Record consent and create the key; raises HistoryError if no secure keyring exists."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            keys.secure_backend()
            if not self.enabled or keys.load_key() is None:
                keys.store_key(AESGCM.generate_key(bit_length=256))
        except KeyringUnavailable as exc:
            raise HistoryError(str(exc)) from None
        with self._db() as db, db:
            values = {
                "consent_time": str(self.clock()),
                "consent_version": str(CONSENT_VERSION),
                "thumbnails": "yes" if allow_thumbnails else "no",
            }
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def disable(self, delete: bool) -> None:
        """Stop recording. With delete: destroy the key first (crypto-shredding), then the files."""
        if delete:
            try:
                keys.delete_key()
            except KeyringUnavailable as exc:
                raise HistoryError(f"{exc}; nothing was deleted") from None
            for name in ("history.db", "history.db-wal", "history.db-shm"):
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / name).unlink()
            with contextlib.suppress(OSError):
                self.folder.rmdir()
        elif self.path.exists():
            with self._db() as db, db:
                db.execute("DELETE FROM meta WHERE key = 'consent_time'")

    # -- records ----------------------------------------------------------------------------------
    def _cipher(self):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            key = keys.load_key()
        except KeyringUnavailable as exc:
            raise HistoryError(str(exc)) from None
        if key is None:
            raise HistoryError(
                "the history key is missing from the keyring, so the stored history cannot be read. "
                "Delete it with `unifer history disable --delete` and enable history again"
            )
        return AESGCM(key)

    def add(self, analysis: Analysis, source_type: str, thumbnails: list[str] | None = None) -> int:
        if not self.enabled:
            raise HistoryError("history is off; turn it on with `unifer history enable`")
        document = analysis.to_dict()
        document["source"] = source_type  # a file path can itself be personal; the source type is enough
        payload = {
            "source_type": source_type,
            "analysis": document,
            "thumbnails": thumbnails if (thumbnails and self.thumbnails_allowed) else [],
        }
        nonce = os.urandom(12)
        sealed = self._cipher().encrypt(nonce, json.dumps(payload).encode(), AAD)
        with self._db() as db, db:
            cursor = db.execute(
                "INSERT INTO records (created, nonce, payload) VALUES (?, ?, ?)", (self.clock(), nonce, sealed)
            )
            assert cursor.lastrowid is not None  # set by every INSERT
            return cursor.lastrowid

    def records(self, since: float | None = None) -> list[Record]:
        from cryptography.exceptions import InvalidTag

        if not self.path.exists():
            return []
        cipher = self._cipher()
        with self._db() as db:
            rows = db.execute(
                "SELECT id, created, nonce, payload FROM records WHERE created >= ? ORDER BY created", (since or 0.0,)
            ).fetchall()
        result = []
        for record_id, created, nonce, sealed in rows:
            try:
                payload = json.loads(cipher.decrypt(nonce, sealed, AAD))
            except InvalidTag:
                raise HistoryError(
                    "the history cannot be decrypted with the key in the keyring (a different or replaced key). "
                    "Delete it with `unifer history disable --delete`"
                ) from None
            analysis = Analysis.from_dict({"source": payload["source_type"], **payload["analysis"]})
            result.append(Record(record_id, created, payload["source_type"], analysis, payload["thumbnails"]))
        return result

    def get(self, record_id: int) -> Record:
        for record in self.records():
            if record.id == record_id:
                return record
        raise HistoryError(f"no history record with id {record_id}")

    def purge(self, before: float | None = None) -> int:
        """Delete records older than `before` (all if None); works without the key."""
        if not self.path.exists():
            return 0
        with self._db() as db, db:
            cursor = db.execute(
                "DELETE FROM records WHERE created < ?", (before if before is not None else float("inf"),)
            )
            count = cursor.rowcount
        with self._db() as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")  # deleted ciphertext does not linger in free pages
        return count

    def purge_expired(self) -> int:
        return self.purge(self.clock() - self.retention_days * 86400)

    def status(self) -> dict:
        meta = self._meta()
        info = {
            "enabled": "consent_time" in meta,
            "path": str(self.path),
            "keyring": keys.backend_name(),
            "retention_days": self.retention_days,
            "thumbnails": meta.get("thumbnails") == "yes",
        }
        if self.path.exists():
            with self._db() as db:
                count, oldest = db.execute("SELECT COUNT(*), MIN(created) FROM records").fetchone()
            size = sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())
            info |= {"records": count, "oldest": oldest, "size_bytes": size}
        else:
            info |= {"records": 0, "oldest": None, "size_bytes": 0}
        return info
