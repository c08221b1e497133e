"""The coding scheme as a tree (categories, their labels, colours and keys) with the codebook text.

Clicking a category or label codes the current selection with it, like its shortcut does.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from annotator.domain.scheme import CodingScheme
from annotator.formats.codebook import category_html

_ROLE = Qt.ItemDataRole.UserRole


def swatch(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class SchemePanel(QWidget):
    sig_code_requested = Signal(str, object)  # category key, label key or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scheme: CodingScheme | None = None
        self._shown = ""  # the codebook text on screen
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Category / label", "Key"])
        self.tree.setMouseTracking(True)
        self.tree.setRootIsDecorated(True)
        self.tree.itemEntered.connect(lambda item, _col: self._describe(item))
        self.tree.currentItemChanged.connect(lambda item, _old: self._describe(item))
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the keyboard in the article
        self.codebook = QTextBrowser()
        self.codebook.setObjectName("codebook")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 3)
        layout.addWidget(self.codebook, 2)

    def set_scheme(self, scheme: CodingScheme) -> None:
        self.scheme = scheme
        self.tree.clear()
        for category in scheme.categories:
            item = QTreeWidgetItem([category.name, category.shortcut or ""])
            item.setIcon(0, swatch(category.colour))
            item.setData(0, _ROLE, (category.key, None))
            item.setToolTip(0, category.description)
            for label in category.labels:
                child = QTreeWidgetItem([label.name, label.shortcut or ""])
                child.setData(0, _ROLE, (category.key, label.key))
                child.setToolTip(0, label.description)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self._fit_rows()
        self.show_category(None)

    def _fit_rows(self, most: int = 16) -> None:
        """Room for every category and label (up to ``most`` rows): on a 1366×768 screen the
        last categories were below the fold, and their keys out of sight."""
        rows = 0
        for i in range(self.tree.topLevelItemCount()):
            if (item := self.tree.topLevelItem(i)) is not None:
                rows += 1 + item.childCount()
        row = self.tree.sizeHintForRow(0) if rows else 0
        row = row if row > 0 else self.tree.fontMetrics().height() + 4
        needed = (min(rows, most) * row + self.tree.header().sizeHint().height()
                  + self.tree.horizontalScrollBar().sizeHint().height()
                  + 2 * self.tree.frameWidth() + 2)
        self.tree.setMinimumHeight(needed)

    def show_category(self, category_key: str | None) -> None:
        """The codebook text of a category; None: the scheme's own (no span selected)."""
        if self.scheme and category_key and (category := self.scheme.category(category_key)):
            self._show(category_html(category))
        elif self.scheme and category_key is None:
            self._show(f"<h3>{html.escape(self.scheme.name)}</h3>"
                       f"<p>{html.escape(self.scheme.description)}</p>")

    def _show(self, text: str) -> None:
        """Set only a text that differs: every switch of document asks for the scheme's own,
        and laying out the same rich text again costs a millisecond and a repaint."""
        if text != self._shown:
            self._shown = text
            self.codebook.setHtml(text)

    def _describe(self, item: QTreeWidgetItem | None) -> None:
        if item is None or self.scheme is None:
            return
        category_key, label_key = item.data(0, _ROLE)
        category = self.scheme.category(category_key)
        if category:
            self._show(category_html(category, category.label(label_key)))

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        category_key, label_key = item.data(0, _ROLE)
        self.sig_code_requested.emit(category_key, label_key)
