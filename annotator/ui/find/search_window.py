"""Tools → Search corpus (Ctrl+Shift+F): a query over every document the coder may see,
shown as keyword-in-context lines (sortable by document, date, outlet, the word before or
after), with the matches per document; double-click (or Enter) opens the document at the
match. "Code matches…" proposes a span per match, to tick or untick, then adds them as one
undoable step.

A panel that owns its widgets; the searching is ``annotator.services.search`` (what ``annotator
search`` and ``annotator autocode`` call), the adding one window operation.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from annotator.domain.errors import AnnotatorError
from annotator.services import search
from annotator.ui.coding import operations as ops
from annotator.ui.find.tables import LeftContext
from annotator.ui.window.dialogs import run_job, show_panel

if TYPE_CHECKING:
    from annotator.ui.find.context import FindContext

HEADERS = ("Doc", "Date", "Outlet", "Left", "Match", "Right", "In doc")
_SORT_BY = {0: "document", 1: "date", 2: "outlet", 3: "left", 4: "document", 5: "right",
            6: "document"}
Index = QModelIndex | QPersistentModelIndex


class HitsModel(QAbstractTableModel):
    """The lines of one search, in the order chosen by a click on a column."""

    def __init__(self) -> None:
        super().__init__()
        self.result: search.SearchResult | None = None
        self.hits: list[search.Hit] = []

    def set_result(self, result: search.SearchResult | None) -> None:
        self.beginResetModel()
        self.result = result
        self.hits = list(result.hits) if result else []
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        h, column = self.hits[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(h.document_id), h.date or "", h.outlet or "", h.left, h.match, h.right,
                    str(self.result.per_document[h.document_id]) if self.result else "")[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == 3:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            if column in (0, 6):
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{h.title}\n\n…{h.left}[{h.match}]{h.right}…"
        if role == Qt.ItemDataRole.FontRole and column == 4:
            font = QApplication.font()
            font.setBold(True)
            return font
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.hits = search.sort_hits(self.hits, _SORT_BY[column])
        if column == 6 and self.result:
            counts = self.result.per_document
            self.hits.sort(key=lambda h: counts[h.document_id], reverse=True)
        if order == Qt.SortOrder.DescendingOrder:
            self.hits.reverse()
        self.layoutChanged.emit()


class SearchWindow(QDialog):
    def __init__(self, window: FindContext) -> None:
        super().__init__(window.window())
        self.window_ = window
        self.setWindowTitle("Search corpus")
        self.query = QLineEdit(placeholderText='Stoltenberg   "Jens Stoltenberg"   Stolten*   '
                                               'nato AND (expansion OR enlargement) NOT ukraine')
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run)
        find = QPushButton("&Search")
        find.clicked.connect(self.run)
        self.summary = QLabel("Words, \"phrases\", prefixes (Stolten*), AND, OR, NOT and "
                              "parentheses; case and accents are ignored.")
        self.summary.setWordWrap(True)
        self.model = HitsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.left_context = LeftContext(self.table)
        self.table.setItemDelegateForColumn(3, self.left_context)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(False)  # until a click sorts
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        for column, width in enumerate((56, 90, 130, 330, 140, 330, 56)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_hit(index.row()))
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table,
                  lambda: self.open_hit(self.table.currentIndex().row())
                  ).setContext(Qt.ShortcutContext.WidgetShortcut)
        self.category = QComboBox()
        self.label = QComboBox()
        self.category.currentIndexChanged.connect(self._fill_labels)
        self.code_button = QPushButton("&Code matches…")
        self.code_button.setToolTip("Propose one span per match for you to review, then add "
                                    "the ticked ones in one step (Ctrl+Z takes them back)")
        self.code_button.clicked.connect(self.code_matches)
        self.all_button = QPushButton("Read &all matches")
        self.all_button.setToolTip("The first lines come at once; read every match (with "
                                   "progress, and Cancel) to sort or code all of them")
        self.all_button.clicked.connect(lambda: self.run(everything=True))
        self.export_button = QPushButton("&Export lines…")
        self.export_button.clicked.connect(self.export_lines)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Query"))
        top.itemAt(0).widget().setBuddy(self.query)  # type: ignore[union-attr]
        top.addWidget(self.query, 1)
        top.addWidget(find)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Code as"))
        bottom.addWidget(self.category)
        bottom.addWidget(self.label)
        self.attribute_row = QHBoxLayout()  # the category's choice attributes, one box each
        self.attributes: dict[str, QComboBox] = {}
        bottom.addLayout(self.attribute_row)
        bottom.addWidget(self.code_button)
        bottom.addStretch(1)
        bottom.addWidget(self.all_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._fill_categories()
        self._enable()
        self.resize(1180, 620)

    # -- searching -------------------------------------------------------------------------
    def run(self, everything: bool = False) -> None:
        """The first page of lines at once; ``everything``: all of them, on a worker thread
        with a progress dialog."""
        w = self.window_
        text = self.query.text()
        try:
            if everything:
                result, error = run_job(self, "Reading every match", w.project.location,
                                        lambda project, progress, cancelled: search.search(
                                            project, text, coder=w.coder, limit=10**9,
                                            progress=progress, cancelled=cancelled))
                if error:
                    raise AnnotatorError(error)
                if result is None:
                    self.summary.setText("Cancelled; the lines read before are shown.")
                    return
            else:
                QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                try:
                    result = search.search(w.project, text, coder=w.coder, limit=search.PAGE)
                finally:
                    QApplication.restoreOverrideCursor()
        except AnnotatorError as exc:
            self.model.set_result(None)
            self.summary.setText(f"<span style='color:#c00000'>{exc}</span>")
            self._enable()
            return
        self.model.set_result(result)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        n, docs = len(result.hits), result.documents
        text = (f"{n:,} match{'es' * (n != 1)} in {docs:,} document{'s' * (docs != 1)}"
                if not result.truncated else
                f"The first {n:,} matches, from {result.documents_read:,} of the {docs:,} "
                f"documents that match (Read all matches for the rest)")
        terms = ", ".join(t.shown() for t in result.query.terms)
        mine = " you are assigned" * w.project.has_assignments(w.coder)
        self.summary.setText(f"{text}. Shown: {terms}. Double-click a line (or Enter) to "
                             f"open the document at the match." if n else
                             f"No document{mine} matches {self.query.text().strip()!r}.")
        if n:
            self.table.selectRow(0)
        self._enable()

    def _enable(self) -> None:
        has = bool(self.model.hits)
        self.code_button.setEnabled(has and self.category.count() > 0)
        self.export_button.setEnabled(has)
        self.all_button.setEnabled(bool(self.model.result and self.model.result.truncated))

    def open_hit(self, row: int) -> None:
        if not 0 <= row < len(self.model.hits):
            return
        h = self.model.hits[row]
        w = self.window_
        if w.document_id != h.document_id:
            w.show_document(h.document_id)
        w.view.select_range(h.start, h.end)
        w.view.ensureCursorVisible()
        w.activateWindow()
        w.navigation.focus_article()

    # -- auto-coding -----------------------------------------------------------------------
    def _fill_categories(self) -> None:
        self.category.clear()
        for c in self.window_.project.scheme.categories:
            self.category.addItem(c.name, c.key)

    def _fill_labels(self) -> None:
        self.label.clear()
        self.label.addItem("(no label)", None)
        cat = self.window_.project.scheme.category(self.category.currentData() or "")
        for label in cat.labels if cat else ():
            self.label.addItem(label.name, label.key)
        self.label.setEnabled(self.label.count() > 1)
        for box in self.attributes.values():  # not the box whose signal this is: safe
            self.attribute_row.removeWidget(box)
            box.deleteLater()
        self.attributes = {}
        for attribute in cat.attributes if cat else ():  # e.g. speaker → actor: Stoltenberg
            if attribute.type not in ("choice", "boolean"):
                continue
            box = QComboBox()
            box.setObjectName(f"autocode_{attribute.key}")
            box.addItem(f"{attribute.name}: —", None)
            choices = ([(o.name, o.key) for o in attribute.options]
                       if attribute.type == "choice" else [("yes", True), ("no", False)])
            for text, value in choices:
                box.addItem(f"{attribute.name}: {text}", value)
            box.setToolTip(f"Give every new span this {attribute.name.lower()}")
            self.attribute_row.addWidget(box)
            self.attributes[attribute.key] = box

    def chosen_attributes(self) -> dict[str, Any]:
        return {key: box.currentData() for key, box in self.attributes.items()
                if box.currentData() is not None}

    def code_matches(self) -> None:
        w = self.window_
        category, label = self.category.currentData(), self.label.currentData()
        if self.model.result and self.model.result.truncated:  # code every match, not a page
            self.run(everything=True)
            if self.model.result is None or self.model.result.truncated:
                return
        try:
            found = search.proposals(w.project, self.model.hits, w.coder, category, label)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Code matches", str(exc))
            return
        attributes = self.chosen_attributes()
        review = ReviewDialog(self, found, self.category.currentText()
                              + (f" / {self.label.currentText()}" if label else "")
                              + "".join(f", {box.currentText()}" for box in self.attributes
                                        .values() if box.currentData() is not None))
        if review.exec() != QDialog.DialogCode.Accepted:
            return
        places = search.places(review.chosen())
        if not places:
            self.summary.setText("Nothing ticked that is not coded already; nothing added.")
            return
        shown = w.document_id if w.document_id is not None else places[0][0]
        if w.push(ops.AddSpans(w.project, shown, w.coder, category, places, label,
                               attributes)):
            docs = len({p[0] for p in places})
            self.summary.setText(f"Added {len(places)} span{'s' * (len(places) != 1)} in "
                                 f"{docs} document{'s' * (docs != 1)} for {w.coder}; "
                                 f"Edit → Undo (Ctrl+Z) in the window takes them all back.")

    def export_lines(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export lines", "search.csv",
                                              "CSV (*.csv)")
        if not name:
            return
        counts = self.model.result.per_document if self.model.result else {}
        try:
            with open(name, "w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(["document", "date", "outlet", "title", "start", "end", "left",
                                 "match", "right", "matches_in_document"])
                for h in self.model.hits:
                    writer.writerow([h.document_id, h.date or "", h.outlet or "", h.title,
                                     h.start, h.end, h.left, h.match, h.right,
                                     counts.get(h.document_id, 0)])
        except OSError as exc:
            QMessageBox.warning(self, "Export lines", f"{name}: {exc.strerror}")
            return
        self.summary.setText(f"Wrote {len(self.model.hits):,} lines to {name}.")


class ReviewDialog(QDialog):
    """The proposed spans, each ticked; untick what should not be coded. Spans the coder
    already has are listed, unticked, and never added twice."""

    def __init__(self, parent: QDialog, found: list[search.Proposal], code: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Code matches as {code}")
        self.found = found
        new = sum(not p.exists for p in found)
        intro = QLabel(f"{new} new span{'s' * (new != 1)} as <b>{code}</b>"
                       + (f"; {len(found) - new} already coded" if new < len(found) else "")
                       + ". Space ticks or unticks the current line.")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(("Add", "Doc", "Span", "Offsets"))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        for p in found:
            item = QTreeWidgetItem(["already coded" if p.exists else "", str(p.document_id),
                                    p.text, f"{p.start}–{p.end}"])
            if p.exists:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable
                              & ~Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setCheckState(0, Qt.CheckState.Checked)
            self.tree.addTopLevelItem(item)
        self.tree.setColumnWidth(0, 110)
        self.tree.setColumnWidth(2, 360)
        if (first := self.tree.topLevelItem(0)) is not None:
            self.tree.setCurrentItem(first)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Add ticked spans")
        self.ok.setEnabled(new > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def chosen(self) -> list[search.Proposal]:
        items = [self.tree.topLevelItem(i) for i in range(len(self.found))]
        return [p for p, item in zip(self.found, items, strict=True) if not p.exists
                and item is not None and item.checkState(0) == Qt.CheckState.Checked]


def open_search(window: FindContext) -> SearchWindow:
    def again(panel: SearchWindow) -> None:  # the scheme may have changed since
        chosen = panel.category.currentData()
        panel._fill_categories()
        panel.category.setCurrentIndex(max(0, panel.category.findData(chosen)))

    panel = show_panel(window, "search_window", SearchWindow, again)
    panel.query.setFocus()
    panel.query.selectAll()
    return panel
