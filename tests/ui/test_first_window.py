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


def test_a_long_list_opens_with_its_first_rows_and_the_rest_arrives(
        make_window, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from annotator.domain.model import NewDocument
    from annotator.services import actions
    from annotator.ui.coding import document_model
    from annotator.ui.window.settings import Settings

    monkeypatch.setattr(document_model, "FIRST_ROWS", 5)
    project = actions.new_project(tmp_path / "long.annotator")
    project.import_documents([NewDocument(text=f"Article {i}.", title=f"Title {i:02d}")
                              for i in range(12)])
    settings = Settings()
    settings.last_document[project.key] = 9  # the coder stopped beyond the first rows
    window = make_window(project, settings=settings)
    assert window.document_id == 9  # opened where the coder left off, not on the first
    qtbot.waitUntil(lambda: len(window.doc_model.ids) == 12, timeout=5000)
    assert not window.doc_model.partial
    assert window.doc_table.currentIndex().row() == 8  # its row, once the list is whole
    assert "Document 9 of 12" in window.position_label.text()
