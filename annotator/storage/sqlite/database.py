"""The SQLite engine: opening a project file (pragmas, recognising our files), running the
numbered migrations of ``schema.py``, and ``SqliteEngine``, the storage contract's
connection to a file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.domain.errors import ProjectError
from annotator.domain.text import publication_key
from annotator.storage.engine import SQLITE, Dialect, Streams
from annotator.storage.sqlite.durable import OnSynced, Syncer
from annotator.storage.sqlite.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS

__all__ = ["APPLICATION_ID", "LATEST_VERSION", "MIGRATIONS", "SqliteEngine", "connect",
           "describe", "migrate", "now", "version_of"]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


BUSY_TIMEOUT_MS = 10_000


def inspect_file(path: Path) -> None:
    """Refuse what is not a project before it is opened for writing, changing nothing: an
    empty file, a text file or another program's SQLite file would otherwise be turned
    into a WAL database.

    The look goes through SQLite, read-only, never through open(): POSIX drops every lock a
    process holds on a file when any descriptor of that file is closed, so reading the
    header with open() while this process had the project open released its connection's
    locks, and another program then deleted the -wal it was still writing to. SQLite's own
    connections share their locks per file within a process.
    """
    if path.is_dir():
        raise ProjectError(f"{path}: a folder, not a project file")
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file")
    wal = Path(f"{path}-wal")
    if path.stat().st_size == 0 and not (wal.is_file() and wal.stat().st_size > 0):
        raise ProjectError(f"{path}: an empty file, not an annotator project")
    try:
        conn = sqlite3.connect(_uri(path, writable(path)), uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: cannot read the file ({exc})") from None
    try:
        conn.execute("PRAGMA query_only = ON")
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    except sqlite3.DatabaseError:
        raise ProjectError(f"{path}: not an annotator project (not an SQLite file)") from None
    finally:
        conn.close()
    if application_id != APPLICATION_ID:
        raise ProjectError(f"{path}: not an annotator project (an SQLite file of another kind)")


def _uri(path: Path, can_write: bool) -> str:
    uri = path.resolve().as_uri()
    if not can_write:
        # immutable: no one can be writing where no one may write, and it needs no -shm
        uri += "?mode=ro" if Path(f"{path}-wal").exists() else "?immutable=1"
    return uri


def writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


class SqliteEngine(Streams):
    """A project file's connection, as the storage contract asks. It speaks sqlite3
    directly: sqlite-utils, which wrapped it once, cost 55 ms of every start."""

    sql: Dialect = SQLITE
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def __init__(self, conn: sqlite3.Connection, read_only: bool) -> None:
        self.conn = conn
        self.read_only = read_only
        self.syncer: Syncer | None = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def batches(self, sql: str, params: Sequence[Any] = (), size: int = 2000
                ) -> Iterator[list[Any]]:
        cursor = self.conn.execute(sql, params)  # SQLite steps through it as it is read
        while rows := cursor.fetchmany(size):
            yield rows

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def begin(self, whole: bool = False) -> None:
        # IMMEDIATE: a deferred one that reads first cannot wait for a second writer
        # (SQLite skips the busy timeout on the upgrade), so it would fail at once. Every
        # write transaction holds the file's one write lock: ``whole`` ones need no more.
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        if self.syncer is not None:
            self.syncer.committed()

    def sync_off_thread(self, path: Path, on_synced: OnSynced) -> Syncer:
        """Commits return before the disk has them; a thread of their own makes them
        durable and says so (``durable``)."""
        if self.syncer is None:
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.syncer = Syncer(path, on_synced)
        return self.syncer

    def index_documents(self, condition: str, params: Sequence[Any]) -> None:
        self.conn.execute("INSERT INTO documents_fts (rowid, title, outlet, text) SELECT id, "
                          f"title, outlet, text FROM documents WHERE {condition}", params)

    def close(self) -> None:
        if self.syncer is not None:
            self.syncer.close()
        self.conn.close()

    def describe(self, exc: BaseException) -> str:
        return describe(exc)  # type: ignore[arg-type]


def connect(path: Path, *, read_only: bool = False, new: bool = False) -> SqliteEngine:
    """Open the project file. ``new``: create it. ``read_only``: never write, and leave no
    ``-wal``/``-shm`` behind where none could be made (a read-only file or folder)."""
    can_write = True
    if not new:
        inspect_file(path)
        can_write = writable(path)
        read_only = read_only or not can_write
    # A read-only use of a writable file opens it normally but refuses every write
    # (query_only): SQLite then removes its -wal and -shm at close, leaving nothing behind.
    conn = sqlite3.connect(_uri(path, can_write), uri=True, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    # the schema's version 10 fills the documents' keys with it
    conn.create_function("publication_key", 3, publication_key, deterministic=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if read_only:
            conn.execute("PRAGMA query_only = ON")
        else:
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: each commit reaches the disk before "saved" shows, so a power cut loses
            # nothing saved either; it costs ~0.3 ms an action (benchmarks/bench_durability)
            conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectError(f"{path}: {describe(exc)}") from None
    except BaseException:
        conn.close()
        raise
    return SqliteEngine(conn, read_only)


def describe(exc: sqlite3.Error) -> str:
    """What an SQLite error means for the user, in words they can act on."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return (f"the project is locked by another program (waited "
                f"{BUSY_TIMEOUT_MS // 1000} s); close the other program or window and try again")
    if "readonly" in lowered or "read-only" in lowered:
        return "the project is read-only here (a read-only file, folder or disk); nothing saved"
    if "is full" in lowered:  # "database or disk is full"
        return "the disk is full; free some space, then try again (nothing was saved)"
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return (f"the project file is damaged ({text}); run 'annotator check' on it, "
                f"or restore a backup")
    if "unable to open" in lowered:
        return f"cannot open the project file ({text})"
    return f"the project file could not be used ({text})"


def remove_files(path: Path) -> None:
    """A project file that could not be made whole goes, with its -wal and -shm."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def checkpoint(db: SqliteEngine, own_connection_to: Path | None = None) -> None:
    """Copy the -wal file into the project file, so the file alone is the whole project;
    with ``own_connection_to``, on a connection of its own (for a thread other than the
    window's).

    PASSIVE: it copies what it can and never waits. TRUNCATE would wait (up to the busy
    timeout, on the UI thread) for a reader to finish, such as a backup of a large project.
    """
    try:
        conn = sqlite3.connect(f"{_uri(own_connection_to, True)}?mode=rw", uri=True,
                               isolation_level=None, timeout=0.5) if own_connection_to else None
        try:
            (conn or db).execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            if conn is not None:
                conn.close()
    except sqlite3.Error:
        pass  # a reader holding the WAL open: the next checkpoint catches up


# What a page of the document list reads (``document_rows``): its index of the list's columns
# and each coder's statuses, index and table (about 20 MB at 100,000 documents)
READ_AHEAD = ("SELECT sum(length(title)) FROM documents INDEXED BY documents_list",
              "SELECT sum(coder_id) FROM document_status "
              "INDEXED BY sqlite_autoindex_document_status_1",
              "SELECT sum(length(status)) FROM document_status NOT INDEXED")


def read_ahead(path: Path) -> None:
    """Read what the document list reads, once, on a connection of its own, so that the
    system has it in memory when the list asks for a page. From a project out of memory,
    the first pages of 200 rows after a sort took 50-150 ms on the window's thread; read
    ahead (40-60 ms, on another thread) they took 3-8 ms. Nothing is changed, and a read
    that fails changes nothing either: the list reads the same pages when it needs them."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            for sql in READ_AHEAD:
                conn.execute(sql).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        pass


def version_of(db: SqliteEngine) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: SqliteEngine, path: Path, *, target: int = LATEST_VERSION) -> None:
    """Bring the file to ``target``, each step in its own transaction."""
    version = version_of(db)
    if version > LATEST_VERSION:
        raise ProjectError(f"{path}: made by a newer annotator (file version {version}, this "
                           f"one reads up to {LATEST_VERSION}); update annotator to open it")
    for step in range(version, target):
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[step]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {step + 1}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements; triggers hold ';' inside BEGIN ... END."""
    result, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            result.append(current.strip())
            current = ""
    return result


