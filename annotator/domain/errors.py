"""Typed errors raised at the edges (files, schemes, projects), each naming where it happened.

The CLI and the UI turn any ``AnnotatorError`` into one clear message; nothing else should
reach a user as a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def shown_name(name: str | Path) -> str:
    """A file name for a one-line message: a line break, tab or other control character in
    it is written as its escape (``a\\nb.txt``), so the message stays one line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(name))


class AnnotatorError(Exception):
    """An error a user can act on; ``str()`` is the whole message."""


class LocatedError(AnnotatorError):
    """An error in a file, optionally at a line and a field."""

    def __init__(self, path: str | Path | None, message: str, *, line: int | None = None,
                 field: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.reason = message
        super().__init__(self._format())

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuilt from its parts when sent between processes (an import's readers)."""
        return _rebuild, (type(self), self.path, self.reason, self.line, self.field)

    def _format(self) -> str:
        where = shown_name(self.path) if self.path is not None else "<input>"
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.reason}"


def _rebuild(kind: type[LocatedError], path: str | None, reason: str, line: int | None,
             field: str | None) -> LocatedError:
    return kind(path, reason, line=line, field=field)


class SchemeError(LocatedError):
    """A coding scheme that cannot be loaded or applied."""


class ImportFailed(LocatedError):
    """An input file that cannot be imported; the import changed nothing."""


class ProjectError(AnnotatorError):
    """A project file that cannot be opened or changed as asked."""


class Cancelled(AnnotatorError):
    """The user cancelled a long task; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("cancelled; nothing was changed")


class ServerUnreachable(ProjectError):
    """The project's server cannot take the action now: it cannot be reached (the network,
    or the server is down), or the project is busy (a merge holds it). The action was not
    saved, and may be tried again in a moment."""
