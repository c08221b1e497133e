"""The project: documents, the coding scheme, coders and their work, in one SQLite file or
in a PostgreSQL database on a server (the same contract, through an ``Engine``).

``Project`` is the storage layer's face. Every method that changes data is one transaction
and, once committed, tells subscribers what changed (a ``Change``) so views refresh from the
store, never from their own copies. Documents and coding live in mixins of their own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from annotator import paths
from annotator.domain.errors import ProjectError
from annotator.domain.model import Change
from annotator.domain.scheme import CodingScheme
from annotator.domain.scheme_change import SchemeMigration, SchemeUsage, plan_change
from annotator.storage.coding import CodingMixin, DeletedSpan
from annotator.storage.corpus import CorpusMixin
from annotator.storage.documents import DocumentsMixin, ImportResult
from annotator.storage.engine import Engine
from annotator.storage.exchange import CodingResult, ExchangeMixin
from annotator.storage.search import SearchMixin, Segment
from annotator.storage.sqlite import database
from annotator.storage.study import StudyMixin

__all__ = ["CodingResult", "DeletedSpan", "ImportResult", "Project", "Segment"]

if TYPE_CHECKING:
    from annotator.storage.postgres.listen import ServerListener
    from annotator.storage.sqlite.durable import OnSynced, Syncer

Listener = Callable[[Change], None]


class Project(DocumentsMixin, CodingMixin, ExchangeMixin, StudyMixin, CorpusMixin,
              SearchMixin):
    def __init__(self, path: Path | None, db: Engine, location: str | None = None) -> None:
        self._path = path
        self.location = location or str(path)  # what the user calls it: a file or a server
        self.db = db
        self._listeners: list[Listener] = []
        self._pending: list[Change] = []
        self._coder_ids: dict[str, int] = {}
        self._scheme: CodingScheme | None = None
        self._key: str | None = None
        self.read_only = False

    @property
    def path(self) -> Path:
        """The project's file; a project on a server has none."""
        if self._path is None:
            raise ProjectError(f"{self.location}: a project on a server has no file; "
                               f"'annotator copy' makes one")
        return self._path

    @property
    def on_server(self) -> bool:
        return self._path is None

    @property
    def key(self) -> str:
        """What settings remember the project by: its file's full path, or its location
        (resolved once: the window asks at every switch of document)."""
        if self._key is None:
            self._key = self.location if self._path is None else str(self._path.resolve())
        return self._key

    def beside(self, suffix: str) -> Path:
        """Where a file made from the project goes by default: beside its file, or (for a
        project on a server) in the home folder."""
        if self._path is None:
            return Path.home() / f"{self.name}{suffix}"
        return self._path.with_name(self._path.stem + suffix)

    def session_coder(self) -> tuple[str | None, bool]:
        """On a server: the coder the connected role codes as (``None`` for its owner or an
        administrator) and whether it may coordinate. A file: no one, and yes."""
        if self._path is not None:
            return None, True
        from annotator.storage.postgres import server

        return server.role_of_session(self.db)  # type: ignore[arg-type]

    @property
    def name(self) -> str:
        """A short name: the file's stem, or the server's database name."""
        if self._path is not None:
            return self._path.stem
        return str(self.db.execute("SELECT current_database()").fetchone()[0])

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, scheme: CodingScheme) -> Project:
        if paths.is_server(path):
            return cls._create_on_server(str(path), scheme)
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path}: already exists; open it, or choose another name")
        path.parent.mkdir(parents=True, exist_ok=True)
        db = database.connect(path, new=True)
        try:
            database.migrate(db, path)
            project = cls(path, db)
            project._store_scheme(scheme)
            project.new_lineage()
            project.checkpoint()  # the file alone is a project from the first moment
        except BaseException:
            db.close()
            database.remove_files(path)
            raise
        return project

    @classmethod
    def _create_on_server(cls, url: str, scheme: CodingScheme) -> Project:
        from annotator.storage import postgres  # only a server project needs its driver

        db = postgres.connect(url)
        location = paths.shown_location(url)
        try:
            if postgres.version_of(db):
                raise ProjectError(f"{location}: already holds a project; open it, or "
                                   f"choose another database")
            postgres.migrate(db, location, database.LATEST_VERSION)
            project = cls(None, db, location)
            project._store_scheme(scheme)
            project.new_lineage()
        except BaseException:
            db.close()
            raise
        return project

    @classmethod
    def _open_on_server(cls, url: str, read_only: bool) -> Project:
        from annotator.storage import postgres

        db = postgres.connect(url, read_only=read_only)
        location = paths.shown_location(url)
        try:
            if postgres.version_of(db) == 0:
                raise ProjectError(f"{location}: holds no annotator project; 'annotator new "
                                   f"{location}' makes one")
            if not read_only:
                postgres.migrate(db, location, database.LATEST_VERSION)
            project = cls(None, db, location)
            project.read_only = read_only
            project.scheme  # noqa: B018 - fail now on a database without a scheme
        except db.errors as exc:
            db.close()
            raise ProjectError(f"{location}: {db.describe(exc)}") from None
        except BaseException:
            db.close()
            raise
        return project

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Project:
        """Open a project; ``read_only`` (or a file that cannot be written) changes nothing."""
        if paths.is_server(path):
            return cls._open_on_server(str(path), read_only)
        path = Path(path)
        db = database.connect(path, read_only=read_only)
        try:
            version = database.version_of(db)
            if version == 0:
                raise ProjectError(f"{path}: not an annotator project")
            if version < database.LATEST_VERSION and db.read_only:
                if not database.writable(path):
                    raise ProjectError(f"{path}: made by an older annotator; open it once "
                                       f"where it can be written to bring it up to date")
                db.close()  # our own project, one version behind: bring it up to date once
                with cls.open(path) as _upgraded:
                    pass
                db = database.connect(path, read_only=True)
            database.migrate(db, path)
            project = cls(path, db)
            project.read_only = db.read_only
            project.scheme  # noqa: B018 - fail now, not later, on a file without a scheme
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ProjectError(f"{path}: {database.describe(exc)}") from None
        except BaseException:
            db.close()
            raise
        return project

    def listen(self) -> ServerListener | None:
        """Other people's changes as they happen (a project on a server); a file: ``None``."""
        if not self.on_server:
            return None
        from annotator.storage.postgres.listen import ServerListener

        engine = self.db
        return ServerListener(engine.url, lambda: engine.backend_pid)  # type: ignore[attr-defined]

    def reconnect(self) -> bool:
        """After the server went away: connect again (``True``) or not yet (``False``)."""
        if not self.on_server:
            return True
        return bool(self.db.reconnect())  # type: ignore[attr-defined]

    def checkpoint(self, own_connection: bool = False) -> None:
        """The -wal into the file; ``own_connection``: on one of its own, for any thread."""
        if not self.read_only and not self.on_server:
            database.checkpoint(self.db, self.path if own_connection else None)  # type: ignore[arg-type]

    def sync_off_thread(self, on_synced: OnSynced) -> Syncer | None:
        """Commits return before the disk has them and a thread of their own makes each
        durable (``sqlite/durable.py``); None where nothing is written here (read-only,
        or a server, where a commit waits for the server's own disk)."""
        if self.read_only or self.on_server:
            return None
        engine: database.SqliteEngine = self.db  # type: ignore[assignment]
        return engine.sync_off_thread(self.path, on_synced)

    def close(self) -> None:
        self.checkpoint()
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and change notices ----------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @contextmanager
    def transaction(self, whole: bool = False) -> Iterator[None]:
        """One write transaction; changes are announced only after it commits.

        It begins IMMEDIATE: a deferred one that reads first cannot wait for a second
        writer (SQLite skips the busy timeout on the upgrade), so it would fail at once. Any
        SQLite failure (locked past the timeout, disk full, read-only, damaged) becomes a
        ``ProjectError`` saying so, after everything was rolled back.
        """
        if self.read_only:
            raise ProjectError(f"{self.location}: opened read-only; nothing can be changed")
        db = self.db
        outer = not db.in_transaction
        name = "annotator_step"  # nested ones may share it: both engines take the innermost
        try:
            if outer:
                db.begin(whole)
            else:
                db.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK" if outer else f"ROLLBACK TO {name}")
                    if not outer:
                        db.execute(f"RELEASE {name}")
                raise
            if outer:
                db.commit()
            else:
                db.execute(f"RELEASE {name}")
        except BaseException as exc:
            if outer:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                self._pending.clear()
                self._coder_ids.clear()
            if isinstance(exc, db.errors):
                raise ProjectError(f"not saved: {db.describe(exc)}") from exc
            raise
        if outer:
            pending, self._pending = self._pending, []
            for change in pending:
                for listener in list(self._listeners):
                    listener(change)

    def _announce(self, change: Change) -> None:
        self._pending.append(change)

    # -- coders --------------------------------------------------------------------------
    def coders(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM coders ORDER BY name")]

    def add_coder(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise ProjectError("a coder needs a name")
        with self.transaction():
            if self._coder_id(name, create=False) is None:
                self._coder_id(name, create=True)
                self._announce(Change("coder_added", coder=name))

    def _coder_id(self, name: str, *, create: bool = True) -> int | None:
        if name in self._coder_ids:
            return self._coder_ids[name]
        row = self.db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
        if row is None:
            if not create:
                return None
            row = self.db.execute("INSERT INTO coders (name, created_at) VALUES (?, ?) "
                                  "RETURNING id", [name, database.now()]).fetchone()
        self._coder_ids[name] = int(row[0])
        return int(row[0])

    # -- coding scheme -------------------------------------------------------------------
    @property
    def scheme(self) -> CodingScheme:
        if self._scheme is None:
            row = self.db.execute(
                "SELECT definition FROM coding_schemes ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                raise ProjectError(f"{self.location}: the project has no coding scheme")
            try:
                self._scheme = CodingScheme.from_dict(json.loads(row[0]))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ProjectError(f"{self.location}: the stored coding scheme is damaged "
                                   f"({type(exc).__name__}: {exc}); run 'annotator check', "
                                   f"or apply the scheme file again") from None
        return self._scheme

    def _store_scheme(self, scheme: CodingScheme) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO coding_schemes (name, version, definition, applied_at) "
                "VALUES (?, ?, ?, ?)",
                [scheme.name, scheme.version, json.dumps(scheme.data, ensure_ascii=False),
                 database.now()])
            self._scheme = scheme
            self._announce(Change("scheme_applied"))

    def scheme_usage(self) -> SchemeUsage:
        spans = {(c, lb): n for c, lb, n in self.db.execute(
            "SELECT category, label, count(*) FROM spans GROUP BY category, label")}
        attributes = {(c, a): n for c, a, n in self.db.execute(
            f"SELECT category, j.key, count(*) FROM spans, "
            f"json_each({self.db.sql.json('spans.attributes')}) j GROUP BY category, j.key")}
        for c, a, n in self.db.execute(
                "SELECT s.category, l.attribute, count(*) FROM span_links l "
                "JOIN spans s ON s.id = l.span_id GROUP BY s.category, l.attribute"):
            attributes[(c, a)] = attributes.get((c, a), 0) + n
        variables = dict(self.db.execute(
            "SELECT variable, count(*) FROM variable_values GROUP BY variable").fetchall())
        return SchemeUsage(spans, attributes, variables)

    def apply_scheme(self, scheme: CodingScheme, source: str | Path | None = None
                     ) -> SchemeMigration:
        """Make ``scheme`` current, moving renamed keys; refuse if coded data would orphan."""
        with self.transaction(whole=True):
            plan = plan_change(scheme, self.scheme_usage(), source)
            self._migrate_keys(plan)
            self._store_scheme(scheme)
        return plan

    def _migrate_keys(self, plan: SchemeMigration) -> None:
        for old, new in plan.categories.items():
            self.db.execute("UPDATE spans SET category = ? WHERE category = ?", [new, old])
        for (category, old), new in plan.labels.items():
            self.db.execute("UPDATE spans SET label = ? WHERE category = ? AND label = ?",
                            [new, category, old])
        for (category, old), new in plan.attributes.items():
            for span_id, stored in self.db.execute(
                    "SELECT id, attributes FROM spans WHERE category = ?", [category]
                    ).fetchall():
                attributes = json.loads(stored)
                if old in attributes:
                    attributes[new] = attributes.pop(old)
                    self.db.execute("UPDATE spans SET attributes = ? WHERE id = ?",
                                    [json.dumps(attributes, ensure_ascii=False), span_id])
            self.db.execute(
                "UPDATE span_links SET attribute = ? WHERE attribute = ? AND span_id IN "
                "(SELECT id FROM spans WHERE category = ?)", [new, old, category])
        for old, new in plan.variables.items():
            self.db.execute("UPDATE variable_values SET variable = ? WHERE variable = ?",
                            [new, old])

    def save_copy(self, path: str | Path) -> None:
        """A complete, consistent copy of the project, safe while it is open (``copy.py``)."""
        from annotator.storage.copy import save_copy

        save_copy(self.db, self.path if not self.on_server else None, Path(path))
