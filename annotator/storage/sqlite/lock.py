"""Who has a project open: a small ``<project>.lock`` file beside it, so a second window or
process can warn its user (naming the first) instead of two people coding one file unaware.

The lock does not stop anyone (SQLite keeps the data safe either way); it is a notice. A
lock left by a process that died is recognised (same machine, no such process) and taken
over.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple


class Holder(NamedTuple):  # not a dataclass: dataclasses costs 2 ms before the first frame
    user: str
    host: str
    pid: int
    since: str

    def __str__(self) -> str:
        return f"{self.user} on {self.host} (process {self.pid}, since {self.since})"


def lock_path(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


def _host() -> str:
    """This machine's name (``uname`` where there is one: what ``gethostname`` reads, without
    loading ``socket`` before the window's first frame)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def _me() -> Holder:
    import getpass
    from datetime import datetime

    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "someone"
    return Holder(user, _host(), os.getpid(), datetime.now().strftime("%Y-%m-%d %H:%M"))


def alive(pid: int) -> bool:
    """Whether process ``pid`` is running (on this machine)."""
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        return alive_on_windows(pid, kernel32, ctypes.get_last_error)  # type: ignore[attr-defined]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_QUERY_LIMITED_INFORMATION, _STILL_ACTIVE, _ACCESS_DENIED = 0x1000, 259, 5


def alive_on_windows(pid: int, kernel32: Any, last_error: Callable[[], int]) -> bool:
    """Windows' answer. ``os.kill(pid, 0)`` there would end the process (it calls
    ``TerminateProcess``): asking whether another window lives would close it. The process
    is asked for its exit code instead; one we may not open exists, as someone else's."""
    import ctypes

    handle = kernel32.OpenProcess(_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return bool(last_error() == _ACCESS_DENIED)
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == _STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def holder(project: Path) -> Holder | None:
    """Another live holder of the project, or None."""
    try:
        data = json.loads(lock_path(project).read_text(encoding="utf-8"))
        found = Holder(str(data["user"]), str(data["host"]), int(data["pid"]),
                       str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if found.host == _host() and (found.pid == os.getpid() or not alive(found.pid)):
        return None  # ours, or left by a process that is gone
    return found


def acquire(project: Path) -> None:
    """Say that this process has the project open (quietly nothing on a read-only folder)."""
    try:
        lock_path(project).write_text(json.dumps(_me()._asdict()), encoding="utf-8")
    except OSError:
        pass


def release(project: Path) -> None:
    try:
        data = json.loads(lock_path(project).read_text(encoding="utf-8"))
        if data.get("pid") == os.getpid() and data.get("host") == _host():
            lock_path(project).unlink()
    except (OSError, ValueError):
        pass
