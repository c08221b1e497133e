"""The storage contract's lowest layer: one connection to a project's database, SQLite or
PostgreSQL, behind the same few calls, and the handful of SQL phrases the two write
differently (a ``Dialect``).

The query modules (documents, coding, study, ...) write their SQL once, in the common
subset both engines read (``?`` parameters, ``INSERT ... ON CONFLICT``, ``RETURNING``,
``TRUE``), and ask ``engine.sql`` for the rest. ``PostgresEngine`` turns ``?`` into
psycopg's ``%s``; nothing else is rewritten behind the caller's back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from annotator.domain.corpus_query import Query


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int = ...) -> list[Any]: ...
    def __iter__(self) -> Any: ...


class Dialect:
    """How SQLite says it. ``PostgresDialect`` overrides what PostgreSQL says otherwise."""

    name = "sqlite"
    like = "LIKE"  # case-insensitive for ASCII in SQLite, as the filter box wants
    fts_id = "rowid"  # the text index's document id column (table documents_fts)
    fts_match = "documents_fts MATCH ?"  # the text index's condition, ``fts_param`` its value

    def fts_param(self, query: Query) -> str:
        return query.fts

    def nocase(self, expr: str) -> str:
        return f"{expr} COLLATE NOCASE"

    def json(self, expr: str) -> str:
        """``expr`` (a JSON text column or parameter) where a JSON function takes it."""
        return expr

    def ints_in(self) -> str:
        """A subquery of the integers in a JSON list parameter (``IN (...)`` of any length)."""
        return "SELECT value FROM json_each(?)"

    def texts_in(self) -> str:
        return "SELECT value FROM json_each(?)"

    def indexed_by(self, index: str) -> str:
        return f" INDEXED BY {index}"

    def unindexed(self, expr: str) -> str:
        """``expr`` in ORDER BY, kept from driving the plan through an index."""
        return f"+{expr}"

    def greatest(self, a: str, b: str) -> str:
        return f"max({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"min({a}, {b})"

    def nulls_first(self, expr: str) -> str:
        return expr  # SQLite's default

    def nulls_last_desc(self, expr: str) -> str:
        return f"{expr} DESC"


class PostgresDialect(Dialect):
    name = "postgresql"
    like = "ILIKE"
    fts_id = "id"
    fts_match = "words @@ ?::tsquery"

    def fts_param(self, query: Query) -> str:
        return query.tsquery

    def nocase(self, expr: str) -> str:
        return f"lower({expr})"

    def json(self, expr: str) -> str:
        return f"({expr})::json"

    def ints_in(self) -> str:
        return "SELECT (json_array_elements_text(?::json))::bigint"

    def texts_in(self) -> str:
        return "SELECT json_array_elements_text(?::json)"

    def indexed_by(self, index: str) -> str:
        return ""

    def unindexed(self, expr: str) -> str:
        return expr

    def greatest(self, a: str, b: str) -> str:
        return f"greatest({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"least({a}, {b})"

    def nulls_first(self, expr: str) -> str:
        return f"{expr} NULLS FIRST"  # as SQLite sorts: no date before every date

    def nulls_last_desc(self, expr: str) -> str:
        return f"{expr} DESC NULLS LAST"


SQLITE = Dialect()
POSTGRES = PostgresDialect()


class Streams:
    """``stream`` for an engine that has ``batches``: the same rows, one at a time (written
    once here, so the two engines cannot drift apart)."""

    def batches(self, sql: str, params: Sequence[Any] = (), size: int = 2000
                ) -> Iterator[list[Any]]:
        raise NotImplementedError

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 2000
               ) -> Iterator[Any]:
        for rows in self.batches(sql, params, size):
            yield from rows


class Engine(Protocol):
    """What the query modules may ask of a connection."""

    sql: Dialect
    read_only: bool
    errors: tuple[type[BaseException], ...]  # what a failed statement raises

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...
    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 2000
               ) -> Iterator[Any]:
        """The rows of a long result a batch at a time, never all of it in memory."""
    def batches(self, sql: str, params: Sequence[Any] = (), size: int = 2000
                ) -> Iterator[list[Any]]:
        """The same, a list of rows at a time (what a writer of a million rows takes)."""
    @property
    def in_transaction(self) -> bool: ...
    def begin(self, whole: bool = False) -> None:
        """A write transaction; ``whole``: one that reads and rewrites other coders' work
        (a merge, an import, removing documents), which no coder's action may interleave."""
    def commit(self) -> None:
        """End the transaction ``begin`` began, its changes stored."""
    def index_documents(self, condition: str, params: Sequence[Any]) -> None:
        """Put the documents that meet ``condition`` into the text index."""
    def close(self) -> None: ...
    def describe(self, exc: BaseException) -> str: ...


_PLACEHOLDER = re.compile(r"'[^']*'|\?|%")


def to_pyformat(sql: str) -> str:
    """SQLite's parameters as psycopg's: ``?`` becomes ``%s`` (outside quotes) and a
    literal ``%`` is doubled."""
    def replace(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "%":
            return "%%"
        return "%s"
    return _PLACEHOLDER.sub(replace, sql)
