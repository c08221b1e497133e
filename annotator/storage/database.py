"""Opening a project file: pragmas, recognising our files, and numbered schema migrations.

``MIGRATIONS[n]`` takes a file from version ``n`` to ``n + 1``; ``PRAGMA user_version`` holds
the version and ``PRAGMA application_id`` marks the file as an annotator project.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from annotator.domain.errors import ProjectError

APPLICATION_ID = 0x414E4E54  # "ANNT"

_V1 = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    date TEXT,
    outlet TEXT,
    url TEXT,
    source_path TEXT,
    text TEXT NOT NULL,
    length INTEGER NOT NULL CHECK (length = length(text)),
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    imported_at TEXT NOT NULL
);
CREATE TABLE coders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    created_at TEXT NOT NULL
);
CREATE TABLE coding_schemes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL CHECK (json_valid(definition)),
    applied_at TEXT NOT NULL
);
CREATE TABLE spans (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    category TEXT NOT NULL,
    label TEXT,
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    end_offset INTEGER NOT NULL CHECK (end_offset > start_offset),
    text TEXT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX spans_by_document_coder ON spans(document_id, coder_id, start_offset);
CREATE TABLE span_links (
    span_id TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    attribute TEXT NOT NULL,
    target_id TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    PRIMARY KEY (span_id, attribute)
);
CREATE INDEX span_links_by_target ON span_links(target_id);
CREATE TABLE variable_values (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    variable TEXT NOT NULL,
    value TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (document_id, coder_id, variable)
);
CREATE TABLE document_status (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'done')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (document_id, coder_id)
);
CREATE INDEX document_status_by_coder ON document_status(coder_id, status);
"""

# Version 2: a span must lie inside its document and carry exactly the text it covers.
# (SQLite's substr() and length() count code points, as Python does.)
_V2 = """
CREATE TRIGGER spans_inside_document_insert BEFORE INSERT ON spans
BEGIN
    SELECT RAISE(ABORT, 'span lies outside its document or its text does not match')
    WHERE NOT EXISTS (
        SELECT 1 FROM documents d WHERE d.id = NEW.document_id
        AND NEW.end_offset <= d.length
        AND substr(d.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.text);
END;
CREATE TRIGGER spans_inside_document_update
BEFORE UPDATE OF start_offset, end_offset, text, document_id ON spans
BEGIN
    SELECT RAISE(ABORT, 'span lies outside its document or its text does not match')
    WHERE NOT EXISTS (
        SELECT 1 FROM documents d WHERE d.id = NEW.document_id
        AND NEW.end_offset <= d.length
        AND substr(d.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.text);
END;
"""

# Version 3: the document list sorts 100,000 documents by title, date or outlet from an index.
_V3 = """
CREATE INDEX documents_by_title ON documents(title COLLATE NOCASE, id);
CREATE INDEX documents_by_date ON documents(date, id);
CREATE INDEX documents_by_outlet ON documents(outlet COLLATE NOCASE, id);
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3]
LATEST_VERSION = len(MIGRATIONS)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def connect(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10.0)
    db = sqlite_utils.Database(conn)
    try:
        db.execute("PRAGMA busy_timeout = 10000")
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectError(f"{path}: not a project file ({exc})") from None
    return db


def version_of(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, path: Path, *, target: int = LATEST_VERSION) -> None:
    """Bring the file to ``target``, each step in its own transaction."""
    version = version_of(db)
    if version > LATEST_VERSION:
        raise ProjectError(f"{path}: made by a newer annotator (file version {version}, this "
                           f"one reads up to {LATEST_VERSION}); update annotator to open it")
    for step in range(version, target):
        with db.atomic():
            for statement in _statements(MIGRATIONS[step]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {step + 1}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _statements(script: str) -> list[str]:
    """Split a migration into statements; triggers hold ';' inside BEGIN ... END."""
    result, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            result.append(current.strip())
            current = ""
    return result


def check_is_project(db: sqlite_utils.Database, path: Path) -> None:
    app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    if app_id != APPLICATION_ID:
        raise ProjectError(f"{path}: not an annotator project (a SQLite file of another kind)")
