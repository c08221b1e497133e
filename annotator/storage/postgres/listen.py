"""Other people's changes to a project on a server, as they happen: PostgreSQL's
LISTEN/NOTIFY, turned into the same ``Change`` notices a window gets from its own actions.

A ``ServerListener`` holds a connection of its own that only listens. ``fileno()`` is what
a window watches (a socket notifier, no polling loop); when it is readable, ``poll()``
returns the changes that arrived, each (kind, document, coder) once, without the window's
own (they come from its own connection's process id).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from annotator.domain.model import Change
from annotator.storage.postgres.schema import CHANNEL

_KINDS = {"spans": "span_changed", "variable_values": "variable_set",
          "document_status": "status_set", "document_memos": "memo_set",
          "assignments": "study_changed", "study_settings": "study_changed",
          "documents": "documents_imported", "coding_schemes": "scheme_applied"}


def _notice(payload: str) -> dict[str, Any] | None:
    """A notice as the project's triggers write it, or None: any role may NOTIFY on the
    channel, so a payload that is not their JSON (or names a table they do not) is not
    news, and never stops the real notices that came with it."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("what") not in _KINDS:
        return None
    document, coder = data.get("document"), data.get("coder")
    if not all(v is None or (isinstance(v, int) and not isinstance(v, bool))
               for v in (document, coder)):
        return None
    return {"what": data["what"], "document": document, "coder": coder}


class ServerListener:
    def __init__(self, url: str, own_pid: Callable[[], int]) -> None:
        self.url = url
        self._own_pid = own_pid
        self._own = 0  # the last one known: a lost connection says 0
        self._names: dict[int, str] = {}
        self.conn: Any = None
        self.connect()

    def connect(self) -> bool:
        """(Again) open the listening connection; ``False`` while the server is away."""
        import psycopg

        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            return False
        self.close()
        self.conn = conn
        return True

    @property
    def lost(self) -> bool:
        return self.conn is None or bool(self.conn.broken or self.conn.closed)

    def fileno(self) -> int:
        return int(self.conn.fileno())

    def poll(self) -> list[Change]:
        """The changes that have arrived (none if the connection is gone)."""
        import psycopg

        if self.lost:
            return []
        try:
            arrived = list(self.conn.notifies(timeout=0))
        except psycopg.Error:
            return []
        own = self._own = self._own_pid() or self._own
        changes: dict[tuple[str, int | None, str | None], Change] = {}
        for notice in arrived:
            if notice.pid == own:
                continue
            data = _notice(notice.payload)
            if data is None:  # anyone may NOTIFY on the channel: a forged notice is dropped
                continue
            kind = _KINDS.get(data["what"], "documents_imported")
            try:
                coder = self._name(data["coder"]) if data["coder"] is not None else None
            except psycopg.Error:  # gone while reading the name: what came is still news
                coder = None
            change = Change(kind, data["document"], coder, remote=True)
            changes.setdefault((kind, change.document_id, coder), change)
        return list(changes.values())

    def _name(self, coder_id: int) -> str | None:
        if coder_id not in self._names:
            row = self.conn.execute("SELECT name FROM coders WHERE id = %s",
                                    [coder_id]).fetchone()
            if row is None:
                return None
            self._names[coder_id] = row[0]
        return self._names[coder_id]

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - a connection already gone
                pass
            self.conn = None
