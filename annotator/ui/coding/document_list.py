"""The document list pane: the filter box, the status filter and the lazy list of a project's
documents, with the model that fills it.

It owns its widgets and its model. It tells the window which document the coder chose
(``sig_chosen``) and when a list has arrived or changed (``sig_listed``, for the status bar);
it never opens a document itself, and it is told which one is on screen (``select``).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Status
from annotator.storage import Project
from annotator.ui.coding.document_model import DocumentListModel
from annotator.ui.coding.looks import FILTER_PLACEHOLDER, list_table, size_list_columns

FILTER_PAUSE_MS = 250  # searching 100,000 article texts takes SQLite most of a second


class DocumentList(QWidget):
    sig_chosen = Signal(int)  # a document id the coder picked in the list
    sig_listed = Signal()  # the list's rows changed (filtered, arrived, reloaded)

    def __init__(self) -> None:
        super().__init__()
        self.search_box = QLineEdit(placeholderText=FILTER_PLACEHOLDER)
        self.search_box.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All", None)
        for status in Status:
            self.status_filter.addItem(status.display.capitalize(), status)
        self.table = list_table("documents")
        self.table.setSortingEnabled(True)
        # titles cut in the middle: "Vladimir P…" was two seeds; "Vladimir Pu…concerns" is one
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        filters = QHBoxLayout()
        filters.addWidget(self.search_box, 1)
        filters.addWidget(self.status_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.current: int | None = None  # the document on screen
        self.filter_timer = QTimer(self, singleShot=True, interval=FILTER_PAUSE_MS)
        self.filter_timer.timeout.connect(self.filter_changed)
        self.search_box.textChanged.connect(self.filter_timer.start)
        self.status_filter.currentIndexChanged.connect(self.filter_changed)

    def show_project(self, project: Project, coder: str) -> None:
        """The list of another project (or the same one anew): a model of its own."""
        self.model = DocumentListModel(project, coder)
        self.model.sig_reloaded.connect(self._arrived)
        self.table.setModel(self.model)
        size_list_columns(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def opening(self, last: int | None) -> int | None:
        """The document a project opens on: the last one shown, if it is still in the list
        (asked of the store while the rest of the list is coming), else the first."""
        ids, model = self.model.ids, self.model
        if last is not None and (last in ids or (
                model.partial and model.project.is_listed(last, model.coder))):
            return last
        return ids[0] if ids else None

    def filter_changed(self) -> None:
        data = self.status_filter.currentData()  # Qt returns the enum's str value
        self.model.set_filter(self.search_box.text(), Status(data) if data else None)
        self.select(self.current)
        self.sig_listed.emit()

    def _arrived(self) -> None:
        """The filtered list arrived from its thread."""
        self.select(self.current)
        self.sig_listed.emit()

    def reload(self) -> None:
        """Documents came or the scheme changed: the list read again."""
        self.model.reload()
        self.select(self.current)

    def select(self, document_id: int | None) -> None:
        """Show ``document_id``'s row as the current one (none, if the filter hides it),
        without telling anyone it was chosen."""
        self.current = document_id
        position = self.model.position_of(document_id) if document_id is not None else None
        selection = self.table.selectionModel()
        if position is None:
            selection.clearSelection()
            return
        index = self.model.index(position, 0)
        if selection.currentIndex().row() != position:
            # the view repaints the two rows itself; _row_chosen ignores the current document
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        document_id = self.model.document_id(current.row())
        if document_id is not None and document_id != self.current:
            self.sig_chosen.emit(document_id)
