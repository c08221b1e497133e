"""A glance at a project file for the window's first frame (``ui/window/first_frame.py``):
the article the window will open on and the first screenful of the coder's list, read in one
short read-only transaction before the rest of annotator has loaded.

It answers only for a file the window will open without a question: an annotator project at
the current schema version (an older one is migrated first), writable, holding documents.
Anything else, or any error, is ``None``: the window then opens without a first frame, and
the normal open reports what is wrong. Its choices are the window's (the list in import
order, or in assignment order for an assigned coder; the last document shown if it is still
listed, else the first): ``tests/ui/test_first_frame.py`` checks them against the store's.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import NamedTuple

from annotator.storage.sqlite.schema import APPLICATION_ID, LATEST_VERSION

# (id, title, date, outlet, status) of a list row; status is a Status value
Row = tuple[int, str, str | None, str | None, str]


class Glance(NamedTuple):
    coder: str  # whose list: the package's coder, if the project is a package
    document_id: int
    title: str
    date: str | None
    outlet: str | None
    text: str
    rows: list[Row]  # the list's first rows, in its order


def glance(path: Path, coder: str | None, last: int | None, rows: int) -> Glance | None:
    """What the window will first show of ``path`` for ``coder`` (a package's own coder
    instead, if it is one), with ``last`` the document shown last; None if not sure."""
    if not path.is_file() or not os.access(path, os.R_OK | os.W_OK):
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True,
                               isolation_level=None, timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")  # one snapshot for every read below
        return _read(conn, coder, last, rows)
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, coder: str | None, last: int | None,
          count: int) -> Glance | None:
    if (conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID
            or conn.execute("PRAGMA user_version").fetchone()[0] != LATEST_VERSION):
        return None
    package = conn.execute("SELECT value FROM study_settings WHERE key = 'package_of'").fetchone()
    coder = json.loads(package[0]) if package else coder
    if not coder:
        return None
    found = conn.execute("SELECT id FROM coders WHERE name = ?", [coder]).fetchone()
    coder_id = found[0] if found else None
    assigned = coder_id is not None and conn.execute(
        "SELECT 1 FROM assignments WHERE coder_id = ? LIMIT 1", [coder_id]).fetchone()
    status = ("LEFT JOIN document_status st ON st.document_id = d.id AND st.coder_id = ? ")
    if assigned:
        rows = conn.execute(
            f"SELECT d.id, d.title, d.date, d.outlet, coalesce(st.status, 'not_started') "
            f"FROM assignments a JOIN documents d ON d.id = a.document_id {status}"
            f"WHERE a.coder_id = ? ORDER BY a.position LIMIT ?",
            [coder_id, coder_id, count]).fetchall()
    else:
        rows = conn.execute(
            f"SELECT d.id, d.title, d.date, d.outlet, coalesce(st.status, 'not_started') "
            f"FROM documents d INDEXED BY documents_list {status}ORDER BY d.id LIMIT ?",
            [coder_id, count]).fetchall()
    if not rows:
        return None
    shown = rows[0][0]
    if last is not None and last != shown and _listed(conn, last, coder_id, bool(assigned)):
        shown = last
    document = conn.execute("SELECT title, date, outlet, text FROM documents WHERE id = ?",
                            [shown]).fetchone()
    if document is None:
        return None
    title, date, outlet, text = document
    return Glance(coder, shown, title, date, outlet, text,
                  [(r[0], r[1], r[2], r[3], r[4]) for r in rows])


def _listed(conn: sqlite3.Connection, document_id: int, coder_id: int | None,
            assigned: bool) -> bool:
    """Whether the window opens on ``document_id``: it is in the coder's list."""
    if assigned:
        return conn.execute("SELECT 1 FROM assignments WHERE coder_id = ? AND document_id = ?",
                            [coder_id, document_id]).fetchone() is not None
    return conn.execute("SELECT 1 FROM documents WHERE id = ?",
                        [document_id]).fetchone() is not None
