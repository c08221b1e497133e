"""Tools → Search corpus driven as a coder would: the shortcut, a query typed and Enter, the
lines sorted, a line opened at its match, auto-coding reviewed and added, Ctrl+Z and redo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QDialog, QMessageBox

from annotator.domain.model import NewDocument
from annotator.services import actions
from annotator.ui.find import search_window
from tests.unit.test_corpus_search import TEXTS


def _project(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = actions.new_project(tmp_path / "s.annotator")
    project.import_documents(
        [NewDocument(t.replace("\r\n", "\n"), title=f"t{i}", date=f"2022-0{5 - i}-01",
                     outlet=f"o{i % 2}") for i, t in enumerate(TEXTS)])
    return project


def test_search_open_at_match_autocode_and_undo(make_window, qtbot, monkeypatch,  # type: ignore[no-untyped-def]
                                                tmp_path: Path) -> None:
    window = make_window(_project(tmp_path))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: (_ for _ in ()).throw(
        AssertionError(a[2])))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    panel = window.search_window
    assert panel.isVisible()
    qtbot.waitUntil(panel.query.hasFocus, timeout=3000)  # type at once
    qtbot.keyClicks(panel.query, "stolten*")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    model = panel.model
    assert model.rowCount() == 4 and "4 matches in 3 documents" in panel.summary.text()
    assert [model.index(r, 4).data() for r in range(4)] == ["Stoltenberg"] * 4
    assert model.index(0, 6).data() == "2"  # matches in its document
    header = panel.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,  # sort by date
                     pos=QPoint(header.sectionViewportPosition(1) + 5, header.height() // 2))
    assert [model.index(r, 0).data() for r in range(4)] == ["4", "2", "1", "1"]

    panel.table.setFocus()
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # document 4, after a flag emoji
    assert window.document_id == 4
    text = window.project.document(4).text
    assert window.view.selected_range() == (text.index("Stoltenberg"),
                                            text.index("Stoltenberg") + 11)

    def review(dialog: search_window.ReviewDialog) -> int:
        assert dialog.tree.topLevelItemCount() == 4
        assert dialog.tree.topLevelItem(1).text(2) == "Stoltenberg's"  # snapped to the word
        dialog.tree.topLevelItem(1).setCheckState(0, Qt.CheckState.Unchecked)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(search_window.ReviewDialog, "exec", review)
    panel.category.setCurrentIndex(panel.category.findData("speaker"))
    actor = panel.findChild(QComboBox, "autocode_actor")  # the category's choice attribute
    actor.setCurrentIndex(actor.findData("stoltenberg"))
    qtbot.mouseClick(panel.code_button, Qt.MouseButton.LeftButton)
    coded = [(s.document_id, s.text) for s in window.project.iter_spans()]
    assert sorted(coded) == [(1, "Stoltenberg"), (2, "Stoltenberg"), (4, "Stoltenberg")]
    assert {s.attributes.get("actor") for s in window.project.iter_spans()} == {"stoltenberg"}
    assert len(window.spans) == 1 and window.spans[0].text == "Stoltenberg"  # shown at once
    assert "Added 3 spans in 3 documents" in panel.summary.text()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step
    assert list(window.project.iter_spans()) == [] and window.spans == []
    window.undo_stack.redo()
    assert sorted((s.document_id, s.text) for s in window.project.iter_spans()) == sorted(coded)

    qtbot.mouseClick(panel.code_button, Qt.MouseButton.LeftButton)  # again: nothing new
    assert len(list(window.project.iter_spans())) == 3


def test_a_query_it_cannot_read_is_explained_in_the_panel(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    panel = search_window.open_search(window)
    panel.query.setText('"NATO expansion')
    QTest.keyClick(panel.query, Qt.Key.Key_Return)
    assert "no closing quotation mark" in panel.summary.text()
    assert panel.model.rowCount() == 0 and not panel.code_button.isEnabled()
    panel.query.setText("Zelensky OR Зеленский")  # non-ASCII typed through setText
    QTest.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 1 and "1 match in 1 document" in panel.summary.text()
    panel.query.setText("Зеленский")
    QTest.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 0 and "No document matches 'Зеленский'" in \
        panel.summary.text()


def test_keywords_are_highlighted_in_every_article_and_never_stored(make_window, qtbot,  # type: ignore[no-untyped-def]
                                                                    monkeypatch) -> None:
    from annotator.ui.coding.article_view import KEYWORD_COLOUR
    from annotator.ui.find import keywords

    window = make_window()
    seen: list[keywords.KeywordsDialog] = []

    def fill(dialog: keywords.KeywordsDialog) -> int:
        seen.append(dialog)
        dialog.edit.setPlainText("# names\nStolten*\n\"security guarantees\"\n(broken")
        dialog.accept()
        assert "line 4" in dialog.error.text() and "'(broken'" in dialog.error.text()
        dialog.edit.setPlainText("# names\nStolten*\n\"security guarantees\"\nPutin")
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(keywords.KeywordsDialog, "exec", fill)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert seen and window.settings.keywords[1] == "Stolten*"
    text = window.view.text
    found = [text[a:b] for a, b in window.view.keyword_ranges]
    assert found and set(found) <= {"Putin", "Stoltenberg", "security guarantees"}
    assert found.count("Putin") == text.count("Putin")
    colours = {piece.format.foreground().color().name() for piece in window.view.painted()}
    assert KEYWORD_COLOUR in colours
    assert list(window.project.iter_spans()) == []  # a reading aid, not coding
    window.coding.step_document(1)
    assert [window.view.text[a:b] for a, b in window.view.keyword_ranges].count("Putin") == \
        window.view.text.count("Putin")  # every article


def test_coded_segments_filter_sort_open_and_export(make_window, qtbot, monkeypatch,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    import csv

    from PySide6.QtWidgets import QFileDialog

    from annotator.ui.find import segments_window

    project = _project(tmp_path)
    text = project.document(4).text
    at = text.index("Stoltenberg")
    mine = project.add_span(4, "ana", "speaker", at, at + 11, attributes={"actor": "stoltenberg"})
    project.add_span(1, "ana", "speaker", 0, 4)
    project.add_span(1, "ben", "speaker", 5, 16)
    project.add_span(3, "ana", "demand", 0, 5)
    project.set_variable(2, "ana", "tone", "negative")
    project.set_variable(3, "ben", "tone", "negative")
    window = make_window(project)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    panel = window.segments_window
    assert panel.isVisible()
    qtbot.waitUntil(panel.isActiveWindow, timeout=3000)
    assert [panel.coder.itemData(i) for i in range(panel.coder.count())] == ["ana"]  # blind
    panel.category.setCurrentIndex(panel.category.findData("speaker"))
    qtbot.keyClick(panel.category, Qt.Key.Key_Return)  # Enter: the default button, Show
    view, proxy = panel.span_view, panel.span_proxy
    assert proxy.rowCount() == 2 and panel.summary.text().startswith("2 spans")
    assert [proxy.index(r, 7).data() for r in range(2)] == ["Jens", "Stoltenberg"]
    assert proxy.index(1, 6).data().endswith("said Jens")  # the context, on one line
    assert proxy.index(1, 9).data() == '{"actor": "stoltenberg"}'
    qtbot.keyClicks(panel.filter, "Jens")  # in the span or its context
    assert proxy.rowCount() == 2
    panel.filter.setText("actor")
    assert proxy.rowCount() == 1 and "1 shown by the filter" in panel.summary.text()
    panel.filter.clear()
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, 0).data() == "4"  # numbers sort as numbers
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.document_id == 4 and window.selected_span_id == mine.id

    out = tmp_path / "segments.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    panel.export_csv()
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["text"] for r in rows] == ["Stoltenberg", "Jens"]  # in the order shown
    assert rows[0]["span"] == mine.id and rows[0]["start"] == str(at)

    window.coder_panel.set_blind(False)
    panel = segments_window.open_segments(window)
    assert panel.coder.findData("ben") >= 0
    panel.coder.setCurrentIndex(panel.coder.findData(segments_window._ALL))
    panel.show_spans()
    assert panel.span_proxy.rowCount() == 3
    panel.tabs.setCurrentIndex(1)
    panel.variable.setCurrentIndex(panel.variable.findData("tone"))
    panel.value.setCurrentIndex(panel.value.findData("negative"))
    panel.value_coder.setCurrentIndex(panel.value_coder.findData(segments_window._ALL))
    panel.show_values()
    assert panel.value_proxy.rowCount() == 2 and panel.summary.text().startswith("2 documents")
    panel.value_view.selectRow(1)
    panel._open_document(panel.value_view.currentIndex())
    assert window.document_id == 3


def test_the_first_page_comes_at_once_and_read_all_brings_the_rest(make_window, qtbot,  # type: ignore[no-untyped-def]
                                                                   monkeypatch,
                                                                   tmp_path: Path) -> None:
    from annotator.services import search

    monkeypatch.setattr(search, "PAGE", 2)
    window = make_window(_project(tmp_path))
    panel = search_window.open_search(window)
    panel.query.setText("stoltenberg OR nato")
    QTest.keyClick(panel.query, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 2 and panel.all_button.isEnabled()
    assert "The first 2 matches" in panel.summary.text()
    qtbot.mouseClick(panel.all_button, Qt.MouseButton.LeftButton)  # on a worker thread
    assert panel.model.rowCount() == 6 and not panel.all_button.isEnabled()
    assert "6 matches in 3 documents" in panel.summary.text()


def test_coded_segments_say_when_there_are_more_than_they_show(make_window, monkeypatch,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    from annotator.ui.find import segments_window

    monkeypatch.setattr(segments_window, "LIMIT", 2)
    project = _project(tmp_path)
    for doc in (1, 2, 3):
        project.add_span(doc, "ana", "speaker", 0, 4)
    window = make_window(project)
    panel = segments_window.open_segments(window)
    panel.show_spans()
    assert panel.span_proxy.rowCount() == 2
    assert panel.summary.text().startswith("The first 2 spans, by document; there are more")
    project.delete_span(project.spans(3)[0].id)
    panel.show_spans()
    assert panel.summary.text().startswith("2 spans")


def test_open_panels_follow_the_coding(make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Coded segments and charts, left open beside the article, show what was just coded
    (and undone) once the changes pause."""
    from annotator.ui.find import charts_window, segments_window

    window = make_window(_project(tmp_path))
    panel = segments_window.open_segments(window)
    panel.category.setCurrentIndex(panel.category.findData("speaker"))
    panel.show_spans()
    charts = charts_window.open_charts(window)
    assert panel.span_proxy.rowCount() == 0
    window.show_document(1)
    window.view.select_range(5, 16)
    window.coding.code("speaker", None)  # in the window, as a coder does
    qtbot.waitUntil(lambda: panel.span_proxy.rowCount() == 1, timeout=3000)
    qtbot.waitUntil(lambda: charts.tally is not None and charts.tally.largest == 1,
                    timeout=3000)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.span_proxy.rowCount() == 0, timeout=3000)
