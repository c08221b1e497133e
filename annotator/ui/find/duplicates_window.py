"""Tools → Near-duplicates: find groups of near-identical documents (the same wire story in
several outlets), tick which to keep in each group, then remove the others or keep all and
mark each group in the metadata. Both are one undoable step (Ctrl+Z in the window).

A panel that owns its widgets; it finds with ``annotator.services.duplicates`` on a worker thread
(the function ``annotator duplicates`` calls) and changes data only through the window's
undoable operations.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from annotator.domain.model import Change
from annotator.services import duplicates
from annotator.ui.coding import operations as ops
from annotator.ui.window.dialogs import run_job

if TYPE_CHECKING:
    from annotator.ui.find.context import FindContext

COLUMNS = ("Keep / headline", "Id", "Date", "Outlet", "Characters", "Similarity", "Work")
_ID = Qt.ItemDataRole.UserRole


class DuplicatesWindow(QDialog):
    def __init__(self, window: FindContext) -> None:
        super().__init__(window.window())
        self.window_ = window
        self.setWindowTitle("Near-duplicates")
        self.groups: list[duplicates.Group] = []
        self.stale = False  # the corpus changed since Find: acting on these groups is refused
        self._acting = False  # our own removal or marking is not a change "since Find"
        self.threshold = QDoubleSpinBox(minimum=0.5, maximum=1.0, singleStep=0.05,
                                        decimals=2, value=0.9)
        self.threshold.setToolTip("Least Jaccard similarity of two documents' 5-word "
                                  "shingles: 1 is the same words, 0.9 a wire copy with a few "
                                  "edits")
        self.find_button = QPushButton("&Find")
        self.find_button.setDefault(True)
        self.find_button.clicked.connect(self.find_groups)
        self.summary = QLabel("Press Find to compare every document with every other.")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setColumnWidth(0, 380)
        self.tree.setUniformRowHeights(True)
        self.tree.itemDoubleClicked.connect(self._open)
        self.remove_button = QPushButton("&Remove unticked documents")
        self.remove_button.setToolTip("Keep the ticked documents of each group; documents "
                                      "somebody has worked on are always kept")
        self.remove_button.clicked.connect(self.remove_unticked)
        self.mark_button = QPushButton(f"&Mark groups in metadata ({duplicates.GROUP_FIELD})")
        self.mark_button.setToolTip("Keep every document; write each group's first id into "
                                    "its members' metadata, exported with every document")
        self.mark_button.clicked.connect(self.mark_groups)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel("Similarity at &least"))
        top.itemAt(0).widget().setBuddy(self.threshold)  # type: ignore[union-attr]
        top.addWidget(self.threshold)
        top.addWidget(self.find_button)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addWidget(self.mark_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)
        self._enable()
        self.resize(980, 560)

    # -- finding ---------------------------------------------------------------------------
    def find_groups(self) -> None:
        threshold = self.threshold.value()
        result, error = run_job(self, "Finding near-duplicates", self.window_.project.location,
                                lambda project, progress, cancelled: duplicates.find(
                                    project, threshold, progress=progress,
                                    cancelled=cancelled))
        if error:
            QMessageBox.warning(self, "Near-duplicates", error)
            return
        if result is None:
            self.summary.setText("Cancelled; nothing was changed.")
            return
        self.show_groups(result, threshold)

    def show_groups(self, groups: list[duplicates.Group], threshold: float) -> None:
        self.groups, self.stale = groups, False
        self.tree.clear()
        for g in groups:
            low = min((p.similarity for p in g.pairs), default=1.0)
            item = QTreeWidgetItem([f"Group {g.number}: {len(g.members)} documents", "", "",
                                    "", "", f"≥ {low:.3f}", ""])
            for m in g.members:
                child = QTreeWidgetItem([m.title, str(m.id), m.date or "", m.outlet or "",
                                         f"{m.length:,}", f"{m.similarity:.3f}",
                                         "coded or assigned" if m.has_work else ""])
                child.setData(0, _ID, m.id)
                child.setToolTip(0, m.title)
                for column in (1, 4, 5):
                    child.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
                child.setCheckState(0, Qt.CheckState.Checked if m.id in g.keep
                                    else Qt.CheckState.Unchecked)
                if m.has_work:  # never removed: ticked for good
                    child.setFlags(child.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                    child.setToolTip(6, "Somebody has worked on this document: it is kept")
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setExpanded(len(groups) <= 200)
        members = sum(len(g.members) for g in groups)
        self.summary.setText(
            f"{len(groups)} group{'s' * (len(groups) != 1)} of near-duplicates, {members} "
            f"documents, similarity ≥ {threshold:.2f}. Ticked documents are kept; "
            f"double-click one to read it." if groups else
            f"No two documents have a similarity of {threshold:.2f} or more.")
        self._enable()

    def _enable(self) -> None:
        self.remove_button.setEnabled(bool(self.groups) and not self.stale)
        self.mark_button.setEnabled(bool(self.groups) and not self.stale)

    def project_changed(self, change: Change) -> None:
        """The corpus changed (an undo, an import, a removal in another window): the groups
        shown may no longer be true, so they can be looked at but not acted on. Coding does
        not change them (a removal checks for coding itself)."""
        if self._acting or not self.groups or change.kind != "documents_imported":
            return
        self.stale = True
        self.summary.setText("The corpus changed since Find (an undo, an import, another "
                             "window): press Find again before removing or marking.")
        self._enable()

    def kept(self) -> dict[int, set[int]]:
        """Each group's ticked documents, by group number."""
        out: dict[int, set[int]] = {}
        for i, g in enumerate(self.groups):
            out[g.number] = {child.data(0, _ID) for child in self._members(i)
                             if child.checkState(0) == Qt.CheckState.Checked}
        return out

    def _group_item(self, i: int) -> QTreeWidgetItem:
        item = self.tree.topLevelItem(i)
        assert item is not None, f"group {i} is not in the tree"
        return item

    def _members(self, i: int) -> list[QTreeWidgetItem]:
        item = self._group_item(i)
        return [child for j in range(item.childCount()) if (child := item.child(j)) is not None]

    # -- acting ----------------------------------------------------------------------------
    def remove_unticked(self) -> None:
        kept = self.kept()
        empty = [n for n, ids in kept.items() if not ids]
        if empty:
            QMessageBox.warning(self, "Near-duplicates", f"Tick at least one document to keep "
                                f"in group {empty[0]}.")
            return
        remove = duplicates.removable(self.groups, kept)
        if not remove:
            self.summary.setText("Every document is ticked: nothing to remove.")
            return
        w = self.window_
        stays = w.document_id
        if stays is None or stays in remove:  # show what its group keeps instead
            own = next((g for g in self.groups if stays in {m.id for m in g.members}),
                       self.groups[0])
            stays = min(kept[own.number])
        self._acting = True
        try:
            done = w.push(ops.RemoveDocuments(w.project, stays, remove))
        finally:
            self._acting = False
        if done:
            if stays != w.document_id:
                w.show_document(stays)
            self.summary.setText(f"Removed {len(remove)} document{'s' * (len(remove) != 1)}; "
                                 f"Edit → Undo (Ctrl+Z) in the window puts them back (then "
                                 f"Find again).")
            self._forget(set(remove))

    def mark_groups(self) -> None:
        w = self.window_
        values = duplicates.marks(self.groups, w.project)
        shown = w.document_id or self.groups[0].members[0].id
        self._acting = True
        try:
            done = w.push(ops.SetMetadataField(w.project, shown, duplicates.GROUP_FIELD, values,
                                               f"Mark {len(self.groups)} near-duplicate groups"))
        finally:
            self._acting = False
        if done:
            self.summary.setText(f"Marked {len(self.groups)} groups in the metadata field "
                                 f"{duplicates.GROUP_FIELD!r}: it is a column of every "
                                 f"export. Ctrl+Z in the window takes it back.")

    def _forget(self, removed: set[int]) -> None:
        """Removed documents leave the tree; a group left with one member goes."""
        for i in reversed(range(self.tree.topLevelItemCount())):
            item = self._group_item(i)
            for child in self._members(i):
                if child.data(0, _ID) in removed:
                    item.removeChild(child)
            g = self.groups[i]
            self.groups[i] = replace(g, members=tuple(m for m in g.members
                                                      if m.id not in removed))
            if item.childCount() < 2:
                self.tree.takeTopLevelItem(i)
                del self.groups[i]
        self._enable()

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        doc_id: Any = item.data(0, _ID)
        if doc_id is not None and self.window_.project.document_lengths([int(doc_id)]):
            self.window_.show_document(int(doc_id))


def open_duplicates(window: FindContext) -> DuplicatesWindow:
    panel = DuplicatesWindow(window)
    window.duplicates_window = panel  # type: ignore[attr-defined]
    panel.show()
    return panel
