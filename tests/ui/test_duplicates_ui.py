"""Tools → Near-duplicates driven as a coordinator would: the shortcut, Find, ticks, Remove,
Ctrl+Z in the window, and marking the groups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.services import actions, duplicates
from tests.unit.test_near_duplicates import _project_with_copies


def _tick(panel, group: int, doc: int, state: Qt.CheckState) -> None:  # type: ignore[no-untyped-def]
    item = panel.tree.topLevelItem(group)
    for j in range(item.childCount()):
        if item.child(j).data(0, Qt.ItemDataRole.UserRole) == doc:
            item.child(j).setCheckState(0, state)


def test_find_remove_undo_and_mark(make_window, qtbot, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = _project_with_copies(actions.new_project(tmp_path / "d.annotator"))
    window = make_window(project)
    window.show_document(7)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: (_ for _ in ()).throw(
        AssertionError(a[2])))
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    panel = window.duplicates_window
    assert panel.isVisible() and not panel.remove_button.isEnabled()
    qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    assert panel.tree.topLevelItemCount() == 2 and "2 groups" in panel.summary.text()
    assert panel.kept() == {1: {8}, 2: {9}}  # the earliest dated, ticked
    _tick(panel, 0, 1, Qt.CheckState.Checked)  # the coordinator keeps 1 instead of 8
    _tick(panel, 0, 8, Qt.CheckState.Unchecked)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert window.project.all_document_ids() == [1, 3, 4, 5, 6, 9]
    assert window.document_id == 1  # 7 was shown and is gone
    assert window.doc_model.rowCount() == 6 and panel.tree.topLevelItemCount() == 0

    window.activateWindow()  # Ctrl+Z belongs to the window, as in a user's session
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.all_document_ids() == list(range(1, 10))
    assert window.doc_model.rowCount() == 9
    assert window.project.document(8).title == "t7"
    window.undo_stack.redo()
    assert window.project.all_document_ids() == [1, 3, 4, 5, 6, 9]
    window.undo_stack.undo()

    qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.mark_button, Qt.MouseButton.LeftButton)
    assert window.project.document(7).metadata == {duplicates.GROUP_FIELD: "1"}
    assert "Marked 2 groups" in panel.summary.text()
    window.undo_stack.undo()
    assert window.project.documents_with_metadata(duplicates.GROUP_FIELD) == []

    panel._open(panel.tree.topLevelItem(1).child(1))  # double-click a member: it is shown
    assert window.document_id == 9


def test_a_group_needs_one_document_ticked(make_window, qtbot, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = _project_with_copies(actions.new_project(tmp_path / "d.annotator"))
    window = make_window(project)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    window.actions_by_name["duplicates"].trigger()
    panel = window.duplicates_window
    panel.find_groups()
    _tick(panel, 1, 9, Qt.CheckState.Unchecked)
    panel.remove_unticked()
    assert warnings == ["Tick at least one document to keep in group 2."]
    assert window.project.document_count() == 9


def test_groups_found_before_the_corpus_changed_are_not_acted_on(make_window, qtbot,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    """An undo or an import after Find makes the groups shown out of date: Remove and Mark
    wait for Find again; coding meanwhile changes nothing about them."""
    from annotator.domain.model import NewDocument

    project = _project_with_copies(actions.new_project(tmp_path / "d.annotator"))
    window = make_window(project)
    panel = duplicates_window_open(window)
    qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    assert panel.remove_button.isEnabled()
    window.show_document(1)
    window.view.select_range(0, 3)
    window.coding.code("speaker", None)  # coding: the groups still hold
    assert panel.remove_button.isEnabled() and not panel.stale
    project.import_documents([NewDocument("A new article, nothing like the others.")])
    assert not panel.remove_button.isEnabled() and not panel.mark_button.isEnabled()
    assert "press Find again" in panel.summary.text()
    qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    assert panel.remove_button.isEnabled() and not panel.stale


def duplicates_window_open(window):  # type: ignore[no-untyped-def]
    from annotator.ui.find.duplicates_window import open_duplicates

    return open_duplicates(window)
