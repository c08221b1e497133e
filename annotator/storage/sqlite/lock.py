"""Who has a project open: a small ``<project>.lock`` file beside it, so a second window or
process can warn its user (naming the first) instead of two people coding one file unaware.

The lock does not stop anyone (SQLite keeps the data safe either way); it is a notice. A
lock left by a process that died is recognised (same machine, no such process) and taken
over.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Holder:
    user: str
    host: str
    pid: int
    since: str

    def __str__(self) -> str:
        return f"{self.user} on {self.host} (process {self.pid}, since {self.since})"


def lock_path(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


def _me() -> Holder:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "someone"
    return Holder(user, socket.gethostname(), os.getpid(),
                  datetime.now().strftime("%Y-%m-%d %H:%M"))


def alive(pid: int) -> bool:
    """Whether process ``pid`` is running (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder(project: Path) -> Holder | None:
    """Another live holder of the project, or None."""
    try:
        data = json.loads(lock_path(project).read_text(encoding="utf-8"))
        found = Holder(str(data["user"]), str(data["host"]), int(data["pid"]),
                       str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    me = _me()
    if found.host == me.host and (found.pid == me.pid or not alive(found.pid)):
        return None  # ours, or left by a process that is gone
    return found


def acquire(project: Path) -> None:
    """Say that this process has the project open (quietly nothing on a read-only folder)."""
    try:
        lock_path(project).write_text(json.dumps(_me().__dict__), encoding="utf-8")
    except OSError:
        pass


def release(project: Path) -> None:
    try:
        data = json.loads(lock_path(project).read_text(encoding="utf-8"))
        if data.get("pid") == os.getpid() and data.get("host") == socket.gethostname():
            lock_path(project).unlink()
    except (OSError, ValueError):
        pass
