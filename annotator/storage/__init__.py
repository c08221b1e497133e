"""Storage layer: the project, in a file (SQLite) or on a server (PostgreSQL). The only code
in annotator that speaks SQL.

``Project`` and its results load on first use (PEP 562), so that the window's first frame
(``storage.sqlite.glance``) and the project lock can be imported without the whole layer.
"""

from __future__ import annotations

from sqlite3 import Error as _SQLiteError
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.storage.project import (
        CodingResult,
        DeletedSpan,
        ImportResult,
        Project,
        Segment,
    )
    from annotator.storage.sqlite.database import remove_files

_LAZY = {"CodingResult": "annotator.storage.project", "DeletedSpan": "annotator.storage.project",
         "ImportResult": "annotator.storage.project", "Project": "annotator.storage.project",
         "Segment": "annotator.storage.project",
         "remove_files": "annotator.storage.sqlite.database"}

# What the project file can raise outside a write transaction (a damaged page met while
# reading, say); callers turn it into one line with ``describe``. A server's errors
# (psycopg's, imported only when a server project is opened) are ``is_storage_failure``.
STORAGE_FAILURES: tuple[type[Exception], ...] = (_SQLiteError,)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'annotator.storage' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # asked once
    return value


def is_storage_failure(exc: BaseException) -> bool:
    return isinstance(exc, STORAGE_FAILURES) or type(exc).__module__.startswith("psycopg")


def describe(exc: BaseException) -> str:
    """One line a user can act on, for a failure of either engine."""
    if type(exc).__module__.startswith("psycopg"):
        from annotator.storage import postgres

        return postgres.describe(exc)
    from annotator.storage.sqlite import database

    return database.describe(exc)  # type: ignore[arg-type]


__all__ = ["STORAGE_FAILURES", "CodingResult", "DeletedSpan", "ImportResult", "Project",
           "Segment", "describe", "is_storage_failure", "remove_files"]
