"""What the coder does in the window: code a selection, relabel, edit attributes and variables,
delete, move between documents, mark done, switch coder and compare.

Every data change is pushed onto the window's undo stack as an operation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from annotator.domain.errors import AnnotatorError, ServerUnreachable
from annotator.domain.model import Status
from annotator.services.actions import GOLD
from annotator.ui.coding import operations as ops
from annotator.ui.window.dialogs import ask_coder, choose_coders

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

    # -- coders and modes ----------------------------------------------------------------
    def switch_coder(self: MainWindow, name: str | None = None) -> None:
        self.flush_edits()  # what was typed is the current coder's
        if getattr(self, "role_coder", None):
            QMessageBox.information(self, "Switch coder", f"On this server you code as "
                                    f"{self.role_coder}, the role you connected as. Another "
                                    f"coder connects as their own role.")
            return
        if self.package_coder and self.blind_locked:
            QMessageBox.information(self, "Switch coder", f"This is {self.package_coder}'s "
                                    f"package, for blind coding: everything coded in it is "
                                    f"{self.package_coder}'s. Another coder codes in their "
                                    f"own package.")
            return
        name = name or ask_coder(self, self.project.coders(), self.coder)
        if not name or name == self.coder:
            return
        if self.package_coder and not self._code_in_package_as(name):
            return
        if not self.project.read_only:
            self.project.add_coder(name)
        self.coder = name
        self.settings.coder_by_project[self.project.key] = name
        if name != GOLD and not self.package_coder:  # your name, not a role you take
            self.settings.coder = name
        self.settings.save()
        self.undo_stack.clear()  # one coder's undo must not touch another's work
        if name in self.lanes.coders:
            self.lanes.set_coders([c for c in self.lanes.coders if c != name])
            self.compare_coder = self.lanes.coders[0] if self.lanes.coders else None
        self.doc_model.set_coder(name)
        self.actions_by_name["blind"].setChecked(self.blind)
        self.show_document(self.document_id)

    def _code_in_package_as(self: MainWindow, name: str) -> bool:
        """An explicit choice to code in someone's package under another name, asked and
        written into the package (a merge lists that work apart)."""
        answer = QMessageBox.question(
            self, "Code under another name?", f"This is {self.package_coder}'s package. Code "
            f"in it as {name}? The change is recorded in the package, and a merge will list "
            f"{name}'s work from it for the coordinator to settle.")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        log = list(self.project.study_setting("coder_changes", []))
        log.append({"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "from": self.coder, "to": name})
        self.project.set_study_setting("coder_changes", log)
        return True

    def set_blind(self: MainWindow, blind: bool) -> None:
        self.settings.blind_by_project[self._blind_key()] = blind
        self.settings.save()
        self.refresh_coding()
        self._update_status_bar()

    def compare_with(self: MainWindow, other: str | list[str] | None = None) -> None:
        """Compare with one coder, or several (a lane each); "" or [] stops comparing."""
        if other is None:
            others = [c for c in self.project.coders() if c != self.coder]
            if not others:
                QMessageBox.information(self, "Compare", "No other coder has coded yet.")
                return
            other = choose_coders(self, others, self.lanes.coders)
            if other is None:
                return
        coders = [other] if isinstance(other, str) else list(other)
        coders = [c for c in coders if c and c != self.coder]
        self.lanes.set_coders(coders)
        self.compare_coder = coders[0] if coders else None
        self._make_room_for_compare(bool(coders))
        self.show_document(self.document_id)

    def _make_room_for_compare(self: MainWindow, comparing: bool) -> None:
        """Two panes of 40 characters need the width: on a narrow window, compare mode
        folds the side panels away (View menu or Ctrl+Shift+L/K bring them back) and
        stopping puts back what it folded."""
        toggles = (("toggle_documents", 1100), ("toggle_fields", 900))
        if comparing:
            folded = [name for name, below in toggles if self.width() < below
                      and self.actions_by_name[name].isChecked()]
            for name in folded:
                self.actions_by_name[name].trigger()
            self._folded_for_compare = getattr(self, "_folded_for_compare", []) + folded
            if folded:
                self.statusBar().showMessage("Side panels folded to make room: Ctrl+Shift+L "
                                             "and Ctrl+Shift+K bring them back.", 6000)
        else:
            for name in getattr(self, "_folded_for_compare", []):
                if not self.actions_by_name[name].isChecked():
                    self.actions_by_name[name].trigger()
            self._folded_for_compare = []
