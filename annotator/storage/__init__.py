"""Storage layer: the project, in a file (SQLite) or on a server (PostgreSQL). The only code
in annotator that speaks SQL."""

from sqlite3 import Error as _SQLiteError

from annotator.storage.project import (
    CodingResult,
    DeletedSpan,
    ImportResult,
    Project,
    Segment,
)
from annotator.storage.sqlite import database as _database
from annotator.storage.sqlite.database import remove_files

# What the project file can raise outside a write transaction (a damaged page met while
# reading, say); callers turn it into one line with ``describe``. A server's errors
# (psycopg's, imported only when a server project is opened) are ``is_storage_failure``.
STORAGE_FAILURES: tuple[type[Exception], ...] = (_SQLiteError,)


def is_storage_failure(exc: BaseException) -> bool:
    return isinstance(exc, STORAGE_FAILURES) or type(exc).__module__.startswith("psycopg")


def describe(exc: BaseException) -> str:
    """One line a user can act on, for a failure of either engine."""
    if type(exc).__module__.startswith("psycopg"):
        from annotator.storage import postgres

        return postgres.describe(exc)
    return _database.describe(exc)  # type: ignore[arg-type]


__all__ = ["STORAGE_FAILURES", "CodingResult", "DeletedSpan", "ImportResult", "Project",
           "Segment", "describe", "is_storage_failure", "remove_files"]
