"""Tools → Agreement and adjudication into the coder gold, driven through the window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.domain.model import Status
from annotator.ui.window.main_window import MainWindow
from tests.ui.conftest import agreement_computed, point_at
from tests.unit.test_agreement_report import code_seeds


def test_agreement_window_computes_and_opens_a_disagreement(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window()
    code_seeds(window.project, "ana")
    code_seeds(window.project, "ben", shift=2)
    dialog = agreement_computed(window, qtbot)
    assert dialog.figures.rowCount() == len(dialog.report.rows) > 50
    assert dialog.matrix.rowCount() == 2
    assert dialog.disagreements.rowCount() >= 1
    item = dialog.disagreements.item(0, 0)
    document_id = item.data(Qt.ItemDataRole.UserRole)[0]
    dialog.disagreements.itemDoubleClicked.emit(item)
    assert window.document_id == document_id and window.compare_coder == "ben"
    assert window.compare_box.isVisible()


def test_accept_spans_and_values_into_gold_and_undo(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window()
    project = window.project
    code_seeds(project, "ben")
    doc = window.document_id
    window.study.compare_with("ben")
    theirs = window.compare_view.spans
    assert theirs
    view = window.compare_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_at(view, theirs[0].start + 1))
    assert window.compare_selected_span_id == theirs[0].id
    qtbot.keyClick(window.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    gold = project.spans(doc, "gold")
    assert [(s.start, s.end, s.category) for s in gold] == [
        (theirs[0].start, theirs[0].end, theirs[0].category)]
    assert gold[0].id != theirs[0].id and gold[0].attributes == theirs[0].attributes
    window.study.accept_coder_into_gold("ben")
    assert len(project.spans(doc, "gold")) == len(theirs)  # nothing accepted twice
    assert project.variables(doc, "gold") == project.variables(doc, "ben")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(project.spans(doc, "gold")) == 1 and project.variables(doc, "gold") == {}
    assert project.status(doc, "ben") is Status.DONE  # ben's own work untouched


def test_gamma_is_computed_on_request_with_its_progress_and_can_be_cancelled(
        make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window()
    code_seeds(window.project, "ana")
    code_seeds(window.project, "ben", shift=2)
    qtbot.keyClick(window.view, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.study.agreement_window
    qtbot.addWidget(dialog)
    dialog.with_gamma.setChecked(True)
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60000)
    names = {(r.target, r.result.name) for r in dialog.report.rows}
    assert {("*", "gamma"), ("*", "gamma_cat"), ("speaker", "gamma_k")} <= names
    shown = {dialog.figures.item(r, 3).text() for r in range(dialog.figures.rowCount())}
    assert {"gamma", "cu_alpha", "u_alpha_2016"} <= shown
    assert seen and max(seen) == 30 and not dialog.progress.isVisible()
    dialog.report = None  # again, cancelled at once
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.compute_button.isEnabled(), timeout=60000)
    assert dialog.report is None and "Cancelled" in dialog.summary.text()
