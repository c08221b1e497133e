"""The PostgreSQL engine: a project that lives in a database on a lab's server.

``PostgresEngine`` is the storage contract's connection through psycopg 3; connecting,
migrating (the schema is ``schema.py``'s, beside it) and the text index's words are here.
Roles and row-level security are ``server.py``'s.

Passwords come from libpq's own places (``~/.pgpass``, ``PGPASSWORD``, a service file); a
location shown anywhere never carries one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from annotator import paths
from annotator.domain.corpus_query import index_words
from annotator.domain.errors import ProjectError, ServerUnreachable
from annotator.storage.engine import POSTGRES, Dialect, Streams, to_pyformat
from annotator.storage.postgres.schema import BASELINE, FIRST_VERSION, MIGRATIONS


class PostgresEngine(Streams):
    """One psycopg connection in autocommit mode: transactions are the caller's BEGIN and
    COMMIT, exactly as with SQLite."""

    sql: Dialect = POSTGRES

    def __init__(self, conn: Any, read_only: bool, url: str = "") -> None:
        import psycopg

        self.conn = conn
        self.url = url
        self.read_only = read_only
        self.errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        self._translated: dict[str, str] = {}
        self._streams = 0

    def _pyformat(self, sql: str) -> str:
        translated = self._translated.get(sql)
        if translated is None:
            translated = self._translated[sql] = to_pyformat(sql)
        return translated

    @contextmanager
    def _answering(self) -> Iterator[None]:
        """A server gone, or a project too busy to wait for, is ``ServerUnreachable``: the
        action may be tried again. Any other refusal is the caller's to describe."""
        try:
            yield
        except self.errors as exc:
            if self.lost or _busy(exc):
                raise ServerUnreachable(f"not saved: {describe(exc)}") from exc
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._answering():
            if not params:
                return self.conn.execute(sql)
            return self.conn.execute(self._pyformat(sql), list(params))

    @property
    def lost(self) -> bool:
        """Whether the connection is gone (the server went away, or the network)."""
        return bool(self.conn.broken or self.conn.closed)

    def reconnect(self) -> bool:
        """A new connection to the same server once it answers again; ``False`` while not."""
        import psycopg

        if not self.lost:
            return True  # it was busy, not gone
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
        except psycopg.Error:
            return False
        _session(conn, self.read_only)
        old, self.conn = self.conn, conn
        try:
            old.close()
        except psycopg.Error:
            pass
        return True

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._answering(), self.conn.cursor() as cursor:
            cursor.executemany(self._pyformat(sql), list(rows))

    def batches(self, sql: str, params: Sequence[Any] = (), size: int = 2000
                ) -> Iterator[list[Any]]:
        """A server-side cursor: psycopg's usual one would bring a million spans into
        memory at once. Outside a transaction it is held (WITH HOLD), so it outlives the
        statement's own. Lists of ``size``, fetched at least ``FETCH_AT_LEAST`` rows a
        round trip (a caller's small lists, kept small for the CPU's cache, would
        otherwise cost a trip to the server each)."""
        self._streams += 1
        cursor = self.conn.cursor(name=f"annotator_stream_{self._streams}",
                                  withhold=not self.in_transaction)
        fetch = cursor.itersize = max(size, FETCH_AT_LEAST)
        try:
            with self._answering():
                cursor.execute(self._pyformat(sql) if params else sql, list(params) or None)
            while True:
                with self._answering():
                    rows = cursor.fetchmany(fetch)
                if not rows:
                    break
                for at in range(0, len(rows), size):
                    yield rows[at:at + size]
        finally:
            if not self.lost:
                cursor.close()

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        if self.lost:  # nothing to roll back: the server ended it
            return False
        return bool(self.conn.info.transaction_status != TransactionStatus.IDLE)

    def begin(self, whole: bool = False) -> None:
        """PostgreSQL lets writers run side by side, which a file never did: a merge could
        read a coder's work, then replace it, while the coder adds a span in between. So a
        coder's action takes the project's lock shared (actions run side by side) and a
        ``whole`` transaction takes it alone: it waits for the actions under way, and new
        ones wait for it (up to ``lock_timeout``, then they are refused, not lost)."""
        lock = "pg_advisory_xact_lock" if whole else "pg_advisory_xact_lock_shared"
        self.execute(f"BEGIN; SELECT {lock}({_PROJECT_LOCK})")

    def commit(self) -> None:
        self.execute("COMMIT")

    def index_documents(self, condition: str, params: Sequence[Any]) -> None:
        rows = self.execute(f"SELECT id, title, outlet, text FROM documents WHERE {condition}",
                            params).fetchall()
        self.executemany(
            "INSERT INTO documents_fts (id, words) VALUES (?, ?::tsvector) "
            "ON CONFLICT (id) DO UPDATE SET words = excluded.words",
            [(r[0], tsvector(" ".join(p or "" for p in r[1:]))) for r in rows])

    @property
    def backend_pid(self) -> int:
        return int(self.conn.info.backend_pid)

    def close(self) -> None:
        self.conn.close()

    def describe(self, exc: BaseException) -> str:
        return describe(exc)


FETCH_AT_LEAST = 5000  # rows of a stream per round trip to the server
_PROJECT_LOCK = 0x414E4E54  # "ANNT", as a file's application_id; one per database
LOCK_TIMEOUT = "10s"  # as long as a file's busy timeout

_MAX_POSITION = 16383  # PostgreSQL's highest word position; later words share it
_MAX_LEXEME = 500  # a "word" longer than this (a pasted hash, base64) is not searched for


def tsvector(text: str) -> str:
    """The tsvector literal of ``text``'s index words with their positions (so phrases
    match), written out here rather than by PostgreSQL's parser, whose idea of a word
    depends on the server's locale. PostgreSQL keeps at most 256 positions a word, none
    past 16,383 (later words share that one)."""
    positions: dict[str, list[int]] = {}
    for number, word in enumerate(index_words(text), start=1):  # the per-word loop: lean
        try:
            positions[word].append(number)
        except KeyError:
            positions[word] = [number]
    parts = []
    for word, found in positions.items():
        if len(word) > _MAX_LEXEME:
            continue
        if found[-1] > _MAX_POSITION:  # rare: a very long text
            found = list(dict.fromkeys(min(n, _MAX_POSITION) for n in found))
        parts.append(f"'{word}':{','.join(map(str, found[:256]))}")
    return " ".join(parts)


def _busy(exc: BaseException) -> bool:
    """The project's lock was not free in time (a merge or an import under way)."""
    import psycopg

    return isinstance(exc, psycopg.errors.LockNotAvailable)


def describe(exc: BaseException) -> str:
    """What a server error means for the user, in words they can act on."""
    import psycopg

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if _busy(exc):
        return (f"the project is busy with a coordinator's merge or import (waited "
                f"{LOCK_TIMEOUT}); try again in a moment")
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return f"the server refused: you may not do this ({text})"
    if isinstance(exc, psycopg.OperationalError):
        return f"the server cannot be reached ({text}); nothing was saved"
    return f"the server refused the change ({text})"


def connect(url: str, *, read_only: bool = False) -> PostgresEngine:
    import psycopg

    where = paths.shown_location(url)
    if paths.has_password(url):
        raise ProjectError(f"{where}: a password does not belong in the location (it would "
                           f"stay in the shell's history and the recent projects); put it in "
                           f"~/.pgpass or PGPASSWORD")

    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise ProjectError(f"{where}: cannot connect ({str(exc).strip()})") from None
    _session(conn, read_only)
    return PostgresEngine(conn, read_only, url)


def _session(conn: Any, read_only: bool) -> None:
    conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    if read_only:
        conn.execute("SET default_transaction_read_only = on")


def version_of(engine: PostgresEngine) -> int:
    exists = engine.execute("SELECT to_regclass('annotator_meta') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    row = engine.execute("SELECT value FROM annotator_meta WHERE key = 'version'").fetchone()
    return int(row[0]) if row else 0


def migrate(engine: PostgresEngine, location: str, latest: int) -> None:
    """Bring the database to ``latest``, each step in its own transaction."""
    version = version_of(engine)
    if version > latest:
        raise ProjectError(f"{location}: made by a newer annotator (version {version}, this "
                           f"one reads up to {latest}); update annotator to open it")
    steps = [(FIRST_VERSION, BASELINE)] if version == 0 else []
    steps += [(v + 1, MIGRATIONS[v]) for v in range(max(version, FIRST_VERSION), latest)]
    import psycopg

    for target, script in steps:
        engine.begin()
        try:
            engine.execute(script)
            engine.execute("INSERT INTO annotator_meta (key, value) VALUES ('version', ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           [str(target)])
            engine.execute("COMMIT")
        except psycopg.errors.InsufficientPrivilege:  # a coder's role owns no table
            engine.execute("ROLLBACK")
            raise ProjectError(
                f"{location}: the project is at version {version} and this annotator works "
                f"with version {latest}; only its owner may bring it up to date. Ask your "
                f"coordinator to open it once (or to run 'annotator server init' on it) "
                f"with this annotator, then open it again") from None
        except BaseException:
            engine.execute("ROLLBACK")
            raise
