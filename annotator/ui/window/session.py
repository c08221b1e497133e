"""What keeps a coding session safe beyond each action's own transaction.

- The window's place (document, layout, zoom) is saved a moment after it changes (on a
  thread of its own), not only at a clean quit, so after a crash the coder lands where
  they were.
- Each commit reaches the disk on a thread of its own (``storage/sqlite/durable.py``): an
  fsync that the disk holds up for half a second no longer holds the window, and "✓ saved"
  shows only once the disk has everything.
- The project is checkpointed (the WAL copied into the project file) on a thread of its own
  when the coder pauses, so the one file a researcher e-mails is never more than a few
  seconds behind; and every few dozen changes, so that SQLite's own checkpoint, in the
  commit that passes 1,000 pages, does not hold the window while the coder works on.
- A backup is made at open and daily while open, off the UI thread.
- The cycle collector is told to leave the window's own objects alone (``settle_the_collector``).
- A crash log: faulthandler writes a fatal error's stack to the data folder, and the next
  start says once that the last session did not end cleanly, and where the log is.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from annotator import paths
from annotator.domain.errors import AnnotatorError
from annotator.storage.sqlite import lock

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from annotator.storage import Project
    from annotator.storage.sqlite.durable import Syncer
    from annotator.ui.window.settings import Settings

STATE_DELAY_MS = 800
IDLE_CHECKPOINT_MS = 5000
# changes between checkpoints on a thread of their own: a coding action writes a few pages,
# so SQLite's own checkpoint (at 1,000 pages, in the commit that passes them: 200 ms on the
# window's thread at 100,000 documents, seen in the audit) is not reached while coding
CHECKPOINT_EVERY = 25
DAY = 24 * 3600
BACKUP_AT_OPEN_MIN_AGE = 600  # reopening within ten minutes does not add another copy
STOP_BACKUP_WAIT_S = 10  # a step and, every 64 of them, a sync of 64 MB: well under this


class SessionContext(Protocol):
    """What the session keeps safe: the project (checkpoints, backups), the settings and
    the window's layout (saved after a pause)."""

    @property
    def project(self) -> Project: ...
    @property
    def settings(self) -> Settings: ...
    def save_layout(self, in_background: bool = False) -> None: ...
    def show_saved(self, state: str, reason: str = "") -> None: ...
    def typing(self) -> bool: ...  # text typed in a field, stored at its pause
    def window(self) -> QWidget: ...  # Qt's: the top-level widget the timers belong to


class Session(QObject):
    sig_synced = Signal(int, object)  # from the syncer's thread: (commit, error or None)

    def __init__(self, window: SessionContext) -> None:
        super().__init__(window.window())
        self.window = window
        self.state_timer = QTimer(self, singleShot=True, interval=STATE_DELAY_MS)
        self.state_timer.timeout.connect(lambda: window.save_layout(in_background=True))
        self.idle_timer = QTimer(self, singleShot=True, interval=IDLE_CHECKPOINT_MS)
        self.idle_timer.timeout.connect(self.checkpoint_behind)
        self.daily = QTimer(self, interval=3600 * 1000)
        self.daily.timeout.connect(lambda: self.back_up(DAY))
        self.daily.start()
        self.last_backup_error: str | None = None
        self.changes = 0  # since the last checkpoint behind the window
        self.checkpointing: threading.Thread | None = None
        self.syncer: Syncer | None = None
        self.sig_synced.connect(self._synced)
        self.backups: list[tuple[threading.Thread, threading.Event]] = []  # under way

    def opened(self, project: Project) -> None:
        """The window's project now: a file is locked for this window, backed up, and its
        commits synced behind."""
        if not project.read_only and not project.on_server:
            lock.acquire(project.path)
        settle_the_collector()
        if not project.on_server:
            self.read_ahead(project.path)
        if not project.read_only:
            self.back_up()
        self.syncer = project.sync_off_thread(self.sig_synced.emit)

    def saved_state(self) -> tuple[str, str]:
        """``saved`` once the disk has every change, ``saving`` until then; ``failed``, with
        why and what to do, from the disk's first refusal on (the syncer's note)."""
        if self.syncer is None:
            return "saved", ""
        if self.syncer.failed:
            return "failed", (f"{self.syncer.failed}.\nWhat you did since it was last saved "
                              "may be lost if the computer stops. File → Save a copy to "
                              "another disk keeps it; then check this disk and open the "
                              "project again.")
        return ("saving", "") if self.syncer.pending else ("saved", "")

    def _synced(self, _commit: int, _error: str | None) -> None:
        """The disk has a commit: "✓ saved" if it was the last and nothing typed waits
        for its pause (an earlier commit's sync arriving mid-word said so, and the word
        was not stored yet); a refusal at once."""
        state = self.saved_state()  # (a refusal is the syncer's, kept: "failed" from then on)
        if state[0] == "failed" or (state[0] == "saved" and not self.window.typing()):
            self.window.show_saved(*state)

    def place_changed(self) -> None:
        self.state_timer.start()

    def project_changed(self) -> None:
        self.idle_timer.start()
        self.changes += 1
        if self.changes >= CHECKPOINT_EVERY:
            self.checkpoint_behind()

    def checkpoint_behind(self) -> None:
        """Copy the -wal into the file on a thread of its own (PASSIVE: it never waits for
        the window's writes, nor they for it), unless one is under way."""
        if self.checkpointing and self.checkpointing.is_alive():
            return
        self.changes = 0
        project = self.window.project
        self.checkpointing = behind("checkpoint", lambda: project.checkpoint(True))

    @staticmethod
    def read_ahead(path: Path) -> None:
        """The pages the document list reads, read once behind the window (``read_ahead``)."""
        from annotator.storage.sqlite.database import read_ahead

        behind("read-ahead", lambda: read_ahead(path))

    def back_up(self, min_age: float = BACKUP_AT_OPEN_MIN_AGE) -> threading.Thread | None:
        """Back the project up on a thread of its own (its own connection); a project on a
        server is kept by the server's own backups (``None``)."""
        settings = self.window.settings
        if self.window.project.on_server:
            return None
        path = self.window.project.path

        stop = threading.Event()

        def run() -> None:
            from annotator.storage.sqlite.backup import make_backup  # after the first frame

            try:
                make_backup(path, keep=settings.backups_keep, beside=settings.backups_beside,
                            min_age_seconds=min_age, gentle=True, stop=stop)
                self.last_backup_error = None
            except (AnnotatorError, OSError) as exc:
                self.last_backup_error = str(exc)

        thread = behind("backup", run)
        self.backups = [(t, s) for t, s in self.backups if t.is_alive()] + [(thread, stop)]
        return thread

    def closed(self, project: Project) -> None:
        """The project was let go: a backup under way stops at its next step and removes its
        unfinished copy (closing within the 11 s a 1 GB copy takes left it running on,
        the project held open, and, when the program ended, a hidden copy as large);
        then its lock goes."""
        for _, stop in self.backups:
            stop.set()
        for thread, _ in self.backups:
            thread.join(STOP_BACKUP_WAIT_S)
        self.backups = []
        if not project.read_only and not project.on_server:
            lock.release(project.path)


def settle_the_collector() -> None:
    """Python's cycle collector leaves the window's objects alone, and waits for 10,000 new
    objects instead of 700. A switch or a coding action makes a few thousand that live for
    that action (spans, pieces, rows) and are freed by their counts; at 700 each action
    set off a collection or two, and one collection in a hundred walked all the window's
    36,000 objects: 0.7 ms an action on average, 18-23 ms in one action of 70 (400 actions
    at 1,000 spans; 0.02 ms an action after). What is frozen is not collected: a cycle
    among the window's objects dropped while a project is open stays until another project
    opens, which first collects all that was frozen (a full collection, as opening another
    project is rare; never at the first open, which the start waits for)."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()  # what exists now lives as long as the window (O(1): a list moves)
    gc.set_threshold(10_000, 10, 10)


def behind(name: str, work: Callable[[], object]) -> threading.Thread:
    """``work`` on a daemon thread of its own that gives way to the window's."""

    def run() -> None:
        yield_the_cpu()
        work()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def yield_the_cpu() -> None:
    """The calling thread gives way to the window's on a busy machine (Linux, where a
    thread has a priority of its own): a backup copying 1 GB on one of two cores kept the
    window's thread waiting for a CPU 20 ms within one action."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except OSError:
            pass  # not allowed here: it runs as before


# -- crash log ---------------------------------------------------------------------------
_log_stream: IO[str] | None = None


def _marker() -> Path:
    return paths.user_data_dir() / "session.running"


def crash_log() -> Path:
    return paths.user_data_dir() / "logs" / "crash.log"


def start_crash_log() -> Path | None:
    """Enable faulthandler into the crash log; the log's path if the last session did not
    end cleanly (it crashed or was killed), else None."""
    global _log_stream
    marker = _marker()
    previous = None
    try:
        pid = int(marker.read_text(encoding="utf-8").strip() or 0) if marker.exists() else 0
        other_open = pid not in (0, os.getpid()) and lock.alive(pid)
        if pid and not other_open and pid != os.getpid():
            previous = crash_log()  # the last session's process is gone without a clean end
        crash_log().parent.mkdir(parents=True, exist_ok=True)
        if not other_open:  # a window still open keeps its marker, so its crash is told
            marker.write_text(str(os.getpid()), encoding="utf-8")
        _log_stream = crash_log().open("a", encoding="utf-8")
        faulthandler.enable(_log_stream)
    except (OSError, ValueError):
        return None
    return previous


def end_crash_log() -> None:
    """A clean exit: the next start has nothing to report (of this process; another
    window's marker stays)."""
    marker = _marker()
    try:
        if marker.read_text(encoding="utf-8").strip() == str(os.getpid()):
            marker.unlink()
    except (OSError, ValueError):
        pass
