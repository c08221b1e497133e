"""Comparing coders (a lane each, the side panels folded where the window is narrow),
adjudication into the coder ``gold`` and checks against it, each an undoable step.

A span accepted into gold keeps its links, re-pointed to gold's copies of their targets
(copied first if gold lacks them). "Accept what the coders agree on" takes, in one step,
every span on which all (or a majority of) the document's coders agree exactly. The
training check compares a coder with gold, per category, with the differences listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.domain.model import Span
from annotator.services.actions import GOLD
from annotator.ui.coding import operations as ops
from annotator.ui.window.context import WindowContext

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QComboBox, QLineEdit

    from annotator.ui.coding.document_model import DocumentListModel
    from annotator.ui.study.agreement_window import AgreementWindow
    from annotator.ui.study.compare import CompareLanes
    from annotator.ui.study.study_window import StudyWindow


class StudyContext(WindowContext, Protocol):
    """What the study panel needs of the window: the coding on screen, its undo stack, the
    document list (to find a document again) and the compare lanes."""

    @property
    def coder(self) -> str: ...
    @property
    def selected_span_id(self) -> str | None: ...
    @property
    def compare_selected_span_id(self) -> str | None: ...
    compare_coder: str | None  # the first compared coder (the panel sets it)
    @property
    def doc_model(self) -> DocumentListModel: ...
    @property
    def search_box(self) -> QLineEdit: ...
    @property
    def status_filter(self) -> QComboBox: ...
    def push(self, command: ops._Command) -> bool: ...
    def show_document(self, document_id: int | None) -> None: ...
    @property
    def lanes(self) -> CompareLanes: ...
    @property
    def actions_by_name(self) -> dict[str, QAction]: ...
    def width(self) -> int: ...


class StudyPanel:
    """Comparing coders (a lane each), adjudication into gold, and the study's own windows
    (agreement, design and progress, the training check), for one window: given that
    window's ``StudyContext`` and the widget its dialogs belong to."""

    def __init__(self, window: StudyContext, parent: QWidget) -> None:
        self.w, self.parent = window, parent
        self.agreement_window: AgreementWindow | None = None
        self.folded_for_compare: list[str] = []  # side panels folded to make room
        self.study_window: StudyWindow | None = None

    def accept_span_into_gold(self, span_id: str | None = None) -> None:
        span_id = span_id or self.w.compare_selected_span_id or self.w.selected_span_id
        if span_id is None or self.w.document_id is None:
            self.w.statusBar().showMessage("Click a span (in either view) to accept it.", 4000)
            return
        span = self.w.project.span(span_id)
        self.w.undo_stack.beginMacro(f"Accept {span.coder}'s span into gold")
        try:
            self._copy_to_gold(span)
        finally:
            self.w.undo_stack.endMacro()
        self.w.statusBar().showMessage(f"Accepted “{span.text[:40]}” into gold.", 4000)

    def accept_coder_into_gold(self, coder: str | None = None) -> None:
        """All of a coder's spans and variable values of this document into gold."""
        coder = coder or self.w.compare_coder
        if coder is None or self.w.document_id is None:
            self.w.statusBar().showMessage("Compare with a coder first.", 4000)
            return
        self.w.undo_stack.beginMacro(f"Accept {coder}'s coding into gold")
        try:
            for span in self.w.project.spans(self.w.document_id, coder):
                self._copy_to_gold(span)
            gold_values = self.w.project.variables(self.w.document_id, GOLD)
            for key, value in self.w.project.variables(self.w.document_id, coder).items():
                if gold_values.get(key) != value:
                    self.w.push(ops.SetVariable(self.w.project, self.w.document_id, GOLD, key,
                                              value))
        finally:
            self.w.undo_stack.endMacro()

    def accept_agreed_into_gold(self, majority: bool = False) -> int:
        """Every span of this document on which all (or more than half of) its coders
        agree exactly, into gold as one undoable step; returns how many were accepted."""
        if self.w.document_id is None:
            return 0
        from annotator.services import study  # the study's services load when first used

        coders = study.document_coders(self.w.project, self.w.document_id)
        found = study.agreement(self.w.project, self.w.document_id, majority, coders)
        chosen = found.spans  # the same rules as 'annotator adjudicate'
        gold_values = self.w.project.variables(self.w.document_id, GOLD)
        values = {k: v for k, v in found.variables.items() if k not in gold_values}
        self.w.undo_stack.beginMacro("Accept what " + ("most" if majority else "all")
                                   + " coders agree on into gold")
        try:
            for span in chosen:
                self._copy_to_gold(span)
            for key, value in values.items():
                self.w.push(ops.SetVariable(self.w.project, self.w.document_id, GOLD, key, value))
        finally:
            self.w.undo_stack.endMacro()
        left = len(found.spans_left) + len(found.variables_left)
        self.w.statusBar().showMessage(
            f"Accepted {len(chosen)} span(s) and {len(values)} variable value(s) that "
            f"{'a majority' if majority else 'all'} of the {len(coders)} coders agree on; "
            f"{left} left to settle.", 8000)
        return len(chosen)

    def _copy_to_gold(self, span: Span) -> None:
        """Gold's copy of ``span``, links and all, as undoable steps (see study)."""
        from annotator.services import study

        gold = {study.shape(s): s.id for s in self.w.project.spans(span.document_id, GOLD)}

        def add(source: Span, attributes: dict[str, Any]) -> str:
            command = ops.AddSpan(self.w.project, source.document_id, GOLD, source.category,
                                  source.start, source.end, source.label, attributes)
            self.w.push(command)
            return command.span_id

        study.copy_to_gold(self.w.project, span, gold, add)

    def open_agreement(self, against_gold: bool = False) -> None:
        from annotator.ui.study.agreement_window import AgreementWindow

        window = AgreementWindow(self.w.project, self.w.coder, self.parent,
                                 against_gold=against_gold)
        window.sig_open_requested.connect(self.open_in_compare)
        self.agreement_window = window
        window.show()
        if against_gold:
            window.compute()

    def open_study(self) -> None:
        from annotator.ui.study.study_window import StudyWindow

        self.study_window = StudyWindow(self.w.project, self.parent)
        self.study_window.show()

    def check_against_gold(self) -> None:
        """The training check: my agreement with gold per category, and the differences
        document by document (double-click one to compare it with gold)."""
        if GOLD not in self.w.project.coders() or self.w.coder == GOLD:
            self.w.statusBar().showMessage("There is no gold to check against yet (or you are "
                                         "gold).", 5000)
            return
        self.open_agreement(against_gold=True)

    def open_in_compare(self, document_id: int, others: list[str] | str) -> None:
        """The document, comparing with ``others`` (a lane each)."""
        if self.w.doc_model.position_of(document_id) is None:
            self.w.search_box.clear()
            self.w.status_filter.setCurrentIndex(0)
        self.w.show_document(document_id)
        chosen = [others] if isinstance(others, str) else list(others)
        chosen = [c for c in chosen if c and c != self.w.coder]
        if chosen:
            self.compare_with(chosen)
        self.parent.raise_()
        self.parent.activateWindow()

    def compare_with(self, other: str | list[str] | None = None) -> None:
        """Compare with one coder, or several (a lane each); "" or [] stops comparing."""
        if other is None:
            others = [c for c in self.w.project.coders() if c != self.w.coder]
            if not others:
                QMessageBox.information(self.parent, "Compare", "No other coder has coded yet.")
                return
            from annotator.ui.window.dialogs import choose_coders

            other = choose_coders(self.parent, others, self.w.lanes.coders)
            if other is None:
                return
        coders = [other] if isinstance(other, str) else list(other)
        coders = [c for c in coders if c and c != self.w.coder]
        self.w.lanes.set_coders(coders)
        self.w.compare_coder = coders[0] if coders else None
        self._make_room_for_compare(bool(coders))
        self.w.show_document(self.w.document_id)

    def _make_room_for_compare(self, comparing: bool) -> None:
        """Two panes of 40 characters need the width: on a narrow window, compare mode
        folds the side panels away (View menu or Ctrl+Shift+L/K bring them back) and
        stopping puts back what it folded."""
        toggles = (("toggle_documents", 1100), ("toggle_fields", 900))
        if comparing:
            folded = [name for name, below in toggles if self.w.width() < below
                      and self.w.actions_by_name[name].isChecked()]
            for name in folded:
                self.w.actions_by_name[name].trigger()
            self.folded_for_compare += folded
            if folded:
                self.w.statusBar().showMessage("Side panels folded to make room: Ctrl+Shift+L "
                                             "and Ctrl+Shift+K bring them back.", 6000)
        else:
            for name in self.folded_for_compare:
                if not self.w.actions_by_name[name].isChecked():
                    self.w.actions_by_name[name].trigger()
            self.folded_for_compare = []
