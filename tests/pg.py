"""The PostgreSQL server the tests use: an existing one (ANNOTATOR_TEST_POSTGRESQL, a URL of
a role that may create databases and roles), or one started from the pgserver wheel
(PostgreSQL 16 inside a pip package) in a temporary folder, stopped and removed after."""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class TestServer:
    __test__ = False  # not a test class

    def __init__(self, url: str, handle: object | None) -> None:
        self.url = url  # the maintenance database ("postgres")
        self._handle = handle
        self._numbers = itertools.count(1)
        self.prefix = f"annotator_test_{uuid.uuid4().hex[:8]}"

    @classmethod
    def start(cls, folder: Path) -> TestServer:
        given = os.environ.get("ANNOTATOR_TEST_POSTGRESQL")
        if given:
            return cls(given, None)
        import pgserver

        server = pgserver.get_server(folder, cleanup_mode="delete")
        return cls(server.get_uri(), server)

    def with_database(self, name: str, user: str | None = None,
                      password: str | None = None) -> str:
        """This server's URL for database ``name`` (as ``user``)."""
        parts = urlsplit(self.url)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        if user is None:
            netloc = parts.netloc
        else:
            netloc = f"{user}:{password}@{netloc}" if password else f"{user}@{netloc}"
        return urlunsplit(parts._replace(netloc=netloc, path=f"/{name}"))

    @staticmethod
    def database_of(url: str) -> str:
        return urlsplit(url).path.lstrip("/")

    def as_user(self, url: str, user: str) -> str:
        """``url``'s database, connected to as ``user`` (libpq finds the password)."""
        return self.with_database(self.database_of(url), user=user)

    def drop_project_roles(self, url: str, names: list[str]) -> None:
        """The coders' roles and the project's two groups (after its database is dropped)."""
        database = self.database_of(url)
        self.drop_roles([*names, f"{database}_coders", f"{database}_coordinators"])

    def admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def new_database(self) -> str:
        name = f"{self.prefix}_{next(self._numbers)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.with_database(name)

    def drop_database(self, url: str) -> None:
        name = self.database_of(url)
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @property
    def can_restart(self) -> bool:
        return self._handle is not None

    def stop_now(self) -> None:
        """Stop the server as a crash or a network cut would look to a client: every
        connection is cut at once (``immediate``)."""
        from pgserver._commands import pg_ctl

        handle = self._handle
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=handle.pgdata,  # type: ignore[attr-defined]
               user=handle.system_user)  # type: ignore[attr-defined]

    def start_again(self) -> None:
        self._handle.ensure_postgres_running()  # type: ignore[attr-defined]

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cleanup()  # type: ignore[attr-defined]

    def drop_roles(self, names: list[str]) -> None:
        with self.admin() as conn:
            for name in names:
                conn.execute(f'DROP ROLE IF EXISTS "{name}"')
