"""Converted pages kept between builds: each generated page's HTML, by the digest of its Markdown.

One SQLite file holds them all: a large archive has tens of thousands of pages, and one file
per page would cost a file creation each, which is slow on many file systems. Entries are read
one at a time, when a page asks for its own, so the cache is never held in memory whole; new
entries are written in batches as they come, so a cold build does not hold them all either.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
from pathlib import Path
from typing import Any

SCHEMA = "CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, value BLOB NOT NULL)"
BATCH_BYTES = 16 * 2**20
"""New entries are written once they add up to this much (a cold build of 10,000 claims makes
about 120 MiB)."""


class HtmlCache:
    """Converted pages by key; a cache that cannot be read or written only costs time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pending: dict[str, bytes] = {}
        self.pending_bytes = 0
        self.used: set[str] = set()
        self.connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self.connection is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, check_same_thread=False)
                connection.execute(SCHEMA)
                self.connection = connection
            except (OSError, sqlite3.Error):
                return None
        return self.connection

    def get(self, key: str) -> Any:
        """The entry stored under `key`, or None."""
        self.used.add(key)
        if key in self.pending:
            return pickle.loads(self.pending[key])
        connection = self._connect()
        if connection is None:
            return None
        try:
            row = connection.execute("SELECT value FROM pages WHERE key = ?", (key,)).fetchone()
            return None if row is None else pickle.loads(row[0])
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None

    def put(self, key: str, value: Any) -> None:
        """Store `value` under `key`; it is written with others once they are many, or by `save`."""
        self.used.add(key)
        entry = pickle.dumps(value, protocol=5)
        self.pending[key] = entry
        self.pending_bytes += len(entry)
        if self.pending_bytes >= BATCH_BYTES:
            self._write_pending(prune=False)

    def save(self, *, prune: bool) -> None:
        """Write the new entries; with `prune`, drop those no page asked for since the last save."""
        self._write_pending(prune=prune)
        self.used.clear()

    def _write_pending(self, *, prune: bool) -> None:
        connection = self._connect()
        if connection is None:
            self.pending.clear()  # there is nowhere to keep them
            self.pending_bytes = 0
            return
        with contextlib.suppress(sqlite3.Error), connection:
            connection.executemany(
                "INSERT OR REPLACE INTO pages (key, value) VALUES (?, ?)", self.pending.items()
            )
            if prune:
                connection.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                connection.execute("DELETE FROM used")
                connection.executemany("INSERT INTO used VALUES (?)", ((k,) for k in self.used))
                connection.execute("DELETE FROM pages WHERE key NOT IN (SELECT key FROM used)")
        self.pending.clear()
        self.pending_bytes = 0
