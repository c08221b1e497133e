"""Commits made durable off the thread that commits them.

With ``synchronous = FULL`` each commit waits for the disk (an fsync of the ``-wal``). On a
quiet disk that is 0.3 ms; on the machines this was measured on, a plain fsync of 12 KB took
over 50 ms 4 times in 500 and up to 380 ms, and a backup's writeback made it worse. The
window froze for that long in a commit (the responsiveness audit caught undos of 377 and
447 ms, all in ``COMMIT``).

A connection handed to a ``Syncer`` commits with ``synchronous = NORMAL``: a commit's pages
are in the ``-wal`` when it returns, so a killed or crashed process loses nothing, and
SQLite keeps the file whole through a power cut. The syncer's thread then fsyncs the
``-wal``, which makes every commit before it survive a power cut too, and says so through
``on_synced``: the window shows "✓ saved" only after that.

A refused fsync is final. The system may have marked the pages it could not write clean and
dropped them (Linux does), so a later fsync that succeeds says nothing about them: every
later commit is reported with the first refusal, until the project is opened again (when
SQLite reads the ``-wal`` back and keeps what is whole in it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

# (the last commit the fsync covers, why it failed or None); called on the syncer's thread
OnSynced = Callable[[int, "str | None"], None]

_datasync = getattr(os, "fdatasync", os.fsync)  # the data and its length, as SQLite does


class Syncer:
    def __init__(self, project: Path, on_synced: OnSynced) -> None:
        self.wal = project.with_name(project.name + "-wal")
        self.on_synced = on_synced
        self.asked = 0  # commits made
        self.done = 0  # commits on the disk (or given up on: see on_synced's error)
        self.failed: str | None = None  # the first refusal: kept (see the module's note)
        self._changed = threading.Condition()
        self._closing = False
        # kept open: SQLite removes the -wal only when its last connection closes, after
        # this syncer, so the file stays the same; nor does SQLite lock it, so closing
        # this descriptor drops none of its locks (POSIX drops a file's at any close)
        self._wal_fd: int | None = None
        self._thread = threading.Thread(target=self._run, name="wal-sync", daemon=True)
        self._thread.start()

    @property
    def pending(self) -> int:
        """Commits not yet on the disk."""
        return self.asked - self.done

    def committed(self) -> int:
        """A commit returned: make it durable. Its number, for ``on_synced``."""
        with self._changed:
            self.asked += 1
            self._changed.notify_all()
            return self.asked

    def wait(self, timeout: float | None = None) -> bool:
        """Until every commit so far is on the disk; False if ``timeout`` came first."""
        with self._changed:
            return self._changed.wait_for(lambda: self.done >= self.asked, timeout)

    def close(self) -> None:
        """Sync what is left, then end the thread."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()
        if self._wal_fd is not None:
            os.close(self._wal_fd)
            self._wal_fd = None

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self.asked > self.done or self._closing)
                if self.asked == self.done:
                    return  # closing, and nothing left
                covered = self.asked
            error = self._sync()
            with self._changed:
                self.failed = self.failed or error
                self.done = covered
                self._changed.notify_all()
            try:
                self.on_synced(covered, self.failed)
            except RuntimeError:
                pass  # a window gone before its last commit reached the disk

    def _sync(self) -> str | None:
        if self._wal_fd is None:  # the first commit made the -wal, if it was not there
            try:
                self._wal_fd = os.open(self.wal, os.O_RDWR | getattr(os, "O_BINARY", 0))
                sync_path(self.wal.parent)  # its entry in the folder, too
            except OSError as exc:
                return f"{self.wal}: cannot write it to the disk ({exc.strerror})"
        try:
            _datasync(self._wal_fd)
        except OSError as exc:
            return f"{self.wal}: the disk did not take it ({exc.strerror})"
        return None


def sync_path(path: Path, drop: bool = False) -> None:
    """Put a file's data, or a folder's names, on the disk; ``drop``: and let the system
    forget the file's pages (where it can be told: Linux), which no one will read soon."""
    folder = path.is_dir()
    if folder and os.name == "nt":
        return  # Windows keeps a file's name with the file; a folder cannot be opened
    fd = os.open(path, (os.O_RDONLY if folder else os.O_RDWR) | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
        if drop and hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
