"""The document list's text filter and column sort, answered off the UI thread.

A word found in nearly every one of 100,000 articles gives SQLite 100,000 ids to join and
sort (110–190 ms), and a sort by status takes about 100 ms: either would freeze the window
while the user types or clicks. The query runs on a
thread of its own, with its own read-only connection to the project file (WAL lets it read
while the window writes); only the answer to the latest request is used, and answers to
requests overtaken by newer typing are skipped before they are even asked.
"""

from __future__ import annotations

import atexit
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from annotator.storage import Project


class _Worker(QObject):
    sig_result = Signal(int, object)  # generation, ids (or the exception raised)

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = path
        self.latest = 0  # set by the UI thread before each request
        self._project: Project | None = None

    @Slot(int, object)
    def query(self, generation: int, arguments: dict[str, Any]) -> None:
        if generation != self.latest:
            return  # overtaken by newer typing: nobody waits for this answer
        try:
            if self._project is None:
                self._project = Project.open(self.path, read_only=True)
            result: object = self._project.document_ids(**arguments)
        except Exception as exc:  # noqa: BLE001 - handed to the UI thread, which asks again
            result = exc
        self.sig_result.emit(generation, result)

    @Slot()
    def close(self) -> None:
        if self._project is not None:
            self._project.close()
            self._project = None


class ListQuery(QObject):
    """``request(**document_ids_arguments)``; ``sig_ready(ids)`` answers the latest one."""

    sig_ready = Signal(object)
    _sig_request = Signal(int, object)

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self._thread = QThread()
        self._thread.setObjectName("document list filter")
        self._worker = _Worker(path)
        self._worker.moveToThread(self._thread)
        self._sig_request.connect(self._worker.query)
        # finished is emitted in the worker's own thread: its connection is closed there
        self._thread.finished.connect(self._worker.close, Qt.ConnectionType.DirectConnection)
        self._worker.sig_result.connect(self._result)
        self.generation = 0
        self._answered = 0  # the generation whose answer the list shows (or gave up on)
        _LIVE.add(self)

    @property
    def pending(self) -> bool:
        return self.generation != self._answered

    def request(self, **arguments: Any) -> None:
        if not self._thread.isRunning():
            self._thread.start()  # on the first filter or sort: a list never filtered has none
        self.generation += 1
        self._worker.latest = self.generation
        self._sig_request.emit(self.generation, arguments)

    def cancel(self) -> None:
        """Forget what is being asked: its answer will be ignored."""
        self.generation += 1
        self._worker.latest = self.generation
        self._answered = self.generation

    def _result(self, generation: int, result: object) -> None:
        if generation == self.generation:
            self._answered = generation
            self.sig_ready.emit(result)

    def stop(self) -> None:
        """Idempotent: the thread ends, closing its connection first."""
        self.cancel()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()


_LIVE: weakref.WeakSet[ListQuery] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    """A script that opens a window and ends without closing it must not leave a running
    thread to Python's shutdown (Qt aborts the process when a running QThread is freed)."""
    for query in list(_LIVE):
        query.stop()
