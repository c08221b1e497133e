"""Storage layer: the project file. The only code in annotator that speaks SQL."""

from sqlite3 import Error as _SQLiteError

from annotator.storage.database import describe, remove_files
from annotator.storage.project import CodingResult, DeletedSpan, ImportResult, Project, Segment

# What the project file can raise outside a write transaction (a damaged page met while
# reading, say); callers turn it into one line with ``describe``.
STORAGE_FAILURES: tuple[type[Exception], ...] = (_SQLiteError,)

__all__ = ["STORAGE_FAILURES", "CodingResult", "DeletedSpan", "ImportResult", "Project",
           "Segment", "describe", "remove_files"]
