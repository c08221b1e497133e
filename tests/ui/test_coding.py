"""Coding as a user does it: select with the mouse or keyboard, press keys, undo, edit, move on.

Every test asserts what the project file stores, not what the widgets show.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QToolTip

from annotator.domain.model import NewDocument, Status
from annotator.services import actions
from annotator.ui.window.main_window import MainWindow
from annotator.ui.window.settings import Settings
from tests.ui.conftest import drag_select, point_at

EMOJI_TEXT = ("Family 👩‍👩‍👧 and flags 🇺🇦🇷🇺, café\u0301 😀😀.\r\n"
              "Vladimir Putin demanded legally binding guarantees.")


def _stored(window: MainWindow) -> list[tuple[str, int, int, str]]:
    return [(s.category, s.start, s.end, s.text)
            for s in window.project.spans(window.document_id, window.coder)]


def test_mouse_drag_and_shortcut_store_the_exact_substring(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    text = window.view.text
    start = text.index("Vladimir Putin")
    drag_select(qtbot, window.view, start + 2, start + 12)  # mid-word: snaps to whole words
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert _stored(window) == [("speaker", start, start + 14, "Vladimir Putin")]
    assert text[start:start + 14] == "Vladimir Putin"
    assert window.selected_span_id == window.spans[0].id  # ready for its attributes


def test_keyboard_selection_by_character_and_word(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view, text = window.view, window.view.text
    start = text.index("Kremlin")
    cursor = view.textCursor()
    cursor.setPosition(start)
    view.setTextCursor(cursor)
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right,
                   Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    assert view.selected_range() == (start, start + len("Kremlin"))
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert _stored(window) == [("source_outlet", start, start + 7, "Kremlin")]


def test_offsets_after_emoji_crlf_and_combining_marks(make_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "emoji.annotator"
    project = actions.new_project(path)
    source = tmp_path / "emoji.txt"
    source.write_bytes(("Headline 👍🏽\r\n\r\n" + EMOJI_TEXT).encode("utf-8"))
    actions.import_paths(project, [source])
    window = make_window(project)
    text = window.view.text
    assert "\r" not in text
    start = text.index("Vladimir")
    assert len(text[:start].encode("utf-16-le")) // 2 > start  # Qt counts differently here
    drag_select(qtbot, window.view, start, start + len("Vladimir Putin"))
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    # keyboard: Ctrl+Shift+Right over "legally binding guarantees", then the label key 2
    begin = text.index("legally")
    cursor = window.view.textCursor()
    cursor.setPosition(window.view.offsets.to_utf16(begin))
    window.view.setTextCursor(cursor)
    for _ in range(3):
        qtbot.keyClick(window.view, Qt.Key.Key_Right,
                       Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    stored = {s.category: s for s in window.project.spans(window.document_id)}
    assert stored["speaker"].text == "Vladimir Putin" == text[stored["speaker"].start:
                                                              stored["speaker"].end]
    demand = stored["demand"]
    assert (demand.text, demand.label) == ("legally binding guarantees",
                                           "legally_binding_guarantees")
    assert demand.text == text[demand.start:demand.end]
    # a selection ending inside the family emoji (a ZWJ sequence) snaps outward
    family = text.index("👩")
    window.view.snap_words = False
    cursor.setPosition(window.view.offsets.to_utf16(family))
    cursor.setPosition(window.view.offsets.to_utf16(family) + 3, QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    assert window.view.selected_range() == (family, family + 5)
    accent = text.index("\u0301") - 1  # the base letter; select the lone mark after it
    cursor.setPosition(window.view.offsets.to_utf16(accent + 1))
    cursor.setPosition(window.view.offsets.to_utf16(accent + 2), QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    assert window.view.selected_range() == (accent, accent + 2)


def test_undo_redo_and_delete_with_keys(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view = window.view
    start = view.text.index("Putin")
    view.select_range(start, start + 5)
    qtbot.keyClick(view, Qt.Key.Key_S)
    span_id = window.spans[0].id
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored(window) == []
    qtbot.keyClick(view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [s.id for s in window.project.spans(window.document_id)] == [span_id]  # same UUID
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, start + 2))
    assert window.selected_span_id == span_id
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _stored(window) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored(window) == [("speaker", start, start + 5, "Putin")]


def test_attribute_edits_label_and_link(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view = window.view
    putin = view.text.index("Vladimir Putin")
    view.select_range(putin, putin + 14)
    qtbot.keyClick(view, Qt.Key.Key_S)
    speaker_id = window.selected_span_id
    actor = window.span_editor.findChild(QComboBox, "attribute_actor")
    actor.setCurrentIndex(actor.findData("putin"))
    note = window.span_editor.findChild(QLineEdit, "attribute_note")
    qtbot.keyClicks(note, "press conference")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert window.project.span(speaker_id).attributes == {"actor": "putin",
                                                          "note": "press conference"}
    accused = view.text.index("accused")
    view.select_range(accused, accused + 7)
    qtbot.keyClick(view, Qt.Key.Key_A)
    accuser = window.span_editor.findChild(QComboBox, "attribute_accuser")
    accuser.setCurrentIndex(accuser.findData(speaker_id))
    accusation = window.project.span(window.selected_span_id)
    assert accusation.attributes == {"accuser": speaker_id}
    assert "Vladimir Putin" in window.spans_model.data(
        window.spans_model.index(window.spans_model.row_of(accusation.id), 3))
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.span(accusation.id).attributes == {}


def test_the_next_span_of_a_category_reuses_the_form_and_edits_only_itself(  # type: ignore[no-untyped-def]
        make_window, qtbot) -> None:
    """Two speakers in a row keep the same field widgets (building them was most of a
    coding step); what is typed or chosen goes to the span shown, and typing left pending
    when the coder moves on goes to the span it was typed for."""
    window = make_window()
    view = window.view
    first = view.text.index("Putin")
    view.select_range(first, first + 5)
    qtbot.keyClick(view, Qt.Key.Key_S)
    a = window.selected_span_id
    actor = window.span_editor.findChild(QComboBox, "attribute_actor")
    note = window.span_editor.findChild(QLineEdit, "attribute_note")
    note.setFocus()
    qtbot.keyClicks(note, "typed for A")  # not stored yet: waiting for a pause
    second = view.text.index("Putin", first + 10)
    view.select_range(second, second + 5)
    qtbot.keyClick(view, Qt.Key.Key_S)
    b = window.selected_span_id
    assert b != a
    assert window.span_editor.findChild(QComboBox, "attribute_actor") is actor  # reused
    assert window.project.span(a).attributes == {"note": "typed for A"}
    assert note.text() == ""  # B's (empty) note, not A's
    actor.setCurrentIndex(actor.findData("lavrov"))
    assert window.project.span(b).attributes == {"actor": "lavrov"}
    assert window.project.span(a).attributes == {"note": "typed for A"}
    window.select_span(a)
    assert actor.currentData() is None and note.text() == "typed for A"


def test_spans_table_row_selects_and_delete_removes(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view = window.view
    for word in ("Biden", "Kremlin"):
        at = view.text.index(word)
        view.select_range(at, at + len(word))
        qtbot.keyClick(view, Qt.Key.Key_S)
    window.spans_table.selectRow(1)
    assert window.project.span(window.selected_span_id).text == "Kremlin"
    window.spans_table.setFocus()
    qtbot.keyClick(window.spans_table, Qt.Key.Key_Delete)
    assert [t for *_, t in _stored(window)] == ["Biden"]


def test_variables_next_previous_and_done(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    first = window.document_id
    tone = window.variables_form.findChild(QComboBox, "variable_tone")
    tone.setCurrentIndex(tone.findData("negative"))
    assert window.project.variables(first, "ana") == {"tone": "negative"}
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.document_id == window.doc_model.ids[1]
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.document_id == first
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.project.status(first, "ana") is Status.DONE
    assert window.document_id == window.doc_model.ids[1]
    assert "1 done" in window.position_label.text()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.status(first, "ana") is Status.IN_PROGRESS  # undo shows it again
    assert window.document_id == first


def test_blind_mode_hides_another_coders_spans(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    doc = window.document_id
    window.project.add_span(doc, "ben", "speaker", 0, 3)
    window.refresh_coding()
    assert window.spans == []  # blind by default
    window.actions_by_name["blind"].trigger()
    assert [s.coder for s in window.spans] == ["ben"]
    window.actions_by_name["blind"].trigger()
    window.study.compare_with("ben")
    assert window.compare_box.isVisible()
    assert [s.coder for s in window.compare_view.spans] == ["ben"]
    assert window.compare_view.different == {window.compare_view.spans[0].id}


def test_overlapping_spans_tooltip_and_click_cycles(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view = window.view
    at = view.text.index("Vladimir Putin")
    view.select_range(at, at + 14)
    qtbot.keyClick(view, Qt.Key.Key_S)
    view.select_range(at + 9, at + 14)
    qtbot.keyClick(view, Qt.Key.Key_O)
    window.select_span(None)
    tip = view.tooltip_at(at + 10)
    assert "Speaker" in tip and "Source outlet" in tip

    def hover(offset: int) -> None:  # a tooltip event as Qt sends it to the viewport
        pos = point_at(view, offset)
        QApplication.sendEvent(view.viewport(), QHelpEvent(
            QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))

    hover(at + 10)
    assert QToolTip.isVisible() and QToolTip.text() == tip
    hover(at - 40)  # uncoded text: no tooltip
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    ids = []
    for _ in range(3):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, at + 11))
        ids.append(window.selected_span_id)
    assert ids[0] != ids[1] and ids[2] == ids[0]
    assert {s for piece in view.painted() for s in piece.under} == set(ids)  # two fills
    assert view.top_span_at(at + 11) == window.selected_span_id  # the selected on top



def test_find_and_zoom(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_box.isVisible()
    qtbot.keyClicks(window.find_box, "Stoltenberg")
    found = window.navigation.find_next()
    assert found == ("Stoltenberg" in window.view.text)
    size = window.view.font().pointSize()
    qtbot.keyClick(window.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.view.font().pointSize() == size + 1


def test_restart_restores_layout_and_last_document(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    third = window.document_id
    window.resize(760, 540)  # inside the offscreen screen (800x800), or Qt clamps it
    window.splitter.setSizes([200, 600, 311])
    window.navigation.zoom(2)
    sizes, size = window.splitter.sizes(), window.size()  # offscreen caps it at its screen
    path = window.project.path
    window.close()
    from annotator.storage import Project

    again = make_window(Project.open(path), settings=Settings.load())
    assert again.document_id == third
    assert again.size() == size
    assert again.splitter.sizes() == sizes
    assert again.view.zoom == 2
    assert str(path.resolve()) == again.settings.recent_projects[0]


def test_help_lists_every_shortcut(make_window) -> None:  # type: ignore[no-untyped-def]
    from annotator.ui.window.menus import shortcut_rows

    window = make_window()
    rows = dict(shortcut_rows(window))
    for key in ("S", "D", "A", "O", "1", "2"):
        assert key in rows
    text = " ".join(rows)
    for key in ("Ctrl+Z", "Ctrl+Shift+Z", "Alt+Left", "Alt+Right", "Ctrl+Return", "Ctrl+F",
                "Ctrl+=", "Ctrl+-", "Del"):
        assert key in text, key


def test_new_coder_is_asked_and_kept(make_window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    monkeypatch.setattr("annotator.ui.window.dialogs.ask_coder", lambda *a: "ben")
    window.actions_by_name["coder"].trigger()
    assert window.coder == "ben" and "ben" in window.project.coders()
    assert Settings.load().coder == "ben"  # the next start opens as ben
    window.view.select_range(0, 3)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert window.project.spans(window.document_id, "ben")
    assert not window.project.spans(window.document_id, "ana")


def test_documents_imported_in_the_window(make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.project.import_documents([NewDocument(text="A new article.", title="New")])
    assert window.doc_model.rowCount() == 6


def test_filter_waits_for_a_pause_in_typing(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    qtbot.keyClicks(window.search_box, "Liberty")
    assert window.doc_model.rowCount() == 5  # not yet: typing goes on undisturbed
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == 1, timeout=2000)
    window.status_filter.setCurrentIndex(window.status_filter.findData(Status.DONE))
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == 0, timeout=2000)


def test_list_shows_in_progress_after_the_first_span(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    status_cell = window.doc_model.index(0, 3)
    assert "not started" in window.doc_model.data(status_cell)
    window.view.select_range(0, 3)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert "in progress" in window.doc_model.data(status_cell)


def test_a_refused_operation_leaves_no_undo_step(make_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from annotator.ui.coding import operations as ops

    window = make_window()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    length = len(window.view.text)
    refused = ops.AddSpan(window.project, window.document_id, "ana", "speaker", length - 1,
                          length + 5)
    assert window.push(refused) is False
    assert shown and shown[0].startswith("span [") and "Python override" not in shown[0]
    assert window.undo_stack.count() == 0 and window.project.spans(window.document_id) == []
    window.view.select_range(0, 3)
    window.coding.code("speaker", None)
    assert window.undo_stack.count() == 1 and len(window.project.spans(window.document_id)) == 1
    window.undo_stack.undo()
    window.undo_stack.redo()
    assert len(window.project.spans(window.document_id)) == 1


PIECES = ["a", " ", "\n", "e\u0301", "😀", "👩‍👩‍👧", "🇺🇦", "\ufffe", "\ufeff", "\uffff", "漢"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_the_view_shows_every_text_unchanged(qapp, text: str) -> None:  # type: ignore[no-untyped-def]
    """Qt holds exactly the stored text, so its UTF-16 positions map to our offsets; a
    leading U+FFFE or U+FEFF was read as a byte order mark (garbled, one unit short)."""
    from annotator.domain.model import Document
    from annotator.ui.coding.article_view import ArticleView

    view = ArticleView()
    view.set_document(Document(1, text, "", None, None, None, None, "h", {}))
    assert view.toPlainText() == text.replace("\n", "\u2029") or view.toPlainText() == text
    assert view.document().characterCount() - 1 == view.offsets.utf16_length


def test_the_text_filter_is_answered_off_the_ui_thread(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A broad word at 100,000 articles takes SQLite up to 190 ms: the window must not wait.
    The answer to an overtaken filter never replaces the newer list."""
    window = make_window()
    model = window.doc_model
    model.set_filter("press conference", None)
    assert model.pending and model.rowCount() == 5  # asked, not answered yet
    assert "filtering…" in (window.update_status_bar() or window.position_label.text())
    qtbot.waitUntil(lambda: not model.pending, timeout=3000)
    assert model.ids == [2] and "filtering" not in window.position_label.text()
    model.set_filter("Liberty", None)
    model.set_filter("", None)  # cleared before the answer came: the whole list stays
    qtbot.wait(300)
    assert model.rowCount() == 5 and not model.pending
    model.set_filter("NATO", None)
    window.doc_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # sorting asks again
    qtbot.waitUntil(lambda: not model.pending, timeout=3000)
    dates = [model.row(i).date or "" for i in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True) and len(dates) == 5 and dates[0] == "2022-02-02"


def test_a_large_corpus_reads_even_the_whole_list_off_the_ui_thread(make_window, qtbot,  # type: ignore[no-untyped-def]
                                                                    monkeypatch) -> None:
    """Clearing the filter of 100,000 articles read 100,000 ids on the UI thread (80–140
    ms on a busy machine, found by the benchmark's watchdog): a large corpus asks the list's
    thread for the plain list too; the window opens with its list all the same."""
    from annotator.ui.coding import document_model

    monkeypatch.setattr(document_model, "ASYNC_FROM", 5)  # the seeds count as large
    window = make_window()
    model = window.doc_model
    assert model.rowCount() == 5 and not model.pending  # the first list: at once
    model.set_filter("press conference", None)
    qtbot.waitUntil(lambda: not model.pending, timeout=3000)
    assert model.ids == [2]
    model.set_filter("", None)
    assert model.pending and model.ids == [2]  # asked; the filtered list stays meanwhile
    qtbot.waitUntil(lambda: not model.pending, timeout=3000)
    assert model.rowCount() == 5


def test_a_script_that_never_closes_its_filtered_window_exits_cleanly(tmp_path: Path) -> None:
    """Qt aborts the process when a running QThread is freed at Python's shutdown."""
    import subprocess
    import sys

    from annotator.services import actions
    from tests.conftest import SEEDS

    path = tmp_path / "s.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
    script = ("import sys; from pathlib import Path\n"
              "from annotator.ui.window.app import application\n"
              "from annotator.ui.window.main_window import MainWindow\n"
              "from annotator.ui.window.settings import Settings\n"
              "from annotator.storage import Project\n"
              "app = application(); w = MainWindow(Project.open(Path(sys.argv[1])), 'ana', "
              "Settings()); w.show(); w.doc_model.set_filter('NATO', None); "
              "app.processEvents()\n")
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_ctrl_4_goes_to_the_list_filter(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The filter box had no key: Shift+Tab from the list wraps to the variables instead."""
    window = make_window()
    window.actions_by_name["toggle_documents"].trigger()  # the list hidden: Ctrl+4 shows it
    qtbot.keyClick(window.view, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus() and window.left_panel.isVisible()
    qtbot.keyClicks(window.search_box, "press conference")
    qtbot.waitUntil(lambda: window.doc_model.ids == [2], timeout=3000)
    assert window.project.spans(1, "ana") == []  # the letters went to the box, not to coding
