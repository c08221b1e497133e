"""Smaller promises of the coding window, each a bug a user met: selection after a
double-click, compare panes, blind per coder, the second opener, the list's sort mark, the
codebook panel, the disagreements text, export file modes and the layout at small sizes."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.domain.model import Status
from annotator.services import actions
from annotator.storage.sqlite import lock
from annotator.ui.study.agreement_window import _span_text
from tests.ui.conftest import point_at

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_ctrl_shift_right_after_a_double_click_adds_the_next_word(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view = window.view
    at = view.text.index("Biden")
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, at + 1))
    assert view.selected_range() == (at, at + 5)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL_SHIFT)
    assert view.text[slice(*view.selected_range())] == "Biden administration"
    qtbot.keyClick(view, Qt.Key.Key_S)
    assert window.project.span(window.selected_span_id).text == "Biden administration"


def test_compare_panes_are_labelled_wide_and_scroll_together(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.resize(800, 600)
    window.project.add_span(window.document_id, "ben", "speaker", 0, 3)
    window.study.compare_with("ben")
    qtbot.wait(50)
    assert "ana" in window.view_label.text() and window.view_label.isVisible()
    assert "ben" in window.compare_label.text()
    chars = window.view.fontMetrics().averageCharWidth()
    assert window.view.width() >= 40 * chars and window.compare_view.width() >= 40 * chars
    bar, other = window.view.verticalScrollBar(), window.compare_view.verticalScrollBar()
    if bar.maximum():
        bar.setValue(bar.maximum())
        assert other.value() == other.maximum()


def test_blind_is_each_coders_own(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.actions_by_name["blind"].trigger()  # ana turns it off
    assert not window.blind
    window.coder_panel.switch_coder("ben")
    assert window.blind and window.actions_by_name["blind"].isChecked()
    window.coder_panel.switch_coder("ana")
    assert not window.blind


def test_a_second_opener_is_told_who_has_it(make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    path = window.project.path
    data = lock.lock_path(path).read_text(encoding="utf-8")
    assert str(os.getpid()) in data
    assert lock.holder(path) is None  # our own lock
    lock.lock_path(path).write_text(data.replace('"host": "', '"host": "elsewhere-'),
                                    encoding="utf-8")
    other = lock.holder(path)
    assert other is not None and "elsewhere-" in str(other)
    window.close()
    assert lock.lock_path(path).exists()  # not ours any more: left alone


def test_list_shows_no_sort_mark_in_import_order(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.doc_table.horizontalHeader().sortIndicatorSection() == -1
    assert window.doc_model.ids == sorted(window.doc_model.ids)


def test_codebook_panel_forgets_the_last_article(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view = window.view
    view.select_range(0, 3)
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert "Accusation" in window.scheme_panel.codebook.toPlainText()
    window.coding.step_document(1)
    assert "Accusation" not in window.scheme_panel.codebook.toPlainText()


def test_disagreement_text_shows_where_two_spans_differ() -> None:
    a = "Putin accused the United States and NATO of ignoring Russia's security concerns " \
        "in Europe"
    b = a.replace("in Europe", "in Ukraine")
    assert _span_text((0, len(a), None, a)) != _span_text((0, len(b), None, b))
    assert _span_text((0, len(b), None, b)).endswith("in Ukraine”")


def test_exports_get_the_users_file_mode(tmp_path: Path, project) -> None:  # type: ignore[no-untyped-def]
    old = os.umask(0o022)
    try:
        for fmt, name in (("spans-csv", "a.csv"), ("qdpx", "a.qdpx"), ("brat", "brat")):
            out = tmp_path / name
            actions.export(project, fmt, out)
            assert out.stat().st_mode & 0o777 == (0o755 if out.is_dir() else 0o644), fmt
    finally:
        os.umask(old)


def test_every_field_is_reachable_at_1366_by_768(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.resize(1366, 768)
    view = window.view
    view.select_range(0, 3)
    qtbot.keyClick(view, Qt.Key.Key_S)
    qtbot.wait(50)
    scroll = window.forms_scroll
    for editor in [*window.span_editor.editors.values(), *window.variables_form.editors.values()]:
        widget = editor.widget
        assert widget.width() >= 100, widget.objectName()  # not squashed
        right = widget.mapTo(scroll.widget(), widget.rect().topRight()).x()
        assert right <= scroll.viewport().width(), widget.objectName()  # not cut off


def test_headline_keeps_to_two_lines_at_800_by_600(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.resize(800, 600)
    qtbot.wait(50)
    lines = window.header.height() // window.header.fontMetrics().height()
    assert lines <= 5  # two title lines at 14 pt and the date line
    assert window.view.height() >= 250


def test_compare_on_a_narrow_window_folds_the_side_panels(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.resize(800, 600)
    window.project.add_span(window.document_id, "ben", "speaker", 0, 3)
    window.study.compare_with("ben")
    assert not window.left_panel.isVisible() and not window.right_panel.isVisible()
    window.study.compare_with("")
    assert window.left_panel.isVisible() and window.right_panel.isVisible()


def test_restore_a_backup_from_the_file_menu(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator.storage.sqlite.backup import list_backups, make_backup
    from annotator.ui.window.menus import restore_backup

    window = make_window()
    for opening, _ in window.session.backups:  # the backup made at open, whole or stopped
        opening.join()
    window.session.back_up(0).join()  # type: ignore[union-attr] - one made now
    path = window.project.path
    before = len(list_backups(path))
    window.view.select_range(0, 3)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert len(window.spans) == 1
    make_backup(path)  # now the newest holds the span; the one before does not
    restore_backup(window, choice=1)
    assert window.spans == [] and window.project.path == path
    assert len(list_backups(path)) == before + 2  # the state before the restore is kept


def test_a_locked_project_shows_not_saved_and_what_is_stored(make_window, qtbot,  # type: ignore[no-untyped-def]
                                                             monkeypatch) -> None:
    import sqlite3

    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    window = make_window()
    window.project.db.execute("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(window.project.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        window.navigation.focus_variables()
        qtbot.keyClicks(window.variables_form.editors["outlet"].widget, "Tass")
        qtbot.waitUntil(lambda: "NOT SAVED" in window.saved_label.text(), timeout=3000)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "locked by another program" in window.saved_label.text()
    assert shown and "locked" in shown[0]
    assert window.project.variables(window.document_id, "ana") == {}
    assert window.variables_form.values == {}  # the form shows what is stored, not the typing


def test_opening_a_project_open_elsewhere_offers_read_only(qtbot, monkeypatch, project) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from annotator.ui.window import app
    from annotator.ui.window.settings import Settings

    path = project.path
    project.close()
    monkeypatch.setattr(lock, "holder", lambda p: lock.Holder("ben", "lab-pc", 4242, "09:00"))
    asked: list[str] = []

    def click_read_only(box: QMessageBox) -> int:
        asked.append(box.text())
        box.buttons()[0].click()  # "Open read-only", the default
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_read_only)
    window = app.open_window(path, Settings(), coder="ana")
    assert window is not None
    qtbot.addWidget(window)
    assert "ben on lab-pc" in asked[0]
    assert window.project.read_only and "(read-only)" in window.windowTitle()


def test_spans_nested_in_another_category_are_found_in_one_pass() -> None:
    from annotator.domain.model import Span
    from annotator.ui.coding.span_paint import nested

    def span(i: str, category: str, start: int, end: int) -> Span:
        return Span(id=i, document_id=1, coder="a", category=category, start=start, end=end,
                    text="x" * (end - start), label=None, attributes={}, created_at="",
                    updated_at="")

    spans = [span("acc", "accusation", 0, 40), span("sp", "speaker", 10, 15),
             span("sp2", "speaker", 12, 14), span("half", "demand", 30, 50),
             span("out", "speaker", 60, 65)]
    assert nested(spans) == {"sp", "sp2"}  # inside the accusation; 'half' only overlaps


def test_clicking_a_list_header_twice_sorts_descending(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The second click on Status raised an SQL error inside Qt's sort()."""
    from PySide6.QtCore import QPoint, Qt

    window = make_window()
    window.coding.set_status(Status.DONE)
    header = window.doc_table.horizontalHeader()
    for column in range(window.doc_model.columnCount()):
        centre = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2,
                        header.height() // 2)
        for _ in range(2):
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)
            qtbot.waitUntil(lambda: not window.doc_model.pending, timeout=3000)
            assert len(window.doc_model.ids) == window.project.document_count()
    assert window.doc_model.descending


def test_coding_a_document_re_reads_its_list_row_alone(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """#28: the list's row of the document coded shows its new status; the rest of its page
    is kept, not read again (a page is 200 rows of SQL at every span)."""
    window = make_window()
    model = window.doc_model
    position = model.position_of(window.document_id)
    status = model.index(position, 3)
    assert "not started" in model.data(status).lower()
    page = model._pages[position // 200]
    other = model.row(position + 1 if position + 1 < len(model.ids) else position - 1)
    window.view.select_range(0, 4)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert "in progress" in model.data(status).lower()
    assert model._pages[position // 200] is page, "the page is patched, not dropped"
    assert model.row(position + 1 if position + 1 < len(model.ids) else position - 1) is other
    assert model.position_of(window.document_id) == position
    assert model.position_of(-5) is None
    model._ids = list(range(100_000, 0, -1))  # a long list: near the last row first, then all
    assert [model.position_of(d) for d in (100_000, 99_999, 1, 2, 50_000, 77)] == [
        0, 1, 99_999, 99_998, 50_000, 99_923]
    assert model.position_of(100_001) is None


def test_a_switch_paints_the_spans_tables_scroll_bars_once(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """#28: the spans table's scroll bars are placed before the paint that follows a switch,
    and its vertical bar stays from a document without spans to one with many.
    Qt places them from a queued call when their range changes; left to the event loop, it
    came after the paint and painted the table's frame and both bars again (2-3 ms)."""
    from PySide6.QtCore import QEvent, QObject

    window = make_window()
    window.resize(1366, 740)
    first, second = window.project.all_document_ids()[:2]
    with window.project.transaction():
        for at in range(40):  # more rows than the table shows: the bar's range changes
            window.project.add_span(first, "ana", "speaker", at, at + 3)
    window.show_document(second)
    qtbot.wait(50)

    class Painted(QObject):
        count = 0

        def eventFilter(self, _watched, event) -> bool:  # type: ignore[no-untyped-def]
            self.count += event.type() == QEvent.Type.Paint
            return False

    painted = Painted()
    bar = window.spans_table.verticalScrollBar()
    bar.installEventFilter(painted)
    for document in (first, second, first):
        window.show_document(document)
        window.repaint()
        before, maximum = painted.count, bar.maximum()
        qtbot.wait(30)  # the event loop: what it paints again was placed late
        assert painted.count == before, f"painted again after the switch to {document}"
        assert bar.maximum() == maximum
        assert bar.isVisible(), "the bar stays, with rows to scroll or none"
    assert bar.maximum() > 0
