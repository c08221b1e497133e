"""A thread's place in the disk's queue: a window's backup reads and writes only when the
window's own reads are served.

Linux gives each thread an I/O priority class (``ioprio_set``), which its block schedulers
honour (mq-deadline since Linux 5.14, BFQ): requests of the idle class wait while others
are queued, and are served after at most a few seconds (mq-deadline's aging) even on a
disk that is never idle. Python has no call for it, so it is made by its system call
number, known per machine. Elsewhere (another system, an unknown machine, a refusal)
nothing changes and the callers run as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import platform
import sys
import threading
from collections.abc import Iterator

# (ioprio_set, ioprio_get) by machine: the generic table (arm64, riscv64) and the others
_CALLS = {"x86_64": (251, 252), "amd64": (251, 252), "i386": (289, 290), "i686": (289, 290),
          "aarch64": (30, 31), "arm64": (30, 31), "riscv64": (30, 31),
          "armv7l": (314, 315), "ppc64le": (273, 274), "s390x": (282, 283)}
WHO_PROCESS = 1  # with a thread's id: that thread
CLASS_SHIFT = 13
IDLE = 3 << CLASS_SHIFT  # the idle class (its level is unused)


def _calls() -> tuple[ctypes.CDLL, int, int] | None:
    if not sys.platform.startswith("linux"):
        return None
    numbers = _CALLS.get(platform.machine().lower())
    if numbers is None:
        return None
    try:
        return ctypes.CDLL(None, use_errno=True), *numbers
    except OSError:
        return None


def current() -> int | None:
    """The calling thread's I/O priority as the kernel gives it (class << 13 | level), or
    None where it cannot be read."""
    calls = _calls()
    if calls is None:
        return None
    libc, _, get = calls
    value = libc.syscall(ctypes.c_long(get), ctypes.c_long(WHO_PROCESS),
                         ctypes.c_long(threading.get_native_id()))
    return None if value < 0 else int(value)


def _set(value: int) -> bool:
    calls = _calls()
    if calls is None:
        return False
    libc, set_, _ = calls
    done = libc.syscall(ctypes.c_long(set_), ctypes.c_long(WHO_PROCESS),
                        ctypes.c_long(threading.get_native_id()), ctypes.c_long(value))
    return int(done) == 0


@contextlib.contextmanager
def idle() -> Iterator[bool]:
    """The calling thread in the idle class while the block runs, then as it was; yields
    whether the class was set."""
    before = current()
    done = before is not None and _set(IDLE)
    try:
        yield done
    finally:
        if done and before is not None:
            _set(before)
