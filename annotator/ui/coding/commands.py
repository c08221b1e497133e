"""What the coder does in the window: code a selection, relabel, edit attributes and variables,
delete, move between documents and mark done (switching coders is ``window/coder.py``'s,
comparing ``study/adjudication.py``'s, moving about ``window/navigation.py``'s).

Every data change is pushed onto the window's undo stack as an operation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.domain.errors import AnnotatorError, ServerUnreachable
from annotator.domain.model import Status
from annotator.ui.coding import operations as ops
from annotator.ui.window.context import WindowContext

if TYPE_CHECKING:

    from annotator.domain.model import Span
    from annotator.ui.coding.article_view import ArticleView
    from annotator.ui.coding.document_model import DocumentListModel
    from annotator.ui.window.navigation import NavigationPanel


class Outbox(Protocol):
    """The link to a lab server (``ui/server``): while it is away, actions wait in order."""

    @property
    def waiting(self) -> bool: ...
    def keep(self, command: ops._Command, reason: str) -> None: ...


class CodingContext(WindowContext, Protocol):
    """What coding needs of the window: the document and spans on screen (the selected one
    the panel changes), the article view, the document list, the undo stack and the link to
    a server, and what must follow a change."""

    selected_span_id: str | None

    @property
    def coder(self) -> str: ...
    @property
    def spans(self) -> list[Span]: ...
    @property
    def view(self) -> ArticleView: ...
    @property
    def doc_model(self) -> DocumentListModel: ...
    @property
    def server_link(self) -> Outbox | None: ...
    @property
    def navigation(self) -> NavigationPanel: ...
    def show_saved(self, state: str, reason: str = "") -> None: ...
    def refresh_coding(self) -> None: ...
    def show_document(self, document_id: int | None) -> None: ...


class CodingPanel:
    """The coding of the article on screen, for one window: given its ``CodingContext`` and
    the widget its messages belong to. Every change is an operation ``push`` runs and puts on
    the window's undo stack (or keeps, in order, while the server is away)."""

    def __init__(self, window: CodingContext, parent: QWidget) -> None:
        self.w, self.parent = window, parent

    def push(self, command: ops._Command) -> bool:
        """Run an operation, then put it on the undo stack; a refused one (a bad value, say)
        is shown and leaves nothing behind, neither in the project nor on the stack."""
        link = self.w.server_link
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
            self.w.show_saved("failed", str(exc))
            self.w.refresh_coding()  # show what is really stored
            QMessageBox.warning(self.parent, "Not saved", str(exc))
            return False
        command.applied = True
        self.w.undo_stack.push(command)
        return True

    # -- spans ---------------------------------------------------------------------------
    def code_with_key(self, key: str) -> None:
        target = self.w.project.scheme.shortcuts().get(key)
        if target:
            category, label = target
            self.code(category.key, label.key if label else None)

    def code(self, category: str, label: str | None) -> None:
        """Code the selection; with no selection, relabel the selected span if that fits."""
        if self.w.document_id is None:
            return
        selected = self.w.view.selected_range()
        if selected is None:
            span = self.current_span()
            if span and label and span.category == category and span.coder == self.w.coder:
                self.relabel(span.id, label)
            else:
                self.w.statusBar().showMessage("Select some text first, then press the key.", 4000)
            return
        command = ops.AddSpan(self.w.project, self.w.document_id, self.w.coder, category, *selected,
                              label=label)
        previous, self.w.selected_span_id = self.w.selected_span_id, command.span_id
        self.w.view.clear_selection()
        if not self.push(command):
            self.w.selected_span_id = previous

    def current_span(self) -> Any:
        return next((s for s in self.w.spans if s.id == self.w.selected_span_id), None)

    def shown_span(self, span_id: str) -> Any:
        """A span as the window shows it (no read from a server that may be away), else
        as stored."""
        return next((s for s in self.w.spans if s.id == span_id), None) or \
            self.w.project.span(span_id)

    def relabel(self, span_id: str, label: str | None) -> None:
        span = self.shown_span(span_id)
        self.push(ops.UpdateSpan(self.w.project, span, "Change label", label=label))

    def set_attribute(self, span_id: str, key: str, value: Any) -> None:
        self.push(ops.SetAttribute(self.w.project, self.shown_span(span_id), key, value))

    def set_span_memo(self, span_id: str, memo: str) -> None:
        span = self.shown_span(span_id)
        if span.coder != self.w.coder:  # a memo is its coder's own note
            self.w.statusBar().showMessage(f"This span's memo is {span.coder}'s; only they can "
                                         f"change it.", 5000)
            self.w.refresh_coding()
            return
        self.push(ops.SetSpanMemo(self.w.project, span, memo))

    def set_document_memo(self, memo: str) -> None:
        if self.w.document_id is not None:
            self.push(ops.SetDocumentMemo(self.w.project, self.w.document_id, self.w.coder, memo))

    def resize_selected_span(self) -> None:
        """Give the selected span the range of the current text selection."""
        span, selected = self.current_span(), self.w.view.selected_range()
        if span is None or selected is None or span.coder != self.w.coder:
            self.w.statusBar().showMessage("Click a span, then select its new extent.", 4000)
            return
        self.push(ops.UpdateSpan(self.w.project, span, "Resize span", start=selected[0],
                                 end=selected[1]))
        self.w.view.clear_selection()

    def delete_selected_span(self) -> None:
        span = self.current_span()
        if span is None or span.coder != self.w.coder:
            return
        self.w.selected_span_id = None
        self.push(ops.DeleteSpan(self.w.project, span))

    def set_variable(self, key: str, value: Any) -> None:
        if self.w.document_id is not None:
            self.push(ops.SetVariable(self.w.project, self.w.document_id, self.w.coder, key, value))

    # -- documents -----------------------------------------------------------------------
    def step_document(self, step: int) -> None:
        ids = self.w.doc_model.ids
        if not ids:
            return
        position = self.w.doc_model.position_of(self.w.document_id) if self.w.document_id else None
        position = 0 if position is None else max(0, min(len(ids) - 1, position + step))
        self.w.show_document(ids[position])

    def mark_done_and_next(self) -> None:
        if self.w.document_id is None:
            return
        ids = self.w.doc_model.ids
        start = (self.w.doc_model.position_of(self.w.document_id) or 0) + 1
        shown = self.w.doc_model.row(start - 1)  # the list's row: no read from the server
        if shown is None or shown.status is not Status.DONE:
            self.push(ops.SetStatus(self.w.project, self.w.document_id, self.w.coder, Status.DONE))
        order = ids[start:] + ids[:start]
        try:
            rows = {r.id: r.status for r in self.w.project.document_rows(order, self.w.coder)}
        except ServerUnreachable:  # away: the next in the list; its status shows later
            rows = {}
        following = next((i for i in order if rows.get(i) is not Status.DONE
                          and i != self.w.document_id), None)
        if following is None:
            self.w.statusBar().showMessage("All documents in the list are done.", 5000)
        else:
            self.w.show_document(following)
        self.w.navigation.focus_article()

    def set_status(self, status: Status) -> None:
        if self.w.document_id is not None:
            self.push(ops.SetStatus(self.w.project, self.w.document_id, self.w.coder, status))
