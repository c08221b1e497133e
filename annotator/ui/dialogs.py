"""Dialogs: import on a worker thread with a cancellable progress dialog, the coder prompt,
and the keyboard shortcuts list."""

from __future__ import annotations

import html
import threading
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QMessageBox,
    QProgressDialog,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator import actions
from annotator.domain.errors import AnnotatorError, Cancelled
from annotator.storage import ImportResult, Project


class ImportJob(QThread):
    """Imports on its own connection to the project file; all or nothing, as on the CLI."""

    sig_progress = Signal(int, int)

    def __init__(self, project_path: Path, sources: list[Path]) -> None:
        super().__init__()
        self.project_path, self.sources = project_path, sources
        self.result: ImportResult | None = None
        self.error: str | None = None
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            with Project.open(self.project_path) as project:
                self.result = actions.import_paths(
                    project, self.sources, progress=self.sig_progress.emit,
                    cancelled=self._cancel.is_set)
        except Cancelled:
            self.error = None
        except AnnotatorError as exc:
            self.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a silent failure
            self.error = f"the import failed: {exc!r}"


def run_import(parent: QWidget, project_path: Path, sources: list[Path]) -> ImportResult | None:
    """Import with a progress dialog; tells the user the outcome; None if nothing was added."""
    job = ImportJob(project_path, sources)
    dialog = QProgressDialog("Importing…", "Cancel", 0, 0, parent)
    dialog.setWindowTitle("Import")
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(job.cancel)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(f"Importing file {done} of {total}…")

    job.sig_progress.connect(progress)
    job.finished.connect(dialog.close)
    job.start()
    dialog.exec()
    job.wait()
    if job.error:
        QMessageBox.warning(parent, "Import failed",
                            f"{job.error}\n\nNothing was imported.")
        return None
    if job.result is None:
        QMessageBox.information(parent, "Import cancelled", "Nothing was imported.")
        return None
    result = job.result
    QMessageBox.information(parent, "Import finished",
                            f"Imported {result.added} document(s); skipped "
                            f"{result.duplicates} duplicate(s).")
    return result


def ask_coder(parent: QWidget | None, known: list[str], current: str = "") -> str | None:
    """Ask who is coding; offers the project's coders, accepts a new name."""
    name, ok = QInputDialog.getItem(
        parent, "Who is coding?",
        "Your name as a coder (each coder's spans are kept apart):",
        known or ([current] if current else []), 0, True)
    name = name.strip()
    return name if ok and name else None


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
