"""Adjudication into the coder ``gold`` and checks against it, each an undoable step.

A span accepted into gold keeps its links, re-pointed to gold's copies of their targets
(copied first if gold lacks them). "Accept what the coders agree on" takes, in one step,
every span on which all (or a majority of) the document's coders agree exactly. The
training check compares a coder with gold, per category, with the differences listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.domain.model import Span
from annotator.services import study
from annotator.services.actions import GOLD
from annotator.ui.coding import operations as ops

if TYPE_CHECKING:
    from annotator.ui.window.main_window import MainWindow

class AdjudicationMixin:
    def accept_span_into_gold(self: MainWindow, span_id: str | None = None) -> None:
        span_id = span_id or self.compare_selected_span_id or self.selected_span_id
        if span_id is None or self.document_id is None:
            self.statusBar().showMessage("Click a span (in either view) to accept it.", 4000)
            return
        span = self.project.span(span_id)
        self.undo_stack.beginMacro(f"Accept {span.coder}'s span into gold")
        try:
            self._copy_to_gold(span)
        finally:
            self.undo_stack.endMacro()
        self.statusBar().showMessage(f"Accepted “{span.text[:40]}” into gold.", 4000)

    def accept_coder_into_gold(self: MainWindow, coder: str | None = None) -> None:
        """All of a coder's spans and variable values of this document into gold."""
        coder = coder or self.compare_coder
        if coder is None or self.document_id is None:
            self.statusBar().showMessage("Compare with a coder first.", 4000)
            return
        self.undo_stack.beginMacro(f"Accept {coder}'s coding into gold")
        try:
            for span in self.project.spans(self.document_id, coder):
                self._copy_to_gold(span)
            gold_values = self.project.variables(self.document_id, GOLD)
            for key, value in self.project.variables(self.document_id, coder).items():
                if gold_values.get(key) != value:
                    self.push(ops.SetVariable(self.project, self.document_id, GOLD, key,
                                              value))
        finally:
            self.undo_stack.endMacro()

    def accept_agreed_into_gold(self: MainWindow, majority: bool = False) -> int:
        """Every span of this document on which all (or more than half of) its coders
        agree exactly, into gold as one undoable step; returns how many were accepted."""
        if self.document_id is None:
            return 0
        coders = study.document_coders(self.project, self.document_id)
        found = study.agreement(self.project, self.document_id, majority, coders)
        chosen = found.spans  # the same rules as 'annotator adjudicate'
        gold_values = self.project.variables(self.document_id, GOLD)
        values = {k: v for k, v in found.variables.items() if k not in gold_values}
        self.undo_stack.beginMacro("Accept what " + ("most" if majority else "all")
                                   + " coders agree on into gold")
        try:
            for span in chosen:
                self._copy_to_gold(span)
            for key, value in values.items():
                self.push(ops.SetVariable(self.project, self.document_id, GOLD, key, value))
        finally:
            self.undo_stack.endMacro()
        left = len(found.spans_left) + len(found.variables_left)
        self.statusBar().showMessage(
            f"Accepted {len(chosen)} span(s) and {len(values)} variable value(s) that "
            f"{'a majority' if majority else 'all'} of the {len(coders)} coders agree on; "
            f"{left} left to settle.", 8000)
        return len(chosen)

    def _copy_to_gold(self: MainWindow, span: Span) -> None:
        """Gold's copy of ``span``, links and all, as undoable steps (see study)."""
        gold = {study.shape(s): s.id for s in self.project.spans(span.document_id, GOLD)}

        def add(source: Span, attributes: dict[str, Any]) -> str:
            command = ops.AddSpan(self.project, source.document_id, GOLD, source.category,
                                  source.start, source.end, source.label, attributes)
            self.push(command)
            return command.span_id

        study.copy_to_gold(self.project, span, gold, add)

    def open_agreement(self: MainWindow, against_gold: bool = False) -> None:
        from annotator.ui.study.agreement_window import AgreementWindow

        window = AgreementWindow(self.project, self.coder, self, against_gold=against_gold)
        window.sig_open_requested.connect(self.open_in_compare)
        self.agreement_window = window
        window.show()
        if against_gold:
            window.compute()

    def open_study(self: MainWindow) -> None:
        from annotator.ui.study.study_window import StudyWindow

        self.study_window = StudyWindow(self.project, self)
        self.study_window.show()

    def check_against_gold(self: MainWindow) -> None:
        """The training check: my agreement with gold per category, and the differences
        document by document (double-click one to compare it with gold)."""
        if GOLD not in self.project.coders() or self.coder == GOLD:
            self.statusBar().showMessage("There is no gold to check against yet (or you are "
                                         "gold).", 5000)
            return
        self.open_agreement(against_gold=True)

    def open_in_compare(self: MainWindow, document_id: int, others: list[str] | str) -> None:
        """The document, comparing with ``others`` (a lane each)."""
        if self.doc_model.position_of(document_id) is None:
            self.search_box.clear()
            self.status_filter.setCurrentIndex(0)
        self.show_document(document_id)
        chosen = [others] if isinstance(others, str) else list(others)
        chosen = [c for c in chosen if c and c != self.coder]
        if chosen:
            self.compare_with(chosen)
        self.raise_()
        self.activateWindow()
