"""Who holds a project: whether the process named in a lock (or a session marker) lives.

On Windows ``os.kill(pid, 0)`` ends the process (``TerminateProcess``): asking whether
another window lives must not close it. Windows' branch asks for the exit code instead;
here it runs against a stand-in for kernel32 that records what it was asked.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

from annotator.storage.sqlite import lock


class FakeKernel32:
    def __init__(self, opens: bool, exit_code: int) -> None:
        self.opens, self.exit_code = opens, exit_code
        self.calls: list[str] = []

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:  # noqa: N802
        self.calls.append(f"open {access:#x} {pid}")
        return 42 if self.opens else 0

    def GetExitCodeProcess(self, handle: int, code: object) -> int:  # noqa: N802
        self.calls.append(f"exit code {handle}")
        ctypes.cast(code, ctypes.POINTER(ctypes.c_ulong)).contents.value = self.exit_code
        return 1

    def CloseHandle(self, handle: int) -> int:  # noqa: N802
        self.calls.append(f"close {handle}")
        return 1

    def TerminateProcess(self, *_args: object) -> int:  # noqa: N802
        raise AssertionError("asking whether a process lives must not end it")


def test_windows_asks_for_the_exit_code_and_never_ends_the_process() -> None:
    running = FakeKernel32(opens=True, exit_code=259)  # STILL_ACTIVE
    assert lock.alive_on_windows(4711, running, lambda: 0)
    assert running.calls == ["open 0x1000 4711", "exit code 42", "close 42"]
    assert not lock.alive_on_windows(4711, FakeKernel32(opens=True, exit_code=0), lambda: 0)
    assert lock.alive_on_windows(4711, FakeKernel32(opens=False, exit_code=0), lambda: 5)
    assert not lock.alive_on_windows(4711, FakeKernel32(opens=False, exit_code=0), lambda: 87)


def test_a_live_process_lives_and_a_finished_one_does_not() -> None:
    assert lock.alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its pid names no process now
    assert not lock.alive(child.pid)
