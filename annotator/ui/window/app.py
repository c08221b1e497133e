"""Starting the window: the Qt application, the project (or the sample), and the coder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator import paths
from annotator.domain.errors import AnnotatorError
from annotator.storage.sqlite import lock
from annotator.ui.window.first_frame import show_first_frame
from annotator.ui.window.session import end_crash_log, start_crash_log
from annotator.ui.window.settings import Settings

if TYPE_CHECKING:  # loaded after the first frame is drawn (first_frame.py)
    from annotator.ui.window.main_window import MainWindow


def application() -> QApplication:
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    icon = paths.resources_dir() / "icons" / "annotator.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def open_window(project_path: Path | str | None, settings: Settings | None = None,
                coder: str | None = None) -> MainWindow | None:
    """Open the project (the sample if none) and the window; None if the user gave up."""
    from PySide6.QtWidgets import QMessageBox

    from annotator.services import actions
    from annotator.storage import Project
    from annotator.ui.window.main_window import MainWindow

    settings = settings or Settings.load()
    if paths.is_server(project_path):
        return _open_on_server(str(project_path), settings, coder)
    try:
        path = Path(project_path) if project_path else paths.default_project_path()
        read_only = _opened_elsewhere(path)
        if read_only is None:
            return None
        project = Project.open(path, read_only=read_only) if project_path or path.exists() \
            else actions.open_or_create_sample(path)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Cannot open project", str(exc))
        return None
    coder = (coder or project.study_setting("package_of")
             or settings.coder_by_project.get(project.key) or settings.coder
             or ask_coder(None, project.coders()))
    if not coder:
        project.close()
        return None
    window = MainWindow(project, coder, settings)  # a package opens as its coder
    if not window.package_coder and window.coder != actions.GOLD:
        settings.coder = window.coder
    settings.save()
    return window


def ask_coder(parent: None, known: list[str]) -> str | None:
    """The coder prompt (its module loads only when a coder must be asked)."""
    from annotator.ui.window import dialogs

    return dialogs.ask_coder(parent, known)


def _open_on_server(url: str, settings: Settings, coder: str | None) -> MainWindow | None:
    """A project on a lab's server: many coders at once is what it is for (no lock), and a
    coder's role says who they are."""
    from PySide6.QtWidgets import QMessageBox

    from annotator.storage import Project
    from annotator.ui.window.main_window import MainWindow

    try:
        project = Project.open(url)
        role_coder, _coordinates = project.session_coder()
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Cannot open project", str(exc))
        return None
    coder = role_coder or coder or settings.coder or ask_coder(None, project.coders())
    if not coder:
        project.close()
        return None
    if role_coder is None:
        settings.coder = coder
    window = MainWindow(project, coder, settings)
    settings.save()
    return window


def _opened_elsewhere(path: Path) -> bool | None:
    """If another window or process has the project open, ask: read-only (True), anyway
    (False), or not at all (None). Nobody else: False."""
    from PySide6.QtWidgets import QMessageBox

    other = lock.holder(path) if path.exists() else None
    if other is None:
        return False
    box = QMessageBox(QMessageBox.Icon.Warning, "Project already open",
                      f"{path.name} is already open: {other}.\n\nTwo people coding one "
                      f"file at once is safe for the data, but each sees the other's changes "
                      f"only after reopening a document.")
    read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Open anyway", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(read_only)
    box.exec()
    if box.clickedButton() is cancel:
        return None
    return box.clickedButton() is read_only


def run(project_path: Path | str | None = None) -> int:
    app = application()
    crashed = start_crash_log()
    if crashed is not None:
        from PySide6.QtWidgets import QMessageBox  # loaded only when needed before the frame

        QMessageBox.information(None, "annotator", "annotator did not close properly last "
                                f"time (a crash, or it was killed). Everything it showed as "
                                f"saved is in the project. If it crashed, the details are "
                                f"in {crashed}.")
    settings = Settings.load()
    frame = show_first_frame(project_path, settings)  # the article, while the rest loads
    window = open_window(project_path, settings)
    if window is None:
        if frame is not None:
            frame.close()
        end_crash_log()
        return 1
    window.show()
    if frame is not None:  # the window stands where the frame stood, then the frame goes
        frame.close()
    code = app.exec()
    end_crash_log()
    return code
