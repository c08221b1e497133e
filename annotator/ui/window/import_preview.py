"""File → Import's preview: the articles found in each file (date, outlet, length, headline)
and what each file's reader said (⚠: an article read in part or left out, a batch holding
fewer articles than it announces), shown before anything is written; Import goes ahead,
Cancel leaves the project as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import NewDocument

COLUMNS = ("File / headline", "Date", "Outlet", "Characters")


class ImportPreview(QDialog):
    def __init__(self, parent: QWidget | None, found: list[tuple[Path, list[NewDocument]]]
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import: what was found")
        total = sum(len(documents) for _, documents in found)
        self.summary = QLabel(f"{total} article{'s' * (total != 1)} in {len(found)} file"
                              f"{'s' * (len(found) != 1)}. Nothing is written until you press "
                              f"Import. An article the project holds already (the same "
                              f"text, outlet and date) is skipped; the same text printed "
                              f"elsewhere comes in as a publication of its own.")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setColumnWidth(0, 420)
        self.tree.setUniformRowHeights(True)
        self.notes: list[str] = []
        for path, documents in found:
            item = QTreeWidgetItem([f"{path.name} — {len(documents)} article"
                                    f"{'s' * (len(documents) != 1)}", "", "", ""])
            item.setToolTip(0, str(path))
            for document in documents:
                child = QTreeWidgetItem([document.title, document.date or "",
                                         document.outlet or "", f"{len(document.text):,}"])
                child.setTextAlignment(3, Qt.AlignmentFlag.AlignRight)
                child.setToolTip(0, document.title)
                item.addChild(child)
                for note in document.notes:  # what the reader could not read, or repaired
                    said = QTreeWidgetItem([f"⚠ {note}", "", "", ""])
                    said.setToolTip(0, note)
                    said.setForeground(0, Qt.GlobalColor.darkRed)
                    child.addChild(said)
                    self.notes.append(note)
            self.tree.addTopLevelItem(item)
            for row in range(item.childCount()):  # the notes in view, under their article
                if (article := item.child(row)) is not None:
                    article.setExpanded(article.childCount() > 0)
            item.setExpanded(len(found) <= 20)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("&Import",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.import_button.setEnabled(total > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if self.notes:
            self.summary.setText(self.summary.text() + f" {len(self.notes)} note"
                                 f"{'s' * (len(self.notes) != 1)} (⚠) say what could not "
                                 f"be read whole.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(820, 480)
