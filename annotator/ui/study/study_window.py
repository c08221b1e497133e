"""Tools → Study design and progress: assign documents to coders (with a double-coded
reliability sample), see each coder's progress, lock blind coding, write coder packages.

A panel that owns its widgets and calls ``annotator.services.study``, the functions the command
line calls; the project tells the window what changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Change
from annotator.services import study
from annotator.services.actions import GOLD
from annotator.storage import Project


class StudyWindow(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Study design and progress")
        self.project = project
        self.coders = QListWidget()
        self.coders.setMaximumHeight(110)
        for coder in project.coders():
            if coder != GOLD:
                item = QListWidgetItem(coder)
                item.setCheckState(Qt.CheckState.Checked)
                self.coders.addItem(item)
        self.new_coder = QLineEdit(placeholderText="add a coder: name, then Enter")
        self.new_coder.returnPressed.connect(self._add_coder)
        self.overlap = QSpinBox(suffix=" %", minimum=0, maximum=100, value=20)
        self.per_document = QSpinBox(minimum=2, maximum=10, value=2)
        self.stratify = QComboBox()
        self.stratify.addItem("no strata", None)
        for key, name in (("outlet", "outlet"), ("date:month", "month of the date"),
                          ("date:year", "year of the date")):
            self.stratify.addItem(f"by {name}", key)
        for variable in project.scheme.variables:
            self.stratify.addItem(f"by {variable.name}", variable.key)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=1)
        self.lock_blind = QCheckBox("Lock blind coding (coders cannot turn it off)")
        self.lock_blind.setChecked(bool(project.study_setting("blind_locked", False)))
        self.lock_blind.toggled.connect(
            lambda on: self.project.set_study_setting("blind_locked", on))
        self.lock_suggestions = QCheckBox("Switch suggestions off for the coders")
        self.lock_suggestions.setChecked(bool(project.study_setting("suggestions_locked",
                                                                    False)))
        self.lock_suggestions.toggled.connect(
            lambda on: self.project.set_study_setting("suggestions_locked", on))
        assign = QPushButton("&Assign documents")
        assign.clicked.connect(self.assign)
        packages = QPushButton("Write coder &packages…")
        packages.clicked.connect(self.write_packages)
        self.progress = QTableWidget(0, 4)
        self.progress.setHorizontalHeaderLabels(["coder", "assigned", "done", "in progress"])
        self.progress.verticalHeader().hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.sample = QLabel()  # the sample's completion, kept up to date
        form = QFormLayout()
        form.addRow("Coders", self.coders)
        form.addRow("", self.new_coder)
        form.addRow("Reliability sample", self.overlap)
        form.addRow("Coders per sample document", self.per_document)
        form.addRow("Draw the sample", self.stratify)
        form.addRow("Seed (the same seed, the same draw)", self.seed)
        buttons = QHBoxLayout()
        buttons.addWidget(assign)
        buttons.addWidget(packages)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lock_blind)
        layout.addWidget(self.lock_suggestions)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.sample)
        layout.addWidget(self.summary)
        self.resize(560, 620)
        self._show_design(project.study_setting("design"))
        self.refresh()

    def _show_design(self, design: dict[str, Any] | None) -> None:
        """The study's stored design, not the defaults: "Assign documents" pressed again
        must draw with the values the study was drawn with."""
        if not design:
            return
        chosen = set(design.get("coders") or [])
        for i in range(self.coders.count()):
            item = self.coders.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in chosen
                               else Qt.CheckState.Unchecked)
        overlap = design.get("overlap")
        documents = self.project.document_count()
        if isinstance(overlap, str) and overlap.rstrip("%").strip().isdigit():
            self.overlap.setValue(int(overlap.rstrip("%")))
        elif isinstance(overlap, int) and documents:  # a count: its share, said in words
            self.overlap.setValue(round(100 * overlap / documents))
            self.summary.setText(f"The sample was drawn as {overlap} documents "
                                 f"(about {self.overlap.value()} %).")
        self.per_document.setValue(int(design.get("per_document") or 2))
        at = self.stratify.findData(design.get("stratify"))
        self.stratify.setCurrentIndex(max(at, 0))
        self.seed.setValue(int(design.get("seed") or 0))

    def chosen(self) -> list[str]:
        return [self.coders.item(i).text() for i in range(self.coders.count())
                if self.coders.item(i).checkState() == Qt.CheckState.Checked]

    def _add_coder(self) -> None:
        name = self.new_coder.text().strip()
        if name and name != GOLD and not self.coders.findItems(name, Qt.MatchFlag.MatchExactly):
            item = QListWidgetItem(name)
            item.setCheckState(Qt.CheckState.Checked)
            self.coders.addItem(item)
        self.new_coder.clear()

    def assign(self) -> None:
        try:
            plan = study.assign(self.project, self.chosen(), overlap=f"{self.overlap.value()}%",
                                per_document=self.per_document.value(),
                                stratify=self.stratify.currentData(), seed=self.seed.value())
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Not assigned", str(exc))
            return
        self.summary.setText(f"Assigned {len(plan.coders)} documents; the reliability sample "
                             f"has {len(plan.reliability)}. Coders keep what they have "
                             f"already coded.")
        self.refresh()

    def write_packages(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the coder packages")
        if not folder:
            return
        written = []
        try:
            for coder in self.chosen():
                path = Path(folder) / f"{self.project.name}-{coder}.annotator"
                study.package(self.project, coder, path)
                written.append(path.name)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Package not written", str(exc))
        if written:
            self.summary.setText("Wrote " + ", ".join(written) + ": give each coder theirs; "
                                 "File → Merge projects brings them back, round after round.")

    def project_changed(self, change: Change) -> None:
        """A coder's progress moved (here, or on the server by another coder): show it."""
        if change.kind in ("status_set", "span_added", "span_changed", "span_removed",
                           "variable_set", "memo_set", "study_changed", "documents_imported"):
            self.refresh()

    def refresh(self) -> None:
        design = self.project.design()
        rows = sorted(design["coders"].items())
        self.progress.setRowCount(len(rows))
        for r, (coder, counts) in enumerate(rows):
            cells = (coder, counts["assigned"], counts["done"], counts["in_progress"])
            for c, value in enumerate(cells):
                self.progress.setItem(r, c, QTableWidgetItem(str(value)))
        self.sample.setText(
            f"Reliability sample: {design['reliability_complete']} of "
            f"{design['reliability_sample']} documents done by all their coders."
            if design["reliability_sample"] else "")
