"""Suggested speakers in the article (#29): drawn dashed, Enter accepts one (a span whose
origin says it was suggested), Shift+Enter rejects one, Ctrl+Z undoes either; coding over a
suggestion replaces it; a study can lock suggestions off."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat


def _on(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.actions_by_name["suggest"].isChecked()


def _first_document_with_suggestions(window):  # type: ignore[no-untyped-def]
    for document in window.doc_model.ids:
        window.show_document(document)
        if window.suggestions.shown():
            return document
    raise AssertionError("no sample article has a suggestion")


def _dashed(view) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {(p.start, p.end) for p in view.painted()
            if p.format.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline}


def test_enter_accepts_and_shift_enter_rejects_each_undoable(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    _on(window, qtbot)
    document = _first_document_with_suggestions(window)
    view = window.view
    shown = window.suggestions.shown()
    first, second = shown[0], shown[1]
    assert {first, second} <= _dashed(view)  # drawn, dashed
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_utf16(first[0]))
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    accepted = [s for s in window.project.spans(document, "ana") if s.category == "speaker"]
    assert [(s.start, s.end, s.origin) for s in accepted] == [(*first, "speaker-finder")]
    assert first not in window.suggestions.shown() and first not in _dashed(view)
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # the next
    assert second not in window.suggestions.shown()
    assert len(window.project.spans(document, "ana")) == 1  # a rejection stores nothing
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert second in window.suggestions.shown()  # the rejection undone
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.spans(document, "ana") == []  # the acceptance undone
    assert first in window.suggestions.shown()


def test_coding_over_a_suggestion_corrects_it(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    _on(window, qtbot)
    _first_document_with_suggestions(window)
    view = window.view
    start, end = window.suggestions.shown()[0]
    view.select_range(start, end - 1)  # a different range, by hand
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_S)
    (span,) = [s for s in window.spans if s.category == "speaker"]
    assert span.origin == "" and (start, end) not in window.suggestions.shown()


def test_a_study_can_lock_suggestions_off(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.project.set_study_setting("suggestions_locked", True)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert not window.actions_by_name["suggest"].isChecked()
    assert window.suggestions.shown() == [] and window.view.suggestions == []
    assert "switches suggestions off" in window.statusBar().currentMessage()
