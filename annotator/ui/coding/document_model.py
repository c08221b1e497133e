"""The document list as a lazy Qt table model: ids in list order, rows fetched a page at a time.

With 100,000 documents the model holds only their ids (and the pages a view has asked for);
filtering and sorting are a new id list from the store.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from annotator.domain.errors import ServerUnreachable
from annotator.domain.model import DocumentRow, Status
from annotator.storage import Project
from annotator.ui.coding.list_query import ListQuery
from annotator.ui.coding.looks import LIST_COLUMNS as COLUMNS
from annotator.ui.coding.looks import status_text

_PAGE = 200
_MAX_PAGES = 50
ASYNC_FROM = 20_000  # documents from which even the plain list is read on the list's thread
FIRST_ROWS = 500  # the list a window opens with: a few screenfuls, the rest from the thread
SORT_KEYS = ("title", "date", "outlet", "status")
_STATUS_TEXT = {status: status_text(status.value) for status in Status}

Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    """Filtered or sorted, the ids come from ``ListQuery`` on its own thread: the list keeps
    its rows until the answer is there, then ``sig_reloaded`` tells the window."""

    sig_reloaded = Signal()

    def __init__(self, project: Project, coder: str) -> None:
        super().__init__()
        self.project, self.coder = project, coder
        self.search = ""
        self.status_filter: Status | None = None
        self.sort_key, self.descending = "id", False
        self._ids: list[int] = []
        self._near = 0  # the row last found: the next one asked for is usually beside it
        self._corpus = 0  # documents in the last unfiltered list: is it large?
        self.partial = False  # the first rows stand for the whole list until it arrives
        self._pages: dict[int, list[DocumentRow]] = {}
        self.query = ListQuery(project.location)
        self.query.sig_ready.connect(self._answered)
        self.reload()

    # -- what the view asks --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.title or f"(document {row.id})"
            if column == 1:
                return row.date or ""
            if column == 2:
                return row.outlet or ""
            return _STATUS_TEXT[row.status]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return row.title
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else "id"
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return  # Qt asks twice for one header click
        self.sort_key, self.descending = key, descending
        self.reload()

    # -- ours ----------------------------------------------------------------------------
    def row(self, position: int) -> DocumentRow | None:
        if not 0 <= position < len(self._ids):
            return None
        page = position // _PAGE
        if page not in self._pages:
            if len(self._pages) >= _MAX_PAGES:
                self._pages.pop(next(iter(self._pages)))
            ids = self._ids[page * _PAGE:(page + 1) * _PAGE]
            try:
                self._pages[page] = self.project.document_rows(ids, self.coder)
            except ServerUnreachable:
                return None  # blank until the server is back (the window says so)
        rows = self._pages[page]
        offset = position - page * _PAGE
        return rows[offset] if offset < len(rows) else None

    def document_id(self, position: int) -> int | None:
        return self._ids[position] if 0 <= position < len(self._ids) else None

    def position_of(self, document_id: int) -> int | None:
        ids, near = self._ids, self._near  # a switch asks at every step: first look beside
        try:  # the last row found (Down, Up: O(1)), then everywhere (1 ms at 100,000)
            found = ids.index(document_id, max(0, near - 64), near + 64)
        except ValueError:
            try:
                found = ids.index(document_id)
            except ValueError:
                return None
        self._near = found
        return found

    @property
    def ids(self) -> list[int]:
        return self._ids

    def set_filter(self, search: str, status: Status | None) -> None:
        self.search, self.status_filter = search, status
        self.reload()

    def set_coder(self, coder: str) -> None:
        self.coder = coder
        self.reload()

    def _arguments(self) -> dict[str, Any]:
        return {"coder": self.coder, "search": self.search, "status": self.status_filter,
                "sort": self.sort_key, "descending": self.descending}

    @property
    def pending(self) -> bool:
        """A filtered or sorted list is being worked out; ``ids`` are the previous ones."""
        return self.query.pending

    def reload(self) -> None:
        """A text filter or a sort by a column (up to 190 ms at 100,000 documents) is asked
        of the list's thread. So is the plain list in import order of a large corpus (an
        index walk, but 100,000 ids took 80–140 ms on a busy machine); a smaller one, and
        the first rows of the first list, are read here, so the window opens with its
        list; the rest of a longer first list comes from the thread."""
        if self._corpus == 0 and not self._pages and not self._ids and not self.search.strip() \
                and self.status_filter is None and self.sort_key == "id":
            ids = self.project.document_ids(**self._arguments(), limit=FIRST_ROWS)
            self._set_ids(ids)
            if len(ids) == FIRST_ROWS:  # perhaps more: the whole list from the thread
                self.partial = True
                self._corpus = ASYNC_FROM  # until it is counted: clearing a filter typed
                self.query.request(**self._arguments())  # before it came stays off this thread
            return
        if self.search.strip() or self.sort_key != "id" or self._corpus >= ASYNC_FROM:
            self.query.request(**self._arguments())
            return
        self.query.cancel()  # an answer to an older filter must not overwrite this list
        self._set_ids(self.project.document_ids(**self._arguments()))

    def _answered(self, result: object) -> None:
        if isinstance(result, Exception):  # the worker could not read: ask here, and let
            result = self.project.document_ids(**self._arguments())  # an error show
        self.partial = False
        self._set_ids(result)  # type: ignore[arg-type]
        self.sig_reloaded.emit()

    def _set_ids(self, ids: list[int]) -> None:
        if not self.search.strip() and self.status_filter is None:
            self._corpus = len(ids)
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def close(self) -> None:
        """Stop the filter's thread and its connection (the project is closing)."""
        self.query.stop()

    def refresh_document(self, document_id: int) -> None:
        """Re-read one row (its status changed) without resetting the list."""
        position = self.position_of(document_id)
        if position is None:
            return
        page, offset = divmod(position, _PAGE)
        rows = self._pages.get(page)
        if rows is not None and offset < len(rows):  # that row alone, not its page of 200
            try:
                fresh = self.project.document_rows([document_id], self.coder)
            except ServerUnreachable:
                fresh = []  # the page is read again when shown (blank while it is away)
            if fresh:
                rows[offset] = fresh[0]
            else:
                self._pages.pop(page)
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))
