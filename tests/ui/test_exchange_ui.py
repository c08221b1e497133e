"""File → Import, Export and Merge through the window, on the worker thread, with dialogs
answered the way a user would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from annotator.storage import Project
from annotator.ui.window.import_preview import ImportPreview
from annotator.ui.window.main_window import MainWindow
from tests.unit.test_merge import code


def test_export_spans_csv_from_the_menu(make_window, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window()
    code(window.project, "ana", 0)
    target = tmp_path / "out"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (
        str(target), "Spans, one row each (*.csv)"))
    window.actions_by_name["export"].trigger()
    text = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert text.startswith("span_id,document_id") and text.count("\n") == 11


def test_import_folder_and_merge_from_the_menu(make_window, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window()
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: messages.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: messages.append("WARN " + a[2]))
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "a.txt").write_text("New piece\n\nPutin spoke about NATO.", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    monkeypatch.setattr(ImportPreview, "exec", lambda self: QDialog.DialogCode.Accepted)
    window.actions_by_name["import_folder"].trigger()
    assert window.doc_model.rowCount() == 6 and "Imported 1 document" in messages[-1]

    other = tmp_path / "other.annotator"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(other), ""))
    window.actions_by_name["save_copy"].trigger()  # a plain file copy could miss the WAL
    with Project.open(other) as project:
        code(project, "ben", 0)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(other)], ""))
    window.actions_by_name["merge"].trigger()
    assert "12 spans" in messages[-1], messages
    assert len(window.project.spans(window.document_id, "ben")) == 2


def test_import_shows_the_articles_of_a_batch_before_writing(make_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """File → Import files on a Nexis batch: the preview lists its ten articles; Cancel
    leaves the project as it was, Import adds them."""
    from tests.unit.test_news_import import SAMPLES

    window: MainWindow = make_window()
    before = window.project.document_count()
    shown: list[ImportPreview] = []

    def answer(result: QDialog.DialogCode):  # type: ignore[no-untyped-def]
        def exec_(self: ImportPreview) -> QDialog.DialogCode:
            shown.append(self)
            return result
        return exec_

    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (
        [str(SAMPLES / "sample.TXT")], ""))
    monkeypatch.setattr(ImportPreview, "exec", answer(QDialog.DialogCode.Rejected))
    window.actions_by_name["import_files"].trigger()
    tree = shown[-1].tree
    batch = tree.topLevelItem(0)
    assert batch.text(0) == "sample.TXT — 10 articles" and batch.childCount() == 10
    eighth = batch.child(7)
    assert [eighth.text(i) for i in range(3)] == ["PRISONER OF HIS OWN CABINET", "2010-01-10",
                                                  "MAIL ON SUNDAY (London)"]
    first = batch.child(0)  # what the reader said, under the article it is about
    said = [first.child(i).text(0) for i in range(first.childCount())]
    assert len(said) == 2 and "announces 10" in said[0] and "missing number(s) 8" in said[0]
    assert "2 notes" in shown[-1].summary.text()
    assert window.project.document_count() == before  # cancelled: nothing written
    monkeypatch.setattr(ImportPreview, "exec", answer(QDialog.DialogCode.Accepted))
    window.actions_by_name["import_files"].trigger()
    assert window.project.document_count() == before + 10
