"""Memos typed in the window as a coder does: on a span (its field in the span editor) and
on the document (under the variables), stored after a pause or on leaving the field, one
undo step per edit, shown in the spans table and on hover, then carried by a merge and
written by an export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from annotator.services import actions, study
from annotator.storage import Project
from tests.conftest import SEEDS
from tests.ui.conftest import drag_select


def test_memos_typed_undone_merged_and_exported(make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "shared.annotator"
    with actions.new_project(shared) as p:
        actions.import_paths(p, [SEEDS])
    mine = tmp_path / "ana.annotator"
    shutil.copy(shared, mine)
    window = make_window(Project.open(mine))
    text = window.view.text
    at = text.index("Putin")
    drag_select(qtbot, window.view, at, at + 5)
    qtbot.keyClick(window.view, Qt.Key.Key_S)  # speaker
    (span,) = window.project.spans(window.document_id, "ana")
    memo = window.span_editor.findChild(QPlainTextEdit, "span_memo")
    assert memo is not None and memo.isVisible()
    memo.setFocus()
    qtbot.keyClicks(memo, "Quoted from AP")
    qtbot.keyClick(memo, Qt.Key.Key_Return)
    qtbot.keyClicks(memo, "check wire")
    qtbot.waitUntil(lambda: window.project.span(span.id).memo == "Quoted from AP\ncheck wire",
                    timeout=3000)  # stored after a pause in typing
    assert window.spans_model.index(0, 4).data() == "Quoted from AP check wire"
    assert "Quoted from AP" in window.view.tooltip_at(at + 1)

    document_memo = window.variables_form.findChild(QPlainTextEdit, "document_memo")
    document_memo.setFocus()
    qtbot.keyClicks(document_memo, "Date looks wrong")
    qtbot.keyClick(document_memo, Qt.Key.Key_Tab)  # leaving the field stores it at once
    assert window.project.document_memo(window.document_id, "ana") == "Date looks wrong"

    window.undo_stack.undo()  # the document memo: one step however it was typed
    assert window.project.document_memo(window.document_id, "ana") == ""
    assert document_memo.toPlainText() == ""
    window.undo_stack.undo()  # the span memo, one step
    assert window.project.span(span.id).memo == ""
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert window.project.span(span.id).memo == "Quoted from AP\ncheck wire"
    doc = window.document_id

    with Project.open(shared) as target:  # the coordinator merges ana's copy, then exports
        study.merge_projects(target, [mine])
        assert target.span(span.id).memo == "Quoted from AP\ncheck wire"
        assert target.document_memo(doc, "ana") == "Date looks wrong"
        actions.export(target, "jsonl", tmp_path / "out.jsonl")
    line = next(json.loads(x) for x in (tmp_path / "out.jsonl").read_text(
        encoding="utf-8").splitlines() if json.loads(x)["id"] == doc)
    assert line["coders"]["ana"]["memo"] == "Date looks wrong"
    assert line["coders"]["ana"]["spans"][0]["memo"] == "Quoted from AP\ncheck wire"


def test_memos_are_searchable_in_coded_segments(make_window, qtbot, monkeypatch,  # type: ignore[no-untyped-def]
                                                tmp_path: Path) -> None:
    import csv

    from PySide6.QtWidgets import QFileDialog

    from annotator.ui.find import segments_window

    window = make_window()
    project = window.project
    span = project.add_span(1, "ana", "speaker", 0, 4)
    project.update_span(span.id, memo="wire copy,\nsee AP")
    project.set_document_memo(2, "ana", "Date looks wrong")
    project.set_document_memo(3, "ben", "Ben's memo")  # blind: not ana's to see
    panel = segments_window.open_segments(window)
    panel.tabs.setCurrentIndex(2)
    panel.show_memos()
    proxy = panel.memo_proxy
    assert proxy.rowCount() == 2
    assert [proxy.index(r, 5).data() for r in range(2)] == ["wire copy, see AP",
                                                            "Date looks wrong"]
    panel.filter.setText("date looks")
    assert proxy.rowCount() == 1 and proxy.index(0, 4).data() == "the document"
    panel._open_memo(proxy.index(0, 0))
    assert window.document_id == 2
    panel.filter.clear()
    panel._open_memo(proxy.index(0, 0))
    assert window.document_id == 1 and window.selected_span_id == span.id
    out = tmp_path / "memos.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    panel.export_csv()
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert rows[0]["memo"] == "wire copy,\nsee AP"  # the memo whole, not flattened
    panel.tabs.setCurrentIndex(0)
    panel.category.setCurrentIndex(panel.category.findData("speaker"))
    panel.show_spans()
    assert panel.span_proxy.index(0, 10).data() == "wire copy, see AP"
