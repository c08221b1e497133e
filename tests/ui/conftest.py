"""Fixtures for driving the real window with pytest-qt."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.storage import Project


@pytest.fixture
def make_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Open the window on ``project`` (default: a seeded project) as ``coder``."""
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.window.settings import Settings

    windows = []

    def make(project: Project | None = None, coder: str = "ana",
             settings: Settings | None = None) -> MainWindow:
        if project is None:
            from annotator.services import actions
            from tests.conftest import SEEDS

            path = tmp_path / f"w{len(windows)}.annotator"
            project = actions.new_project(path)
            actions.import_paths(project, [SEEDS])
        window = MainWindow(project, coder, settings or Settings.load())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # window shortcuts (Ctrl+Z, Alt+Right) need an active window
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        window.view.setFocus()
        windows.append(window)
        return window

    yield make


def point_at(view, offset: int):  # type: ignore[no-untyped-def]
    """Viewport point just inside the left edge of the character at ``offset``."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_utf16(offset))
    rect = view.cursorRect(cursor)
    return QPoint(rect.left() + 1, rect.center().y())


def drag_select(qtbot, view, start: int, end: int) -> None:  # type: ignore[no-untyped-def]
    """Select [start, end) with a real mouse drag on the article's viewport."""
    from PySide6.QtCore import Qt

    view.ensureCursorVisible()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, start))
    qtbot.mouseMove(view.viewport(), point_at(view, end))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, end))


def open_window_at(location, qtbot, coder: str | None = None):  # type: ignore[no-untyped-def]
    """The window as a user opens it (``annotator LOCATION``): the coder as the app chooses
    it from the settings, the project or ``coder``; shown and active."""
    from annotator.ui.window.app import open_window
    from annotator.ui.window.settings import Settings

    window = open_window(location, Settings.load(), coder)
    assert window is not None
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.view.setFocus()
    return window


def agreement_computed(window, qtbot):  # type: ignore[no-untyped-def]
    """Tools → Agreement opened with its shortcut, its report computed."""
    from PySide6.QtCore import Qt

    qtbot.keyClick(window.view, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.study.agreement_window
    qtbot.addWidget(dialog)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    return dialog
