"""What the coder does in the window: code a selection, relabel, edit attributes and variables,
delete, move between documents and mark done (switching coders is ``window/coder.py``'s,
comparing ``study/adjudication.py``'s, moving about ``window/navigation.py``'s).

Every data change is pushed onto the window's undo stack as an operation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from annotator.domain.errors import AnnotatorError, ServerUnreachable
from annotator.domain.model import Status
from annotator.ui.coding import operations as ops

if TYPE_CHECKING:
    from annotator.ui.window.main_window import MainWindow


class CodingMixin:
    def push(self: MainWindow, command: ops._Command) -> bool:
        """Run an operation, then put it on the undo stack; a refused one (a bad value, say)
        is shown and leaves nothing behind, neither in the project nor on the stack."""
        link = self.server_link
        if link is not None and link.waiting:  # after the ones still waiting, in order
            link.keep(command, "the server does not answer yet")
            return False
        try:
            command.apply()  # one transaction: on error the store rolled it back
        except ServerUnreachable as exc:
            if link is None:
                raise
            link.keep(command, str(exc))  # sent when the server is back
            return False
        except AnnotatorError as exc:
            self.show_saved("failed", str(exc))
            self.refresh_coding()  # show what is really stored
            QMessageBox.warning(self, "Not saved", str(exc))
            return False
        command.applied = True
        self.undo_stack.push(command)
        return True

    # -- spans ---------------------------------------------------------------------------
    def code_with_key(self: MainWindow, key: str) -> None:
        target = self.project.scheme.shortcuts().get(key)
        if target:
            category, label = target
            self.code(category.key, label.key if label else None)

    def code(self: MainWindow, category: str, label: str | None) -> None:
        """Code the selection; with no selection, relabel the selected span if that fits."""
        if self.document_id is None:
            return
        selected = self.view.selected_range()
        if selected is None:
            span = self.current_span()
            if span and label and span.category == category and span.coder == self.coder:
                self.relabel(span.id, label)
            else:
                self.statusBar().showMessage("Select some text first, then press the key.", 4000)
            return
        command = ops.AddSpan(self.project, self.document_id, self.coder, category, *selected,
                              label=label)
        previous, self.selected_span_id = self.selected_span_id, command.span_id
        self.view.clear_selection()
        if not self.push(command):
            self.selected_span_id = previous

    def current_span(self: MainWindow) -> Any:
        return next((s for s in self.spans if s.id == self.selected_span_id), None)

    def shown_span(self: MainWindow, span_id: str) -> Any:
        """A span as the window shows it (no read from a server that may be away), else
        as stored."""
        return next((s for s in self.spans if s.id == span_id), None) or \
            self.project.span(span_id)

    def relabel(self: MainWindow, span_id: str, label: str | None) -> None:
        span = self.shown_span(span_id)
        self.push(ops.UpdateSpan(self.project, span, "Change label", label=label))

    def set_attribute(self: MainWindow, span_id: str, key: str, value: Any) -> None:
        self.push(ops.SetAttribute(self.project, self.shown_span(span_id), key, value))

    def set_span_memo(self: MainWindow, span_id: str, memo: str) -> None:
        span = self.shown_span(span_id)
        if span.coder != self.coder:  # a memo is its coder's own note
            self.statusBar().showMessage(f"This span's memo is {span.coder}'s; only they can "
                                         f"change it.", 5000)
            self.refresh_coding()
            return
        self.push(ops.SetSpanMemo(self.project, span, memo))

    def set_document_memo(self: MainWindow, memo: str) -> None:
        if self.document_id is not None:
            self.push(ops.SetDocumentMemo(self.project, self.document_id, self.coder, memo))

    def resize_selected_span(self: MainWindow) -> None:
        """Give the selected span the range of the current text selection."""
        span, selected = self.current_span(), self.view.selected_range()
        if span is None or selected is None or span.coder != self.coder:
            self.statusBar().showMessage("Click a span, then select its new extent.", 4000)
            return
        self.push(ops.UpdateSpan(self.project, span, "Resize span", start=selected[0],
                                 end=selected[1]))
        self.view.clear_selection()

    def delete_selected_span(self: MainWindow) -> None:
        span = self.current_span()
        if span is None or span.coder != self.coder:
            return
        self.selected_span_id = None
        self.push(ops.DeleteSpan(self.project, span))

    def set_variable(self: MainWindow, key: str, value: Any) -> None:
        if self.document_id is not None:
            self.push(ops.SetVariable(self.project, self.document_id, self.coder, key, value))

    # -- documents -----------------------------------------------------------------------
    def step_document(self: MainWindow, step: int) -> None:
        ids = self.doc_model.ids
        if not ids:
            return
        position = self.doc_model.position_of(self.document_id) if self.document_id else None
        position = 0 if position is None else max(0, min(len(ids) - 1, position + step))
        self.show_document(ids[position])

    def mark_done_and_next(self: MainWindow) -> None:
        if self.document_id is None:
            return
        ids = self.doc_model.ids
        start = (self.doc_model.position_of(self.document_id) or 0) + 1
        shown = self.doc_model.row(start - 1)  # the list's row: no read from the server
        if shown is None or shown.status is not Status.DONE:
            self.push(ops.SetStatus(self.project, self.document_id, self.coder, Status.DONE))
        order = ids[start:] + ids[:start]
        try:
            rows = {r.id: r.status for r in self.project.document_rows(order, self.coder)}
        except ServerUnreachable:  # away: the next in the list; its status shows later
            rows = {}
        following = next((i for i in order if rows.get(i) is not Status.DONE
                          and i != self.document_id), None)
        if following is None:
            self.statusBar().showMessage("All documents in the list are done.", 5000)
        else:
            self.show_document(following)
        self.navigation.focus_article()

    def set_status(self: MainWindow, status: Status) -> None:
        if self.document_id is not None:
            self.push(ops.SetStatus(self.project, self.document_id, self.coder, status))
