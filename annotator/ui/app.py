"""Starting the window: the Qt application, the project (or the sample), and the coder."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator import actions, paths
from annotator.domain.errors import AnnotatorError
from annotator.storage import Project
from annotator.ui.dialogs import ask_coder
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import Settings


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    icon = paths.resources_dir() / "icons" / "annotator.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app  # type: ignore[return-value]


def open_window(project_path: Path | None, settings: Settings | None = None,
                coder: str | None = None) -> MainWindow | None:
    """Open the project (the sample if none) and the window; None if the user gave up."""
    settings = settings or Settings.load()
    try:
        project = Project.open(project_path) if project_path else actions.open_or_create_sample()
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Cannot open project", str(exc))
        return None
    coder = coder or settings.coder or ask_coder(None, project.coders())
    if not coder:
        project.close()
        return None
    settings.coder = coder
    window = MainWindow(project, coder, settings)
    settings.save()
    return window


def run(project_path: Path | None = None) -> int:
    app = application()
    window = open_window(project_path)
    if window is None:
        return 1
    window.show()
    return app.exec()
