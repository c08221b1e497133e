"""The coding window: document list, article, scheme, span editor, variables and spans table.

It reads from the project and changes it only by pushing operations onto its undo stack;
after every committed change the store's notice makes it refresh what is on screen.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Change, Span, Status
from annotator.domain.text import excerpt
from annotator.storage import Project
from annotator.ui import operations as ops
from annotator.ui.article_view import ArticleView
from annotator.ui.bridge import StoreBridge
from annotator.ui.coding import AdjudicationMixin, CodingMixin
from annotator.ui.document_model import DocumentListModel
from annotator.ui.forms import SpanEditor, VariablesForm
from annotator.ui.menus import build_menus, refresh_recent_menu
from annotator.ui.scheme_panel import SchemePanel
from annotator.ui.settings import Settings
from annotator.ui.spans_model import SpansTableModel


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _unb64(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text)) if text else QByteArray()


class MainWindow(CodingMixin, AdjudicationMixin, QMainWindow):
    def __init__(self, project: Project, coder: str, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.coder = coder
        self.document_id: int | None = None
        self.selected_span_id: str | None = None
        self.compare_coder: str | None = None
        self.compare_selected_span_id: str | None = None
        self.spans: list[Span] = []
        self.undo_stack = QUndoStack(self)
        self._build()
        build_menus(self)
        self.set_project(project)
        self._restore_layout()

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.search_box = QLineEdit(placeholderText="Filter by title, outlet or text…")
        self.search_box.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All", None)
        for status in Status:
            self.status_filter.addItem(status.display.capitalize(), status)
        self.doc_table = QTableView()
        self.doc_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.doc_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.doc_table.setSortingEnabled(True)
        self.doc_table.verticalHeader().hide()
        self.doc_table.setWordWrap(False)
        self.doc_table.setObjectName("documents")
        filters = QHBoxLayout()
        filters.addWidget(self.search_box, 1)
        filters.addWidget(self.status_filter)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 4, 4, 4)
        lv.addLayout(filters)
        lv.addWidget(self.doc_table)

        self.header = QLabel()
        self.header.setObjectName("header")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.find_box = QLineEdit(placeholderText="Find in article (Enter: next)")
        self.find_box.hide()
        self.view = ArticleView()
        self.compare_view = ArticleView()
        self.compare_view.setObjectName("compare")
        self.compare_label = QLabel()
        compare_box = QWidget()
        cv = QVBoxLayout(compare_box)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.compare_label)
        cv.addWidget(self.compare_view)
        self.compare_box = compare_box
        compare_box.hide()
        texts = QSplitter(Qt.Orientation.Horizontal)
        texts.addWidget(self.view)
        texts.addWidget(compare_box)
        self.spans_model = SpansTableModel()
        self.spans_table = QTableView()
        self.spans_table.setModel(self.spans_model)
        self.spans_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.spans_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.spans_table.verticalHeader().hide()
        header = self.spans_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # not per-row sizing
        header.setStretchLastSection(True)
        for column, width in enumerate((115, 150, 260)):
            header.resizeSection(column, width)
        self.spans_table.setWordWrap(False)
        self.spans_table.setObjectName("spans")
        centre_split = QSplitter(Qt.Orientation.Vertical)
        article = QWidget()
        av = QVBoxLayout(article)
        av.setContentsMargins(4, 4, 4, 4)
        av.addWidget(self.header)
        av.addWidget(self.find_box)
        av.addWidget(texts, 1)
        centre_split.addWidget(article)
        centre_split.addWidget(self.spans_table)
        centre_split.setSizes([600, 180])

        self.scheme_panel = SchemePanel()
        self.span_editor = SpanEditor()
        self.variables_form = VariablesForm()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.scheme_panel)
        right.addWidget(self.span_editor)
        right.addWidget(self.variables_form)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre_split)
        self.splitter.addWidget(right)
        self.splitter.setSizes([420, 640, 340])
        self.setCentralWidget(self.splitter)
        self.resize(1400, 860)

        self.position_label, self.coder_label, self.saved_label = QLabel(), QLabel(), QLabel()
        for label in (self.position_label, self.coder_label, self.saved_label):
            self.statusBar().addPermanentWidget(label)

        # searching 100,000 article texts takes SQLite most of a second: wait for a pause
        self.filter_timer = QTimer(self, singleShot=True, interval=250)
        self.filter_timer.timeout.connect(self._filter_changed)
        self.search_box.textChanged.connect(self.filter_timer.start)
        self.status_filter.currentIndexChanged.connect(self._filter_changed)
        self.view.sig_code_requested.connect(self.code_with_key)
        self.view.sig_delete_requested.connect(self.delete_selected_span)
        self.view.sig_span_clicked.connect(self.select_span)
        self.compare_view.sig_span_clicked.connect(self._compare_span_clicked)
        self.scheme_panel.sig_code_requested.connect(self.code)
        self.span_editor.sig_label_requested.connect(self.relabel)
        self.span_editor.sig_attribute_requested.connect(self.set_attribute)
        self.variables_form.sig_variable_requested.connect(self.set_variable)
        self.find_box.returnPressed.connect(self.find_next)
        self.undo_stack.indexChanged.connect(self._undo_moved)

    # -- project -------------------------------------------------------------------------
    def set_project(self, project: Project) -> None:
        if getattr(self, "bridge", None):
            self.bridge.detach()
            self.project.close()
        self.project = project
        self.undo_stack.clear()
        self.project.add_coder(self.coder)
        self.bridge = StoreBridge(project)
        self.bridge.sig_changed.connect(self._on_change)
        self.settings.add_recent(project.path)
        scheme = project.scheme
        self.view.shortcut_keys = set(scheme.shortcuts())
        self.view.snap_words = self.settings.snap_to_words
        self.scheme_panel.set_scheme(scheme)
        self.variables_form.set_scheme(scheme)
        self.doc_model = DocumentListModel(project, self.coder)
        self.doc_table.setModel(self.doc_model)
        header = self.doc_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 82), (2, 90), (3, 100)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.doc_table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._document_chosen(current.row()))
        self.spans_table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._span_row_chosen(current.row()))
        self.setWindowTitle(f"{project.path.name} — annotator")
        last = self.settings.last_document.get(str(project.path.resolve()))
        ids = self.doc_model.ids
        self.show_document(last if last in ids else (ids[0] if ids else None))
        refresh_recent_menu(self)

    def _filter_changed(self) -> None:
        data = self.status_filter.currentData()  # Qt returns the enum's str value
        self.doc_model.set_filter(self.search_box.text(), Status(data) if data else None)
        self._select_list_row()
        self._update_status_bar()

    # -- showing -------------------------------------------------------------------------
    def show_document(self, document_id: int | None) -> None:
        self.document_id = document_id
        self.selected_span_id = self.compare_selected_span_id = None
        document = self.project.document(document_id) if document_id is not None else None
        self.view.set_document(document)
        self.compare_view.set_document(document if self.compare_coder else None)
        if document is None:
            self.header.setText("<i>No documents yet: File → Import files or folder.</i>")
        else:
            bits = [b for b in (document.date, document.outlet) if b]
            self.header.setText(f"<b style='font-size:14pt'>{_esc(document.title)}</b><br>"
                                f"<span style='color:#555'>{_esc(' · '.join(bits))}</span>")
            self.settings.last_document[str(self.project.path.resolve())] = document.id
        self._select_list_row()
        self.refresh_coding()
        self._update_status_bar()

    def _select_list_row(self) -> None:
        position = self.doc_model.position_of(self.document_id) \
            if self.document_id is not None else None
        selection = self.doc_table.selectionModel()
        if position is None:
            selection.clearSelection()
            return
        index = self.doc_model.index(position, 0)
        if selection.currentIndex().row() != position:
            selection.blockSignals(True)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
            selection.blockSignals(False)
            self.doc_table.viewport().update()
        self.doc_table.scrollTo(index)

    def _document_chosen(self, row: int) -> None:
        document_id = self.doc_model.document_id(row)
        if document_id is not None and document_id != self.document_id:
            self.show_document(document_id)

    def visible_spans(self) -> list[Span]:
        if self.document_id is None:
            return []
        if self.settings.blind or self.compare_coder:
            return self.project.spans(self.document_id, self.coder)
        return self.project.spans(self.document_id)

    def refresh_coding(self) -> None:
        """Re-read this document's spans, variables and status from the store."""
        scheme = self.project.scheme
        self.spans = self.visible_spans()
        if self.selected_span_id not in {s.id for s in self.spans}:
            self.selected_span_id = None
        different: set[str] = set()
        if self.compare_coder and self.document_id is not None:
            theirs = self.project.spans(self.document_id, self.compare_coder)
            different = _unmatched(self.spans, theirs) | _unmatched(theirs, self.spans)
            self.compare_view.set_spans(theirs, scheme, self.compare_selected_span_id,
                                        different)
            self.compare_label.setText(f"<b>{_esc(self.compare_coder)}</b> — "
                                       f"{len(theirs)} spans; wavy red: no exact match")
        self.view.set_spans(self.spans, scheme, self.selected_span_id, different)
        self.spans_model.set_spans(self.spans, scheme, show_coder=not self.settings.blind)
        self._show_selected_span()
        values = self.project.variables(self.document_id, self.coder) \
            if self.document_id is not None else {}
        self.variables_form.show_values(values)
        self.variables_form.setEnabled(self.document_id is not None)

    def _show_selected_span(self) -> None:
        span = next((s for s in self.spans if s.id == self.selected_span_id), None)
        mine = [s for s in self.spans if s.coder == self.coder]
        self.span_editor.show_span(span, self.project.scheme, mine)
        self.span_editor.setEnabled(span is None or span.coder == self.coder)
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

    def select_span(self, span_id: str | None) -> None:
        self.selected_span_id = span_id
        self.view.select_span(span_id)
        self._show_selected_span()
        span = next((s for s in self.spans if s.id == span_id), None)
        if span:
            self.statusBar().showMessage(f"{span.category}: “{excerpt(span.text, 50)}”", 3000)

    def _compare_span_clicked(self, span_id: str | None) -> None:
        self.compare_selected_span_id = span_id
        self.compare_view.select_span(span_id)
        if span_id:
            self.statusBar().showMessage(
                f"{self.compare_coder}'s span selected: Ctrl+G accepts it into gold.", 4000)

    def _span_row_chosen(self, row: int) -> None:
        if 0 <= row < len(self.spans):
            span = self.spans[row]
            self.select_span(span.id)
            cursor = self.view.textCursor()
            cursor.setPosition(self.view.offsets.to_utf16(span.start))
            self.view.setTextCursor(cursor)
            self.view.ensureCursorVisible()

    def _on_change(self, change: Change) -> None:
        if change.kind in ("documents_imported", "scheme_applied"):
            self.doc_model.reload()
            self._select_list_row()
        if change.document_id is not None and change.kind in ("status_set", "span_added",
                                                              "variable_set"):
            self.doc_model.refresh_document(change.document_id)  # coding starts a document
        if change.document_id == self.document_id or change.kind == "scheme_applied":
            self.refresh_coding()
        self.saved_label.setText("✓ saved")
        self._update_status_bar()

    def _undo_moved(self, index: int) -> None:
        """After undo or redo, show the document the step touched."""
        previous = getattr(self, "_undo_index", 0)
        self._undo_index = index
        command = self.undo_stack.command(index if index < previous else index - 1)
        if isinstance(command, ops._Command) and command.document_id != self.document_id:
            self.show_document(command.document_id)

    def _update_status_bar(self) -> None:
        total = self.project.document_count()
        position = self.doc_model.position_of(self.document_id) \
            if self.document_id is not None else None
        done = self.project.status_counts(self.coder)[Status.DONE]
        shown = len(self.doc_model.ids)
        where = f"Document {position + 1} of {shown}" if position is not None else "No document"
        if shown != total:
            where += f" (filtered from {total})"
        self.position_label.setText(f"{where} · {done} done")
        mode = "blind" if self.settings.blind else "all coders"
        if self.compare_coder:
            mode = f"comparing with {self.compare_coder}"
        self.coder_label.setText(f"Coder: {self.coder} ({mode})")

    # -- layout --------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        if self.settings.geometry:
            self.restoreGeometry(_unb64(self.settings.geometry))
        if self.settings.window_state:
            self.restoreState(_unb64(self.settings.window_state))
        if self.settings.splitter_state:
            self.splitter.restoreState(_unb64(self.settings.splitter_state))
        self.view.set_zoom(self.settings.zoom)
        self.compare_view.set_zoom(self.settings.zoom)

    def save_layout(self) -> None:
        self.settings.geometry = _b64(self.saveGeometry())
        self.settings.window_state = _b64(self.saveState())
        self.settings.splitter_state = _b64(self.splitter.saveState())
        self.settings.zoom = self.view.zoom
        self.settings.coder = self.coder
        self.settings.save()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.save_layout()
        self.bridge.detach()
        self.project.close()
        super().closeEvent(event)

    def open_project_path(self, path: Path) -> None:
        self.set_project(Project.open(path))


def _esc(text: str | None) -> str:
    return html.escape(text or "")


def _unmatched(mine: list[Span], theirs: list[Span]) -> set[str]:
    keys = {(s.category, s.label, s.start, s.end) for s in theirs}
    return {s.id for s in mine if (s.category, s.label, s.start, s.end) not in keys}

