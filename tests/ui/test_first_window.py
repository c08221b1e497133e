"""The main window opens on a project and shows the documents and the first seed article."""

from __future__ import annotations

from annotator.ui.window.main_window import MainWindow
from tests.conftest import SEEDS


def test_window_lists_documents_and_shows_first_seed(make_window) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window()
    assert window.doc_model.rowCount() == 5
    assert window.document_id == window.doc_model.ids[0]
    first = (SEEDS / "000_9aad4e8c34fb65d9.txt").read_text(encoding="utf-8")
    assert window.view.toPlainText() == first.removeprefix(" date 2022-02-02 ")
    assert window.view.isReadOnly()
    assert "2022-02-02" in window.header.text()
    assert "Document 1 of 5" in window.position_label.text()


def test_sample_project_is_created_under_the_data_folder(qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator import paths
    from annotator.ui.window.app import open_window

    window = open_window(None, coder="ana")
    assert window is not None
    qtbot.addWidget(window)
    assert window.project.path == paths.default_project_path()
    assert str(window.project.path).startswith(str(paths.user_data_dir()))
    assert window.project.document_count() == 5
    window.close()
