"""Tables the tool panels share: rows of plain values with numbers that sort as numbers, a
view over them that sorts and filters, and the left-context column of keyword-in-context
lines, cut off at its start so the words next to the match stay visible."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

Index = QModelIndex | QPersistentModelIndex


class LeftContext(QStyledItemDelegate):
    """The left context cut off at its start ("…the words before"), not at the match."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


class RowsModel(QAbstractTableModel):
    """Rows of plain values; ``UserRole`` gives the value to sort by (numbers as numbers)."""

    def __init__(self, headers: tuple[str, ...]) -> None:
        super().__init__()
        self.headers = headers
        self.rows: list[tuple[Any, ...]] = []
        self.keys: list[Any] = []  # what a row opens: a Span, or a document id

    def set_rows(self, rows: list[tuple[Any, ...]], keys: list[Any]) -> None:
        self.beginResetModel()
        self.rows, self.keys = rows, keys
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:
            return value if isinstance(value, int) else str(value or "").casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and (
                isinstance(value, int) or self.headers[index.column()] == "Left"):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


def sorted_table(model: RowsModel, widths: tuple[int, ...]
                 ) -> tuple[QTableView, QSortFilterProxyModel]:
    """A view of ``model`` that sorts by a click on a column and filters on any column."""
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    proxy.setFilterKeyColumn(-1)  # any column
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    for column, width in enumerate(widths):
        view.horizontalHeader().resizeSection(column, width)
    view.horizontalHeader().setStretchLastSection(True)
    return view, proxy
