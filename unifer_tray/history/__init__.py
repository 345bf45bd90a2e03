"""Opt-in history: results encrypted at rest, deletable, expiring.

Off by default. Enabling records the user's consent and creates a random 256-bit key in the
OS keyring; every record's payload (the analysis, its source type, optional face thumbnails)
is sealed with AES-GCM. Only the record id and its time are stored in clear, so expired records
can be purged without the key; both are in each record's associated data, so a row moved or
re-dated is detected, not trusted. The consent values (on, version, thumbnails) carry a seal
made with the same key, so a flag flipped in the file stops recording instead of widening it.
SQLite in WAL mode with one transaction per record: a record is either fully written or absent,
whatever happens to the process.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from .. import keys
from ..keys import HISTORY, KeyringUnavailable
from ..result import Analysis, CaptureKind

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CONSENT_VERSION = 1
# One line per point, no hard wraps: a dialog and a terminal each wrap it to their own width.
CONSENT_TEXT = """\
UniFER will keep a history of your analyses on this computer.
- What is stored: the time, the kind of source (screen, webcam or file), the expressions found with their probabilities, and the description. Never images, unless you separately allow face thumbnails.
- Where: {path}, encrypted with a key kept in your system keyring. Nothing is sent anywhere.
- For how long: {days} days, after which records are deleted automatically.
- How to delete: `unifer history purge --all`, or turn history off and choose to delete everything (the key is destroyed first, which makes the data unreadable at once).
"""  # noqa: E501
LEGACY_AAD = b"unifer-history-v1"  # records before 2026-12 bound neither id nor time
RECORDS_FORMAT = "2"  # records sealed with `_record_aad`; part of the sealed consent
SEALED_CONSENT = ("consent_time", "consent_version", "thumbnails", "records_format")
TAMPERED = (
    "the history was changed outside UniFER (or the key in the keyring was replaced), so it is not "
    "trusted. Delete it with `unifer history disable --delete` and enable history again"
)


def _record_aad(record_id: int, created: float) -> bytes:
    return f"unifer-history-v2|{record_id}|{created!r}".encode()


def _consent_aad(meta: dict[str, str]) -> bytes:
    return ("unifer-consent-v1|" + "|".join(f"{name}={meta.get(name, '')}" for name in SEALED_CONSENT)).encode()


class HistoryError(RuntimeError):
    """A history operation that cannot be done; the message says why and what to do."""


@dataclass
class Record:
    id: int
    created: float
    source_type: CaptureKind
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
    def consent_stamp(self) -> str | None:
        """When the history in force was turned on (None: off): a page decrypted from one
        history must not outlive it, not even into a new one turned on after a delete."""
        return self._meta().get("consent_time")

    @property
    def thumbnails_allowed(self) -> bool:
        return self._meta().get("thumbnails") == "yes"

    def consent_text(self) -> str:
        return CONSENT_TEXT.format(path=self.folder, days=self.retention_days)

    # -- turning it on and off ------------------------------------------------------------------
    def enable(self, allow_thumbnails: bool = False) -> None:
        """Record consent and create the key; raises HistoryError if no secure keyring exists.

        Records of an older version are sealed again with their id and time on the way."""
        try:
            keys.secure_backend()
            if keys.load_key(HISTORY) is None:  # turned off earlier but kept: the same key reads those records
                keys.new_key(HISTORY)
        except KeyringUnavailable as exc:
            raise HistoryError(str(exc)) from None
        cipher = self._cipher()
        values = {
            "consent_time": str(self.clock()),
            "consent_version": str(CONSENT_VERSION),
            "thumbnails": "yes" if allow_thumbnails else "no",
            "records_format": RECORDS_FORMAT,
        }
        with self._db() as db, db:
            self._upgrade_records(db, cipher)
            self._write_consent(db, cipher, values)

    @staticmethod
    def _write_consent(db: sqlite3.Connection, cipher: AESGCM, values: dict[str, str]) -> None:
        """Replace the consent values with `values` and their seal."""
        nonce = os.urandom(12)
        seal = base64.b64encode(nonce + cipher.encrypt(nonce, b"", _consent_aad(values))).decode()
        db.execute("DELETE FROM meta")  # the table holds nothing but consent
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [*values.items(), ("consent_seal", seal)])

    def _upgrade_records(self, db: sqlite3.Connection, cipher: AESGCM) -> None:
        """Seal records of the first format again, binding their id and time."""
        from cryptography.exceptions import InvalidTag

        if self._meta().get("records_format") == RECORDS_FORMAT:
            return
        for record_id, created, nonce, sealed in db.execute("SELECT id, created, nonce, payload FROM records"):
            try:
                plain = cipher.decrypt(nonce, sealed, LEGACY_AAD)
            except InvalidTag:
                continue  # already in the new format, or from a key that is gone: left as it is
            fresh = os.urandom(12)
            db.execute(
                "UPDATE records SET nonce = ?, payload = ? WHERE id = ?",
                (fresh, cipher.encrypt(fresh, plain, _record_aad(record_id, created)), record_id),
            )

    def _sealed_consent(self, cipher: AESGCM) -> dict[str, str] | None:
        """The consent values if their seal holds; None for a history consented to before seals
        existed; raises HistoryError if the values or the seal were changed."""
        from cryptography.exceptions import InvalidTag

        meta = self._meta()
        if "consent_seal" not in meta:
            return None
        try:
            sealed = base64.b64decode(meta["consent_seal"], validate=True)
            cipher.decrypt(sealed[:12], sealed[12:], _consent_aad(meta))
        except (InvalidTag, ValueError):
            raise HistoryError(TAMPERED) from None
        return meta

    def disable(self, delete: bool) -> None:
        """Stop recording. With delete: destroy the key first (crypto-shredding), then the files."""
        if delete:
            try:
                keys.delete_key(HISTORY)
            except KeyringUnavailable as exc:
                raise HistoryError(f"{exc}; nothing was deleted") from None
            for name in ("history.db", "history.db-wal", "history.db-shm"):
                with contextlib.suppress(FileNotFoundError):
                    (self.folder / name).unlink()
            with contextlib.suppress(OSError):
                self.folder.rmdir()
        elif self.path.exists():
            kept = {name: value for name, value in self._meta().items() if name in SEALED_CONSENT}
            kept.pop("consent_time", None)
            try:
                cipher = self._cipher()
            except HistoryError:  # no key to seal with: off either way, and enabling seals anew
                cipher = None
            with self._db() as db, db:
                if cipher is None:
                    db.execute("DELETE FROM meta WHERE key IN ('consent_time', 'consent_seal')")
                else:
                    self._write_consent(db, cipher, kept)

    # -- records ----------------------------------------------------------------------------------
    def _cipher(self) -> AESGCM:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            key = keys.load_key(HISTORY)
        except KeyringUnavailable as exc:
            raise HistoryError(str(exc)) from None
        if key is None:
            raise HistoryError(
                "the history key is missing from the keyring, so the stored history cannot be read. "
                "Delete it with `unifer history disable --delete` and enable history again"
            )
        return AESGCM(key)

    def add(self, analysis: Analysis, source_type: CaptureKind, thumbnails: list[str] | None = None) -> int:
        if not self.enabled:
            raise HistoryError("history is off; turn it on with `unifer history enable`")
        cipher = self._cipher()
        consent = self._sealed_consent(cipher)
        if consent is None or "consent_time" not in consent:
            raise HistoryError(
                "history was turned on by an earlier version of UniFER: confirm it once more "
                "(`unifer history enable`, or the tray's History > Keep history…) to go on recording"
            )
        document = analysis.to_dict()
        document["source"] = source_type  # a file path can itself be personal; the source type is enough
        payload = {
            "source_type": source_type,
            "analysis": document,
            "thumbnails": thumbnails if (thumbnails and consent.get("thumbnails") == "yes") else [],
        }
        plain = json.dumps(payload).encode()
        created = self.clock()
        with self._db() as db, db:  # one transaction: the row exists sealed, or not at all
            cursor = db.execute("INSERT INTO records (created, nonce, payload) VALUES (?, x'', x'')", (created,))
            record_id = cursor.lastrowid
            assert record_id is not None  # set by every INSERT
            nonce = os.urandom(12)
            sealed = cipher.encrypt(nonce, plain, _record_aad(record_id, created))
            db.execute("UPDATE records SET nonce = ?, payload = ? WHERE id = ?", (nonce, sealed, record_id))
            return record_id

    def records(self, since: float | None = None) -> list[Record]:
        from cryptography.exceptions import InvalidTag

        if not self.path.exists():
            return []
        cipher = self._cipher()
        consent = self._sealed_consent(cipher)
        legacy_allowed = consent is None or consent.get("records_format") != RECORDS_FORMAT
        with self._db() as db:
            rows = db.execute(
                "SELECT id, created, nonce, payload FROM records WHERE created >= ? ORDER BY created", (since or 0.0,)
            ).fetchall()
        result = []
        for record_id, created, nonce, sealed in rows:
            try:
                plain = cipher.decrypt(nonce, sealed, _record_aad(record_id, created))
            except InvalidTag:
                if not legacy_allowed:
                    raise HistoryError(TAMPERED) from None
                try:
                    plain = cipher.decrypt(nonce, sealed, LEGACY_AAD)
                except InvalidTag:
                    raise HistoryError(TAMPERED) from None
            payload = json.loads(plain)
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
