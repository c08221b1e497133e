"""Dialogs: import on a worker thread with a cancellable progress dialog, the coder prompt,
the tool panels kept on the window (``show_panel``),
and the keyboard shortcuts list."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import AnnotatorError, Cancelled
from annotator.services import actions
from annotator.storage import ImportResult, Project

Task = Callable[[Project, Callable[[int, int], None], Callable[[], bool]], Any]


class Job(QThread):
    """Runs ``task(project, progress, cancelled)`` on its own connection to the project file,
    so the window stays responsive; the task is all or nothing, as on the command line."""

    sig_progress = Signal(int, int)

    def __init__(self, project_path: Path | str, task: Task) -> None:
        super().__init__()
        self.project_path, self.task = project_path, task
        self.result: Any = None
        self.error: str | None = None
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            with Project.open(self.project_path) as project:
                self.result = self.task(project, self.sig_progress.emit, self._cancel.is_set)
        except Cancelled:
            self.error = None
        except AnnotatorError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a silent failure
            self.error = f"it failed: {exc!r}"


P = TypeVar("P", bound=QWidget)
ALL = "\x00all"  # a choice box's "every …" item: no key or coder name can be it


def fill_coders(box: QComboBox, window: Any) -> None:
    """The coders a tool panel may show the coding of: me, then (unless blind coding hides
    the others) every coder and each other coder by name."""
    box.clear()
    box.addItem(f"me ({window.coder})", window.coder)
    if not window.blind:
        box.addItem("every coder", ALL)
        for name in window.project.coders():
            if name != window.coder:
                box.addItem(name, name)
    box.setEnabled(box.count() > 1)
    box.setToolTip("" if box.count() > 1 else "Blind coding: only your own coding "
                                              "(Coding → Blind coding)")


def chosen_coder(box: QComboBox) -> str | None:
    """The coder chosen in a ``fill_coders`` box; None for every coder."""
    data = box.currentData()
    return None if data == ALL else data


def show_panel(window: object, name: str, make: Callable[[Any], P],
               again: Callable[[P], None] | None = None) -> P:
    """A tool panel of the window, made the first time (kept as ``window.<name>``, so its
    choices and rows stay), brought up to date with ``again`` the next, shown in front."""
    panel: P | None = getattr(window, name, None)
    if panel is None:
        panel = make(window)
        setattr(window, name, panel)
    elif again is not None:
        again(panel)
    panel.show()
    panel.raise_()
    panel.activateWindow()
    return panel


def run_job(parent: QWidget, title: str, project_path: Path | str, task: Task
            ) -> tuple[Any, str | None]:
    """Run a task with a cancellable progress dialog: (result, error); result None if cancelled."""
    job = Job(project_path, task)
    dialog = QProgressDialog(f"{title}…", "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(job.cancel)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(f"{title}: {done} of {total}…")

    job.sig_progress.connect(progress)
    job.finished.connect(dialog.close)
    job.start()
    dialog.exec()
    job.wait()
    return job.result, job.error


def run_import(parent: QWidget, project_path: Path | str, sources: list[Path]
               ) -> ImportResult | None:
    """Import with a progress dialog; tells the user the outcome; None if nothing was added."""
    result, error = run_job(parent, "Import", project_path, lambda project, progress, cancelled:
                            actions.import_paths(project, sources, progress=progress,
                                                 cancelled=cancelled))
    if error:
        QMessageBox.warning(parent, "Import failed", f"{error}\n\nNothing was imported.")
        return None
    if result is None:
        QMessageBox.information(parent, "Import cancelled", "Nothing was imported.")
        return None
    said = f"Imported {result.added} document(s); skipped {result.duplicates} duplicate(s)."
    if len(result.files) > 1 or result.notes:
        said += "\n\n" + "\n".join(map(str, result.files[:20]))
    if result.notes:
        said += "\n\n" + "\n".join(result.notes[:20]) + (
            f"\n… and {len(result.notes) - 20} more" if len(result.notes) > 20 else "")
    QMessageBox.information(parent, "Import finished", said)
    return result


def ask_coder(parent: QWidget | None, known: list[str], current: str = "") -> str | None:
    """Ask who is coding; offers the project's coders, accepts a new name."""
    name, ok = QInputDialog.getItem(
        parent, "Who is coding?",
        "Your name as a coder (each coder's spans are kept apart):",
        known or ([current] if current else []), 0, True)
    name = name.strip()
    return name if ok and name else None


def choose_coders(parent: QWidget | None, coders: list[str], ticked: list[str]
                  ) -> list[str] | None:
    """Which coders to compare with: one lane each (Space ticks, Enter confirms)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Compare with coders")
    choices = QListWidget()
    for coder in coders:
        item = QListWidgetItem(coder)
        item.setCheckState(Qt.CheckState.Checked if coder in ticked or (not ticked and coder
                           == coders[0]) else Qt.CheckState.Unchecked)
        choices.addItem(item)
    choices.setCurrentRow(0)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("Each ticked coder gets a lane beside your own text:"))
    layout.addWidget(choices)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return [choices.item(i).text() for i in range(choices.count())
            if choices.item(i).checkState() == Qt.CheckState.Checked]


def show_shortcuts(parent: QWidget, rows: list[tuple[str, str]]) -> None:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    view = QTextBrowser()
    view.setHtml("<table cellpadding=3>" + "".join(
        f"<tr><td><b>{html.escape(key)}</b></td><td>{html.escape(what)}</td></tr>"
        for key, what in rows) + "</table>")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    layout.addWidget(buttons)
    dialog.resize(520, 560)
    dialog.exec()
