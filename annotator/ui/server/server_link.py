"""A window's link to its project's server: other people's changes as they happen, and the
actions that could not be saved while the server was away.

- **Live**: a socket notifier on the listening connection (``storage.listen``), no polling
  loop; each change that arrives goes to the window as if its own store had announced it
  (``Change.remote``), so the list, the article and open panels (a coordinator's study
  progress) refresh.
- **Away**: an action the server could not take is kept, in order, in the outbox; the
  status bar says "not saved — reconnecting"; every two seconds the link tries again, and
  once the server answers it applies the kept actions one by one, puts each on the undo
  stack, and tells the coder exactly which ones were refused and why. Nothing is dropped
  silently: an action is either saved, still waiting, or listed as refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QMessageBox

from annotator.domain.errors import AnnotatorError, ServerUnreachable
from annotator.ui.coding import operations as ops

if TYPE_CHECKING:
    from annotator.ui.server.context import ServerContext

RETRY_MS = 2000


class ServerLink(QObject):
    def __init__(self, window: ServerContext) -> None:
        super().__init__(window.window())
        self.window = window
        self.project = window.project
        self.outbox: list[ops._Command] = []
        self.refused: list[tuple[str, str]] = []  # (action, why) of the last round
        self.listener = self.project.listen()
        self.notifier: QSocketNotifier | None = None
        self._watch()
        self.timer = QTimer(self, interval=RETRY_MS)
        self.timer.timeout.connect(self.retry)

    # -- live changes ----------------------------------------------------------------------
    def _watch(self) -> None:
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None
        if self.listener is not None and not self.listener.lost:
            self.notifier = QSocketNotifier(self.listener.fileno(), QSocketNotifier.Type.Read,
                                            self)
            self.notifier.activated.connect(self.poll)

    def poll(self) -> None:
        if self.listener is None:
            return
        for change in self.listener.poll():
            self.window.bridge.sig_changed.emit(change)
        if self.listener.lost and self.notifier is not None:  # the server went away
            self.notifier.setEnabled(False)  # a closed socket is readable for ever
            self.timer.start()

    # -- actions kept while the server is away ---------------------------------------------
    @property
    def waiting(self) -> bool:
        return bool(self.outbox)

    def keep(self, command: ops._Command, reason: str) -> None:
        self.outbox.append(command)
        self._show_waiting(reason)
        self.timer.start()

    def _show_waiting(self, reason: str) -> None:
        """The status bar says how many wait; its tooltip, which ones and why."""
        n = len(self.outbox)
        names = "\n".join(f"{i}. {c.text()}" for i, c in enumerate(self.outbox, start=1))
        line = self.window.status_line
        line.show_saved("waiting", f"{n} action{'s' * (n != 1)} waiting, kept in order")
        line.saved_label.setToolTip(f"{reason}\n\nWaiting for the server:\n{names}")

    def retry(self) -> None:
        if not self.project.reconnect():
            if self.outbox:
                self._show_waiting("the server does not answer yet")
            return
        if self.listener is not None and self.listener.lost and self.listener.connect():
            self._watch()
        if not self.flush():
            return  # away again: the rest still waits
        self.timer.stop()
        self.window.refresh_coding()
        self.window.documents.reload()  # statuses others (or the kept actions) changed
        self.window.status_line.show_saved("saved")

    def flush(self) -> bool:
        """Apply the kept actions in order; ``False`` if the server went away again."""
        self.refused = []
        while self.outbox:
            command = self.outbox[0]
            try:
                if not already_saved(command):
                    command.apply()
            except ServerUnreachable as exc:
                self._show_waiting(str(exc))
                return False
            except AnnotatorError as exc:
                self.refused.append((command.text(), str(exc)))
                self.outbox.pop(0)
                continue
            self.outbox.pop(0)
            command.applied = True
            self.window.undo_stack.push(command)
        if self.refused:
            lines = "\n".join(f"• {what}: {why}" for what, why in self.refused)
            QMessageBox.warning(self.window.window(), "Some actions were not saved",
                                f"The server is back and took the other actions. These "
                                f"{len(self.refused)} could not be saved:\n\n{lines}")
        return True

    def may_close(self) -> bool:
        """With actions still waiting, the window closes only if the coder says so, knowing
        exactly which are lost."""
        if not self.outbox:
            return True
        waiting = "\n".join(f"• {c.text()}" for c in self.outbox)
        box = QMessageBox(QMessageBox.Icon.Warning, "Not saved yet",
                          f"The server is away and these actions are not saved yet:\n\n"
                          f"{waiting}\n\nKeep the window open and they are saved when the "
                          f"server is back.", parent=self.window.window())
        wait = box.addButton("Keep waiting", QMessageBox.ButtonRole.RejectRole)
        box.addButton("Close and lose them", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(wait)
        box.exec()
        return box.clickedButton() is not wait

    def close(self) -> None:
        self.timer.stop()
        if self.notifier is not None:
            self.notifier.setEnabled(False)
        if self.listener is not None:
            self.listener.close()


def already_saved(command: ops._Command) -> bool:
    """A span whose commit reached the server just before the line was cut is stored
    already: applying it again would be refused as a duplicate, so it counts as saved."""
    if isinstance(command, ops.AddSpan) and command.span is None:
        try:
            command.span = command.project.span(command.span_id)
        except AnnotatorError:
            return False
        return True
    return False
