"""The coding window: document list, article, scheme, span editor, variables and spans table.

It reads from the project and changes it only by pushing operations onto its undo stack;
after every committed change the store's notice makes it refresh what is on screen.
"""

from __future__ import annotations

import bisect
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QWidget

from annotator.domain.errors import ProjectError, ServerUnreachable
from annotator.domain.model import Change, Span
from annotator.domain.text import excerpt
from annotator.storage import Project
from annotator.ui.coding import operations as ops
from annotator.ui.coding.commands import CodingPanel
from annotator.ui.coding.document_model import DocumentListModel
from annotator.ui.coding.looks import details_line
from annotator.ui.coding.suggestions import SuggestionPanel
from annotator.ui.study.adjudication import StudyPanel
from annotator.ui.window.bridge import StoreBridge
from annotator.ui.window.coder import CoderPanel
from annotator.ui.window.layout import WindowWidgets, build_widgets, restore_layout, save_layout
from annotator.ui.window.menu_bar import build_menus
from annotator.ui.window.menus import refresh_recent_menu
from annotator.ui.window.navigation import NavigationPanel
from annotator.ui.window.session import Session
from annotator.ui.window.settings import Settings

if TYPE_CHECKING:
    from annotator.ui.server.server_link import ServerLink


class MainWindow(WindowWidgets, QMainWindow):
    settings: Settings
    project: Project
    bridge: StoreBridge

    def __init__(self, project: Project, coder: str, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.coder = coder
        self._undo_index = 0  # where the undo stack stood before its last move
        self.project_open = False  # a project is on screen, its list and notices live
        self.server_link: ServerLink | None = None  # a project on a server: live, and away
        self.role_coder: str | None = None
        self.package_coder: str | None = None  # whose package this project is, if one
        self.document_id: int | None = None
        self.selected_span_id: str | None = None
        self.compare_coder: str | None = None
        self.compare_selected_span_id: str | None = None
        self.spans: list[Span] = []
        self.undo_stack = QUndoStack(self)
        self.setObjectName("main")
        self.session = Session(self)
        self.study = StudyPanel(self, self)  # adjudication and the study's windows
        self.navigation = NavigationPanel(self)  # zoom, find, focus, stepping through spans
        self.coder_panel = CoderPanel(self, self)  # who codes here, and blind coding
        self.coding = CodingPanel(self, self)  # coding the article on screen
        self.suggestions = SuggestionPanel(self, self)  # the speaker finder's proposals
        build_widgets(self)
        self._connect()
        build_menus(self)
        self.set_project(project)
        restore_layout(self)
        if settings.keywords:
            from annotator.ui.find.keywords import apply_keywords
            apply_keywords(self)

    def _connect(self) -> None:
        self.documents.sig_chosen.connect(self.show_document)
        self.documents.sig_listed.connect(self.update_status_bar)
        self.view.sig_code_requested.connect(self.coding.code_with_key)
        self.view.sig_delete_requested.connect(self.coding.delete_selected_span)
        self.view.sig_suggestion_requested.connect(self.suggestions.answer)
        self.view.sig_span_clicked.connect(self.select_span)
        self.lanes.sig_span_clicked.connect(self._compare_span_clicked)
        self.scheme_panel.sig_code_requested.connect(self.coding.code)
        self.span_editor.sig_label_requested.connect(self.coding.relabel)
        self.span_editor.sig_attribute_requested.connect(self.coding.set_attribute)
        self.variables_form.sig_variable_requested.connect(self.coding.set_variable)
        self.span_editor.sig_memo_requested.connect(self.coding.set_span_memo)
        self.variables_form.sig_memo_requested.connect(self.coding.set_document_memo)
        for form in (self.span_editor, self.variables_form):
            form.sig_editing.connect(lambda: self.show_saved("editing"))
        self.navigation.connect((self.span_editor, self.variables_form, self.doc_table,
                                 self.spans_table))
        self.undo_stack.indexChanged.connect(self._undo_moved)
        self.splitter.splitterMoved.connect(lambda *_: self.session.place_changed())

    def show_saved(self, state: str, reason: str = "") -> None:
        """The status bar's promise: "✓ saved" only when everything shown is stored."""
        self.status_line.show_saved(state, reason)

    def typing(self) -> bool:
        return self.span_editor.typing() or self.variables_form.typing()

    # -- project -------------------------------------------------------------------------
    def close_project(self) -> None:
        """Let go of the project on screen: its list's thread and connection, the edit being
        typed, its backup under way, the store's notices, the server link and the lock."""
        if not self.project_open:
            return
        self.project_open = False
        self.doc_model.close()
        self.flush_edits()
        self.bridge.detach()
        if self.server_link is not None:
            self.server_link.close()
            self.server_link = None
        self.project.close()
        self.session.closed(self.project)

    def set_project(self, project: Project) -> None:
        switching = hasattr(self, "project")  # not the window's first
        self.close_project()
        self.project, self.project_open = project, True
        self.session.opened(project)
        self.undo_stack.clear()
        self.role_coder, self.coordinates = project.session_coder()
        self.package_coder = project.study_setting("package_of")
        if self.role_coder:  # on a server a coder's role says who they are
            self.coder = self.role_coder
        elif self.package_coder:  # a package is its coder's, whoever opens it
            self.coder = self.package_coder
        elif switching:  # another project: the coder last used in it, if any
            self.coder = self.settings.coder_by_project.get(project.key, self.coder)
        if not project.read_only:
            self.project.add_coder(self.coder)
        self.bridge = StoreBridge(project)
        self.bridge.sig_changed.connect(self._on_change)
        if project.on_server:
            from annotator.ui.server.server_link import ServerLink

            self.server_link = ServerLink(self)
        self.settings.add_recent(project.key)
        self.settings.coder_by_project[project.key] = self.coder
        scheme = project.scheme
        self.view.shortcut_keys = set(scheme.shortcuts())
        self.view.snap_words = self.settings.snap_to_words
        self.scheme_panel.set_scheme(scheme)
        self.variables_form.set_scheme(scheme)
        self.documents.show_project(project, self.coder)
        self.spans_table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.choose_span_row(current.row()))
        shown = project.location if project.on_server else project.path.name
        self.setWindowTitle(f"{shown}{' (read-only)' * project.read_only} — annotator")
        self.show_document(self.documents.opening(self.settings.last_document.get(project.key)))
        self.blind_locked = bool(project.study_setting("blind_locked", False))
        self.actions_by_name["blind"].setEnabled(not self.blind_locked)
        self.actions_by_name["blind"].setChecked(self.blind)
        refresh_recent_menu(self)
        self.view.setFocus()  # the keyboard starts in the article, ready to code

    # -- showing -------------------------------------------------------------------------
    def show_document(self, document_id: int | None) -> None:
        self.flush_edits()  # typed text goes to the document it was typed for
        try:
            document = self.project.document(document_id) if document_id is not None else None
        except ServerUnreachable as exc:  # stay where the coder is; their actions wait
            self.statusBar().showMessage(f"Cannot open document {document_id} while the "
                                         f"server is away ({exc}).", 6000)
            return
        self.document_id = document_id
        self.selected_span_id = self.compare_selected_span_id = None
        in_span = self.span_editor.isAncestorOf(self.focusWidget())  # its fields go: below
        spans = self.visible_spans()  # drawn with the text (ArticleView.set_document)
        self.view.set_document(document, spans, self.project.scheme)
        self.lanes.set_document(document)
        self.scheme_panel.show_category(None)
        if document is None:
            self.header.show_notice("<i>No documents yet: File → Import files or folder.</i>")
        else:
            self.header.show_document(document.title,
                                      details_line(document.date, document.outlet))
            self.settings.last_document[self.project.key] = document.id
            self.session.place_changed()
        self.documents.select(self.document_id)
        self.refresh_coding(spans)
        self.update_status_bar()
        if in_span:  # to the article, not the next field (where S would be typed as text)
            self.view.setFocus()

    def visible_spans(self) -> list[Span]:
        if self.document_id is None:
            return []
        if self.blind or self.compare_coder:
            return self.project.spans(self.document_id, self.coder)
        return self.project.spans(self.document_id)

    def refresh_coding(self, spans: list[Span] | None = None) -> None:
        """Re-read this document's spans (unless just read: ``spans``), variables and
        status from the store."""
        scheme = self.project.scheme
        self.spans = self.visible_spans() if spans is None else spans
        if self.selected_span_id and all(s.id != self.selected_span_id for s in self.spans):
            self.selected_span_id = None
        different: set[str] = set()
        if self.compare_coder and self.document_id is not None:
            different = self.lanes.refresh(self.project, self.document_id, self.spans, scheme,
                                           self.compare_selected_span_id)
            self.view_label.setText(f"<b>{_esc(self.coder)}</b> (you) — {len(self.spans)} "
                                    f"spans")
        self.view_label.setVisible(bool(self.compare_coder))
        self.view.set_spans(self.spans, scheme, self.selected_span_id, different)
        self.spans_model.set_spans(self.spans, scheme, show_coder=not self.blind)
        self.suggestions.refresh()
        self._show_selected_span()
        values = self.project.variables(self.document_id, self.coder) \
            if self.document_id is not None else {}
        memo = self.project.document_memo(self.document_id, self.coder) \
            if self.document_id is not None else ""
        self.variables_form.show_values(values, memo)
        self.variables_form.setEnabled(self.document_id is not None)

    def refresh_span(self, change: Change) -> None:
        """One span added, changed or removed on screen: read that span alone, not the
        document (a coder adding the 1,001st span waits for one row, not a thousand)."""
        if self.compare_coder:  # the lanes compare whole sets
            self.refresh_coding()
            return
        kept = [s for s in self.spans if s.id != change.span_id]
        if change.kind != "span_removed" and (not self.blind or change.coder == self.coder):
            try:
                span = self.project.span(change.span_id or "")
            except ProjectError:  # gone again within the same step
                span = None
            if span is not None:
                key = (span.start, span.end, span.created_at)
                at = bisect.bisect(kept, key, key=lambda s: (s.start, s.end, s.created_at))
                kept.insert(at, span)
        self.spans = kept
        if self.selected_span_id and all(s.id != self.selected_span_id for s in kept):
            self.selected_span_id = None
        self.view.set_spans(self.spans, self.project.scheme, self.selected_span_id)
        self.spans_model.set_spans(self.spans, self.project.scheme, show_coder=not self.blind)
        self.suggestions.refresh()
        self._show_selected_span()

    def _show_selected_span(self) -> None:
        span = next((s for s in self.spans if s.id == self.selected_span_id), None)
        mine = []  # what the span's links may point to: the coder's own spans
        if span is not None:  # (blind or comparing, every span shown is the coder's)
            mine = self.spans if self.blind or self.compare_coder else [
                s for s in self.spans if s.coder == self.coder]
        self.span_editor.show_span(span, self.project.scheme, mine)
        self.span_editor.setEnabled(span is None or span.coder == self.coder)
        self._chain_focus()
        if span:
            self.scheme_panel.show_category(span.category)
        row = self.spans_model.row_of(self.selected_span_id)
        selection = self.spans_table.selectionModel()
        selection.blockSignals(True)
        if row is None:
            selection.clearSelection()
        else:
            selection.setCurrentIndex(self.spans_model.index(row, 0),
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
        selection.blockSignals(False)
        self.spans_table.viewport().update()

    def flush_edits(self) -> None:
        """Store text still within its typing pause, while its span and document are the
        ones on screen (before a switch of document, coder or project)."""
        self.span_editor.flush()
        self.variables_form.flush()

    def _chain_focus(self) -> None:
        """Tab goes article → the span's fields → the variables → spans → documents."""
        chain = [self.view, *(e.widget for e in self.span_editor.editors.values()),
                 *(e.widget for e in self.variables_form.editors.values()),
                 self.spans_table, self.doc_table, self.search_box]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def select_span(self, span_id: str | None) -> None:
        self.selected_span_id = span_id
        self.view.select_span(span_id)
        self._show_selected_span()
        span = next((s for s in self.spans if s.id == span_id), None)
        if span:
            self.statusBar().showMessage(f"{span.category}: “{excerpt(span.text, 50)}”", 3000)

    def _compare_span_clicked(self, coder: str, span_id: str | None) -> None:
        self.compare_selected_span_id = span_id
        self.lanes.select(span_id)
        if span_id:
            self.statusBar().showMessage(
                f"{coder}'s span selected: Ctrl+G accepts it into gold.", 4000)

    def choose_span_row(self, row: int) -> None:
        if 0 <= row < len(self.spans):
            span = self.spans[row]
            self.select_span(span.id)
            cursor = self.view.textCursor()
            cursor.setPosition(self.view.offsets.to_utf16(span.start))
            self.view.setTextCursor(cursor)
            self.view.ensureCursorVisible()

    def _on_change(self, change: Change) -> None:
        try:
            self._show_change(change)
        except ServerUnreachable:  # arrived as the server went: shown once it is back
            pass

    def _show_change(self, change: Change) -> None:
        if change.kind == "study_changed":
            self.blind_locked = bool(self.project.study_setting("blind_locked", False))
            if self.suggestions.on and self.project.study_setting("suggestions_locked", False):
                self.actions_by_name["suggest"].setChecked(self.suggestions.set_on(False))
            self.actions_by_name["blind"].setEnabled(not self.blind_locked)
            self.actions_by_name["blind"].setChecked(self.blind)
            self.refresh_coding()
        self.status_line.changed(change.kind)
        self.suggestions.changed(change.kind, change.coder)
        if change.kind in ("documents_imported", "scheme_applied"):
            self.documents.reload()
        if change.document_id is not None and change.kind in ("status_set", "span_added",
                                                              "variable_set", "memo_set"):
            self.doc_model.refresh_document(change.document_id)  # coding starts a document
        if change.kind == "scheme_applied":
            self.refresh_coding()
        elif change.document_id == self.document_id:
            self.refresh_span(change) if change.span_id else self.refresh_coding()
        if not (change.remote or (self.server_link and self.server_link.waiting)):
            self.show_saved(*self.session.saved_state())
        self.session.project_changed()
        for panel in [*(getattr(self, name, None) for name in (  # the open panels
                "segments_window", "charts_window", "duplicates_window")),
                      self.study.study_window]:
            if panel is not None and panel.isVisible():
                panel.project_changed(change)
        self.update_status_bar()

    def _undo_moved(self, index: int) -> None:
        """After undo or redo, show the document the step touched."""
        previous, self._undo_index = self._undo_index, index
        command = self.undo_stack.command(index if index < previous else index - 1)
        if isinstance(command, ops._Command) and command.document_id != self.document_id:
            self.show_document(command.document_id)

    def update_status_bar(self) -> None:
        """Runs after every change; the counts are kept until a change that can move them."""
        self.status_line.show_place(self.project, self.coder, self.doc_model, self.document_id)
        mode = "blind" if self.blind else "all coders"
        if self.compare_coder:
            mode = f"comparing with {', '.join(self.lanes.coders)}"
        self.status_line.show_coder(self.coder, mode, bool(self.package_coder))

    # -- layout --------------------------------------------------------------------------
    def save_layout(self, in_background: bool = False) -> None:
        save_layout(self, in_background)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.flush_edits()
        focused = self.focusWidget()
        if focused is not None:
            focused.clearFocus()  # a text being typed is stored now, before the project closes
        if self.server_link is not None and not self.server_link.may_close():
            event.ignore()
            return
        self.save_layout()
        self.close_project()
        super().closeEvent(event)

    @property
    def doc_model(self) -> DocumentListModel:
        """The document list's model: the ids in list order, filtered and sorted."""
        return self.documents.model

    def push(self, command: Any) -> bool:
        """An operation run by the coding panel, for the parts that change data."""
        return self.coding.push(command)

    def open_project_path(self, path: Path | str) -> None:
        self.set_project(Project.open(path))

    @property
    def blind(self) -> bool:
        """Blind coding is each coder's own choice in each project (default: on), unless the
        study's coordinator locked it on."""
        if getattr(self, "blind_locked", False):
            return True
        return self.settings.blind_by_project.get(self.blind_key(), True)

    def blind_key(self) -> str:
        return f"{self.project.key}|{self.coder}"


def _esc(text: str | None) -> str:
    return html.escape(text or "")

