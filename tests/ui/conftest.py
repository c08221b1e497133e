"""Fixtures for driving the real window with pytest-qt."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.storage import Project


@pytest.fixture
def make_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Open the window on ``project`` (default: a seeded project) as ``coder``."""
    from annotator.ui.main_window import MainWindow
    from annotator.ui.settings import Settings

    windows = []

    def make(project: Project | None = None, coder: str = "ana",
             settings: Settings | None = None) -> MainWindow:
        if project is None:
            from annotator import actions
            from tests.conftest import SEEDS

            path = tmp_path / f"w{len(windows)}.annotator"
            project = actions.new_project(path)
            actions.import_paths(project, [SEEDS])
        window = MainWindow(project, coder, settings or Settings.load())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
