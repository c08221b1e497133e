"""A whole article coded from the keyboard alone, with real key events sent to whatever has
the focus: spans, labels, every attribute type, every document variable type, done; many
times over, switching documents in between. Before, choosing an attribute in its drop-down
with Down and Return segfaulted (the editor deleted the combo box inside its own signal),
typed text was stored only when the field lost focus, and Tab stuck in the tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from annotator.domain.model import Status
from annotator.domain.scheme_loader import load_scheme
from annotator.services import actions
from tests.conftest import DEFAULT_SCHEME, SEEDS

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def every_type_project(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The bundled scheme plus a number attribute and date and number variables, so every
    field type is on the screen."""
    data = load_scheme(DEFAULT_SCHEME).data
    speaker = next(c for c in data["categories"] if c["key"] == "speaker")
    speaker["attributes"].append({"key": "words", "name": "Words", "type": "number"})
    data["variables"] += [{"key": "published", "name": "Published", "type": "date"},
                          {"key": "pages", "name": "Pages", "type": "number"}]
    scheme = tmp_path / "every-type.json"
    scheme.write_text(json.dumps(data), encoding="utf-8")
    project = actions.new_project(tmp_path / "k.annotator", scheme)
    actions.import_paths(project, [SEEDS])
    return project


def focused():  # type: ignore[no-untyped-def]
    """Where the window's keyboard focus is. (Offscreen, a closed drop-down list does not give
    activation back to the window, so QApplication.focusWidget() can be None there.)"""
    window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "main")
    return window.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(focused(), text)


def select_words(qtbot, window, skip: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """From the top of the article: skip words, then select some, with Ctrl(+Shift)+Right."""
    assert focused() is window.view
    press(qtbot, Qt.Key.Key_Home, CTRL)
    press(qtbot, Qt.Key.Key_Right, CTRL, skip)
    press(qtbot, Qt.Key.Key_Right, CTRL | SHIFT, count)


def choose(qtbot, steps: int, popup: bool) -> None:  # type: ignore[no-untyped-def]
    """Pick an item of the focused drop-down: Down presses, or in its open list + Return."""
    combo = focused()
    assert isinstance(combo, QComboBox), combo
    if popup:
        press(qtbot, Qt.Key.Key_Down, ALT)
        qtbot.waitUntil(combo.view().isVisible)
        for _ in range(steps):
            qtbot.keyClick(combo.view(), Qt.Key.Key_Down)
        qtbot.keyClick(combo.view(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not combo.view().isVisible())
        combo.window().activateWindow()  # offscreen only: X gives it back by itself
        qtbot.waitUntil(combo.window().isActiveWindow)
    else:
        press(qtbot, Qt.Key.Key_Down, times=steps)


def code_article(qtbot, window, popup: bool, note: str) -> int:  # type: ignore[no-untyped-def]
    document = window.document_id
    project = window.project
    # a speaker: actor (choice), direct quote (boolean), note (text), words (number)
    select_words(qtbot, window, 0, 1)
    press(qtbot, Qt.Key.Key_S)
    speaker = window.selected_span_id
    press(qtbot, Qt.Key.Key_2, CTRL)
    choose(qtbot, 1, popup)
    press(qtbot, Qt.Key.Key_Tab)
    choose(qtbot, 1, popup)
    press(qtbot, Qt.Key.Key_Tab)
    assert isinstance(focused(), QLineEdit)
    type_text(qtbot, note)
    qtbot.wait(700)  # stored after a pause, without Enter or Tab
    assert project.span(speaker).attributes.get("note") == note
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "12")
    press(qtbot, Qt.Key.Key_Escape)  # back to the article; the number is stored on leaving
    assert focused() is window.view
    assert project.span(speaker).attributes == {"actor": "putin", "direct_quote": True,
                                                "note": note, "words": 12}
    # a demand with a label key, linked to the speaker
    select_words(qtbot, window, 2, 2)
    press(qtbot, Qt.Key.Key_2)  # "2": legally binding guarantees, coded and labelled at once
    demand = window.selected_span_id
    press(qtbot, Qt.Key.Key_2, CTRL)
    press(qtbot, Qt.Key.Key_Tab)  # label → demanded by (a link)
    choose(qtbot, 1, popup)
    assert project.span(demand).attributes == {"demanded_by": speaker}
    assert project.span(demand).label == "legally_binding_guarantees"
    press(qtbot, Qt.Key.Key_Escape)
    # an accusation: accuser (link), target (choice)
    select_words(qtbot, window, 5, 2)
    press(qtbot, Qt.Key.Key_A)
    accusation = window.selected_span_id
    press(qtbot, Qt.Key.Key_2, CTRL)
    choose(qtbot, 1, popup)
    press(qtbot, Qt.Key.Key_Tab)
    choose(qtbot, 2, popup)
    assert project.span(accusation).attributes == {"accuser": speaker,
                                                   "target": "united_states"}
    # every document variable type: text, choice, choice, boolean, date, number
    press(qtbot, Qt.Key.Key_3, CTRL)
    type_text(qtbot, "Reuters")
    press(qtbot, Qt.Key.Key_Tab)
    choose(qtbot, 1, popup)
    press(qtbot, Qt.Key.Key_Tab)
    choose(qtbot, 3, popup)
    press(qtbot, Qt.Key.Key_Tab)
    choose(qtbot, 2, popup)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "2022-01-05")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "3")
    press(qtbot, Qt.Key.Key_Tab)
    assert project.variables(document, window.coder) == {
        "outlet": "Reuters", "tone": "negative", "main_topic": "diplomacy",
        "ukraine_mentioned": False, "published": "2022-01-05", "pages": 3}
    # next/previous span keys, then done and on to the next article, keyboard in the text
    press(qtbot, Qt.Key.Key_1, CTRL)
    press(qtbot, Qt.Key.Key_BracketRight)
    assert window.selected_span_id == speaker
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert project.status(document, window.coder) is Status.DONE
    assert focused() is window.view
    return document


def test_a_whole_article_from_the_keyboard_many_times(make_window, qtbot,  # type: ignore[no-untyped-def]
                                                      every_type_project) -> None:
    window = make_window(every_type_project)
    coded = []
    for round_ in range(5):  # through all five seed articles, alternating both ways
        coded.append(code_article(qtbot, window, popup=round_ % 2 == 0, note=f"note {round_}"))
        qtbot.waitUntil(lambda: window.saved_label.text() == "✓ saved")  # once on the disk
    assert len(set(coded)) == 5
    counts = window.project.status_counts("ana")
    assert counts[Status.DONE] == 5


def test_saved_says_so_only_once_typed_text_is_stored(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.navigation.focus_variables()
    type_text(qtbot, "Reut")
    assert "typing" in window.saved_label.text()
    qtbot.waitUntil(lambda: window.saved_label.text() == "✓ saved", timeout=2000)
    assert window.project.variables(window.document_id, "ana") == {"outlet": "Reut"}
    type_text(qtbot, "ers")
    qtbot.waitUntil(lambda: window.project.variables(window.document_id, "ana")
                    == {"outlet": "Reuters"}, timeout=2000)
    assert window.variables_form.editors["outlet"].widget.text() == "Reuters"
    window.undo_stack.undo()  # consecutive typing is one undo step
    assert window.project.variables(window.document_id, "ana") == {}


def test_a_late_sync_does_not_say_saved_while_text_is_typed(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The disk confirming an earlier commit while the coder types is no reason to say
    "✓ saved": what is typed is not stored until the pause. (The suite once saw "✓ saved"
    and then no outlet stored: a sync from the window's opening arrived mid-word.) A
    refusal still shows at once."""
    window = make_window()
    window.navigation.focus_variables()
    type_text(qtbot, "Reu")
    assert "typing" in window.saved_label.text()
    window.session.sig_synced.emit(1, None)  # an earlier commit reached the disk
    qtbot.wait(10)
    assert "typing" in window.saved_label.text()
    qtbot.waitUntil(lambda: window.saved_label.text() == "✓ saved", timeout=2000)
    assert window.project.variables(window.document_id, "ana") == {"outlet": "Reu"}
    type_text(qtbot, "t")
    window.session.syncer.failed = "the disk refused to write (EIO)"
    window.session.sig_synced.emit(2, "the disk refused to write (EIO)")
    qtbot.wait(10)
    assert window.saved_label.text().startswith("✗ NOT SAVED")


def test_find_bar_gives_the_keyboard_back(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is window.find_box
    type_text(qtbot, "Putin")
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is window.view
    press(qtbot, Qt.Key.Key_S)  # codes the found word at once
    assert window.project.span(window.selected_span_id).text == "Putin"
    press(qtbot, Qt.Key.Key_F, CTRL)
    press(qtbot, Qt.Key.Key_Escape)
    assert not window.find_box.isVisible() and focused() is window.view


def test_tab_leaves_the_tables(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    press(qtbot, Qt.Key.Key_L, CTRL)
    assert focused() is window.doc_table
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is not window.doc_table
    window.spans_table.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is not window.spans_table


def test_going_to_a_text_field_selects_its_text(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.project.set_variable(window.document_id, "ana", "outlet", "Tass")
    window.refresh_coding()
    press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "Reuters")  # replaces, as after Tab
    press(qtbot, Qt.Key.Key_Escape)
    assert window.project.variables(window.document_id, "ana") == {"outlet": "Reuters"}


def test_text_typed_just_before_switching_documents_is_kept(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view = window.view
    view.select_range(0, 3)
    press(qtbot, Qt.Key.Key_S)
    speaker = window.selected_span_id
    window.span_editor.editors["note"].widget.setFocus()
    type_text(qtbot, "said so")
    press(qtbot, Qt.Key.Key_Right, ALT)  # at once, before the typing pause ends
    qtbot.wait(600)
    assert window.project.span(speaker).attributes.get("note") == "said so"
    press(qtbot, Qt.Key.Key_Left, ALT)
    window.select_span(speaker)
    assert window.span_editor.editors["note"].widget.text() == "said so"


def test_a_variable_typed_just_before_switching_stays_with_its_document(make_window, qtbot  # type: ignore[no-untyped-def]
                                                                       ) -> None:
    window = make_window()
    first = window.document_id
    press(qtbot, Qt.Key.Key_3, CTRL)
    type_text(qtbot, "Tass")
    press(qtbot, Qt.Key.Key_Right, ALT)
    qtbot.wait(600)
    assert window.project.variables(first, "ana") == {"outlet": "Tass"}
    assert window.project.variables(window.document_id, "ana") == {}


def test_typing_then_switching_coder_keeps_it_for_the_first_coder(make_window, qtbot  # type: ignore[no-untyped-def]
                                                                  ) -> None:
    window = make_window()
    press(qtbot, Qt.Key.Key_3, CTRL)
    type_text(qtbot, "Tass")
    window.coder_panel.switch_coder("ben")
    assert window.project.variables(window.document_id, "ana") == {"outlet": "Tass"}
    assert window.project.variables(window.document_id, "ben") == {}


def test_switching_from_a_span_field_gives_the_keyboard_to_the_article(make_window, qtbot  # type: ignore[no-untyped-def]
                                                                        ) -> None:
    """The span's fields go with the document: the keyboard must not fall to the next field
    there is (the outlet), where the next category key would be typed as text."""
    window = make_window()
    select_words(qtbot, window, 0, 2)
    press(qtbot, Qt.Key.Key_D)
    press(qtbot, Qt.Key.Key_2, CTRL)  # into the span's label
    assert window.span_editor.isAncestorOf(focused())
    press(qtbot, Qt.Key.Key_Right, ALT)
    assert focused() is window.view
    select_words(qtbot, window, 0, 1)
    press(qtbot, Qt.Key.Key_S)
    assert window.project.variables(window.document_id, "ana") == {}
    assert [s.category for s in window.project.spans(window.document_id)] == ["speaker"]
