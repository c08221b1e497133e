"""Copying a whole project from one engine to the other: a file up to a server, a server's
project down to a file (to archive it with a paper), or either to a new one of its kind.

Every table is copied with its ids, in one transaction on the target, and the target's text
index is built from the copied texts. A target that already holds a project is refused, and
a copy that fails leaves no half project behind (a file is removed, a server's transaction
rolled back).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from annotator import paths
from annotator.domain.errors import ProjectError
from annotator.storage import postgres
from annotator.storage.engine import Engine
from annotator.storage.sqlite import database

# parents before children, so every foreign key finds its row
TABLES: dict[str, tuple[str, ...]] = {
    "documents": ("id", "publication_key", "content_hash", "title", "date", "outlet", "url",
                  "source_path", "text", "length", "metadata", "imported_at"),
    "coders": ("id", "name", "created_at"),
    "coding_schemes": ("id", "name", "version", "definition", "applied_at"),
    "spans": ("id", "document_id", "coder_id", "category", "label", "start_offset",
              "end_offset", "text", "attributes", "created_at", "updated_at", "memo", "origin"),
    "span_links": ("span_id", "attribute", "target_id"),
    "variable_values": ("document_id", "coder_id", "variable", "value", "updated_at"),
    "document_status": ("document_id", "coder_id", "status", "updated_at"),
    "assignments": ("document_id", "coder_id", "reliability", "position"),
    "study_settings": ("key", "value"),
    "merge_bases": ("document_id", "coder_id", "work_hash", "source", "changed_at"),
    "document_memos": ("document_id", "coder_id", "memo", "updated_at"),
}
_IDENTITIES = ("documents", "coders", "coding_schemes")  # ids a server numbers itself
_BATCH = 1000


Progress = Callable[[int, int], None]  # rows copied, rows in all


def save_copy(db: Engine, source: Path | None, path: Path) -> None:
    """A complete, consistent copy of the project that ``db`` holds (the file at ``source``,
    or a server's when None): a file by SQLite's backup API, safe while the project is open
    (copying the file by hand can miss what is still in its -wal file); a server's project
    table by table."""
    if source is None:
        copy_rows(db, path)  # refuses an existing file as below
        return
    if path.exists():
        raise ProjectError(f"{path}: already exists; choose another name")
    if path.resolve() == source.resolve():
        raise ProjectError(f"{path}: that is this project")
    target = sqlite3.connect(path)
    try:
        cast(Any, db).conn.backup(target)  # a file: a SqliteEngine
    except sqlite3.Error as exc:
        target.close()
        path.unlink(missing_ok=True)
        raise ProjectError(f"{path}: cannot write the copy ({exc})") from None
    target.close()


def copy_rows(source: Engine, target: str | Path, progress: Progress | None = None) -> None:
    """Copy the project that ``source`` holds into a new project at ``target``."""
    engine, cleanup = _empty_target(target)
    try:
        _copy_rows(source, engine, progress)
    except BaseException:
        engine.close()
        cleanup()
        raise
    engine.close()


def _empty_target(target: str | Path) -> tuple[Engine, Callable[[], None]]:
    if paths.is_server(target):
        shown = paths.shown_location(str(target))
        engine = postgres.connect(str(target))
        if postgres.version_of(engine):
            engine.close()
            raise ProjectError(f"{shown}: already holds a project; copy to an empty database")
        postgres.migrate(engine, shown, database.LATEST_VERSION)
        return engine, lambda: None  # the copy's own transaction rolled back
    path = Path(target)
    if path.exists():
        raise ProjectError(f"{path}: already exists; choose another name")
    path.parent.mkdir(parents=True, exist_ok=True)
    file_engine = database.connect(path, new=True)
    database.migrate(file_engine, path)
    return file_engine, lambda: database.remove_files(path)


def _copy_rows(source: Engine, target: Engine, progress: Progress | None) -> None:
    own = source.sql.name == "postgresql" and not source.in_transaction
    if own:  # one snapshot of a server others write to while it is copied
        source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        _copy_tables(source, target, progress)
    finally:
        if own:
            source.execute("COMMIT")


def _copy_tables(source: Engine, target: Engine, progress: Progress | None) -> None:
    total = sum(int(source.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES)
    copied = 0
    target.begin()
    try:
        for table, columns in TABLES.items():
            names = ", ".join(columns)
            insert = (f"INSERT INTO {table} ({names}) VALUES "
                      f"({', '.join('?' * len(columns))})")
            cursor = source.execute(f"SELECT {names} FROM {table}")
            while rows := cursor.fetchmany(_BATCH):
                target.executemany(insert, rows)
                copied += len(rows)
                if progress:
                    progress(copied, total)
        if target.sql.name == "postgresql":
            for table in _IDENTITIES:  # the server numbers the next ones after the copied
                target.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"coalesce(max(id), 0) + 1, false) FROM {table}")
        target.index_documents("TRUE", [])
        target.execute("COMMIT")
    except BaseException as exc:
        if target.in_transaction:
            target.execute("ROLLBACK")
        if isinstance(exc, target.errors):
            raise ProjectError(f"the copy was not made: {target.describe(exc)}") from exc
        raise
