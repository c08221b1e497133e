"""Tools → Agreement: the report's figures, a coder-pair matrix, and the disagreements.

The report is computed on a worker thread over its own connection to the project file;
double-clicking a disagreement asks the main window to open that document in compare mode.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement.render import RENDERERS, left_out_text, unit_name
from annotator.agreement.report import AgreementReport
from annotator.domain.errors import AnnotatorError, Cancelled
from annotator.domain.model import Status
from annotator.services import actions
from annotator.storage import Project

_DATA = Qt.ItemDataRole.UserRole
GAMMA_SAMPLES = 30  # as pygamma-agreement's default


class ReportJob(QThread):
    sig_progress = Signal(int, int)  # γ's sampled corpora: done, of

    def __init__(self, path: Path | str, coders: list[str], scope: str, training: bool = False,
                 gamma_samples: int = 0) -> None:
        super().__init__()
        self.path, self.coders, self.scope, self.training = path, coders, scope, training
        self.gamma_samples = gamma_samples
        self.report: AgreementReport | None = None
        self.error: str | None = None
        self.stop = False

    def run(self) -> None:
        try:
            with Project.open(self.path) as project:
                self.report = actions.agreement_report(
                    project, self.coders, self.scope, training=self.training,
                    gamma_samples=self.gamma_samples, progress=self.sig_progress.emit,
                    cancelled=lambda: self.stop)
        except Cancelled:
            self.error = "Cancelled: no figures were computed."
        except AnnotatorError as exc:
            self.error = str(exc)


class AgreementWindow(QDialog):
    sig_open_requested = Signal(int, list)  # document id, the coders to compare with

    def __init__(self, project: Project, current_coder: str, parent: QWidget | None = None,
                 *, against_gold: bool = False) -> None:
        """``against_gold``: the training check, the current coder against gold on the
        practice documents (all documents, if none are marked), computed at once."""
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.project, self.current_coder = project, current_coder
        self.report: AgreementReport | None = None
        self.job: ReportJob | None = None
        self.coder_list = QListWidget()
        self.coder_list.setMaximumHeight(90)
        for coder in project.coders():
            self.coder_list.addItem(QListWidgetItem(coder))
        self.scope = QComboBox()
        self.scope.addItem("Documents two coders marked done", "done")
        self.scope.addItem("Documents two coders coded at all", "all")
        self.scope.currentIndexChanged.connect(self._tick_coders)
        self._tick_coders()
        self.training = against_gold and bool(project.study_setting("training_documents"))
        if against_gold:
            self.setWindowTitle(f"Check {current_coder} against gold")
            self.scope.setCurrentIndex(1)  # a trainee need not mark documents done
            for i in range(self.coder_list.count()):
                item = self.coder_list.item(i)
                item.setCheckState(_checked(item.text() in (current_coder, actions.GOLD)))
        self.compute_button = QPushButton("&Compute")
        self.compute_button.clicked.connect(self.compute)
        self.with_gamma = QCheckBox("Also &Mathet's γ (slower)")
        self.with_gamma.setToolTip("γ, γ-cat and γ-k from 30 sampled corpora (seed 0): "
                                   "seconds at a thousand spans")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button = QPushButton("&Save report…")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(False)
        self.summary = QLabel("Choose coders and press Compute.")
        self.summary.setWordWrap(True)
        self.figures = _table(["Section", "Target", "Coders", "Coefficient", "Value", "n",
                               "of", "Note"])
        self.pair_target = QComboBox()
        self.pair_measure = QComboBox()
        self.matrix = QTableWidget()
        self.pair_target.currentIndexChanged.connect(self._fill_matrix)
        self.pair_measure.currentIndexChanged.connect(self._fill_matrix)
        pairs = QWidget()
        pv = QVBoxLayout(pairs)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Target"))
        pick.addWidget(self.pair_target, 1)
        pick.addWidget(QLabel("Coefficient"))
        pick.addWidget(self.pair_measure, 1)
        pv.addLayout(pick)
        pv.addWidget(self.matrix)
        self.disagreements = _table(["Document", "Category or variable", "What each coder coded"])
        self.disagreements.itemDoubleClicked.connect(self._open)
        tabs = QTabWidget()
        tabs.addTab(self.figures, "Figures")
        tabs.addTab(pairs, "Coder pairs")
        tabs.addTab(self.disagreements, "Disagreements")
        self.tabs = tabs
        top = QHBoxLayout()
        top.addWidget(self.coder_list, 1)
        side = QVBoxLayout()
        side.addWidget(self.scope)
        side.addWidget(self.with_gamma)
        side.addWidget(self.compute_button)
        side.addWidget(self.progress)
        side.addWidget(self.cancel_button)
        side.addWidget(self.save_button)
        top.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(tabs, 1)
        self.resize(1000, 700)

    def _tick_coders(self) -> None:
        """Tick the coders who have a document in scope (gold and coders who coded nothing
        would only make figures undefined); the user can change it."""
        done_only = self.scope.currentData() == "done"
        active = {c for (_, c), st in self.project.statuses().items()
                  if not done_only or st is Status.DONE}
        for i in range(self.coder_list.count()):
            item = self.coder_list.item(i)
            item.setCheckState(_checked(item.text() != actions.GOLD and item.text() in active))

    def chosen_coders(self) -> list[str]:
        return [self.coder_list.item(i).text() for i in range(self.coder_list.count())
                if self.coder_list.item(i).checkState() == _checked(True)]

    def compute(self) -> None:
        self.compute_button.setEnabled(False)
        self.summary.setText("Computing…")
        samples = GAMMA_SAMPLES if self.with_gamma.isChecked() else 0
        self.job = ReportJob(self.project.location, self.chosen_coders(), self.scope.currentData(),
                             getattr(self, "training", False), samples)
        self.job.finished.connect(self._done)
        self.job.sig_progress.connect(self._progress)
        self.progress.setRange(0, samples or 1)
        self.progress.setValue(0)
        self.progress.setVisible(bool(samples))
        self.cancel_button.setVisible(bool(samples))
        self.job.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.summary.setText(f"Computing γ: sampled corpus {done} of {total}…")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.stop = True

    def done(self, result: int) -> None:
        """Closing stops the worker first (γ stops between sampled corpora)."""
        if self.job is not None and self.job.isRunning():
            self.job.stop = True
            self.job.wait()
        super().done(result)

    def _done(self) -> None:
        assert self.job is not None
        self.compute_button.setEnabled(True)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if self.job.error:
            self.summary.setText(f"<span style='color:#c00000'>{self.job.error}</span>")
            return
        self.show_report(self.job.report)  # type: ignore[arg-type]

    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        self.save_button.setEnabled(True)
        self.summary.setText(f"{', '.join(report.coders)} over {report.documents} documents. "
                             f"{left_out_text(report)} {report.rules}")
        self.figures.setRowCount(len(report.rows))
        for r, row in enumerate(report.rows):
            value = "undefined" if row.result.value is None else f"{row.result.value:.3f}"
            ci = row.result.details.get("ci95")
            note = f"95% CI [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else (row.result.reason or "")
            for c, text in enumerate((row.section, row.target, row.coders.replace("|", " – "),
                                      row.result.name, value, str(row.result.units),
                                      unit_name(row), note)):
                self.figures.setItem(r, c, QTableWidgetItem(text))
        self.figures.resizeColumnsToContents()
        pair_rows = [r for r in report.rows if r.coders != "all"]
        self._set_items(self.pair_target, sorted({r.target for r in pair_rows}, key=str))
        self._set_items(self.pair_measure, sorted({r.result.name for r in pair_rows}))
        self._fill_matrix()
        self.disagreements.setRowCount(len(report.disagreements))
        for r, d in enumerate(report.disagreements):
            if d.variable:  # a document variable: each coder's value
                spans = full = "   ".join(f"{coder}: {'—' if v is None else v}"
                                          for coder, v in d.values.items())
            else:
                spans = "   ".join(f"{coder}: " + ", ".join(_span_text(s) for s in found)
                                   if found else f"{coder}: —"
                                   for coder, found in d.spans.items())
                full = "\n".join(f"{coder}: " + "; ".join(f"[{s[0]}, {s[1]}) {s[-1]}"
                                                           for s in found)
                                 for coder, found in d.spans.items())
            cells = (f"{d.document_id}: {d.title[:60]}", report.name(d.category), spans)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(full if c == 2 else text)
                item.setData(_DATA, (d.document_id, d.coders))
                self.disagreements.setItem(r, c, item)
        self.disagreements.resizeColumnsToContents()

    @staticmethod
    def _set_items(combo: QComboBox, items: list[str]) -> None:
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(items)
        if current in items:
            combo.setCurrentText(current)
        combo.blockSignals(False)

    def _fill_matrix(self) -> None:
        if self.report is None:
            return
        coders = self.report.coders
        self.matrix.setRowCount(len(coders))
        self.matrix.setColumnCount(len(coders))
        self.matrix.setHorizontalHeaderLabels(coders)
        self.matrix.setVerticalHeaderLabels(coders)
        target, measure = self.pair_target.currentText(), self.pair_measure.currentText()
        for row in self.report.rows:
            if row.target != target or row.result.name != measure or row.coders == "all":
                continue
            a, b = row.coders.split("|")
            text = "undefined" if row.result.value is None else f"{row.result.value:.3f}"
            for i, j in ((a, b), (b, a)):
                item = QTableWidgetItem(f"{text}  (n={row.result.units})")
                item.setToolTip(row.result.reason or "")
                self.matrix.setItem(coders.index(i), coders.index(j), item)
        self.matrix.resizeColumnsToContents()

    def _open(self, item: QTableWidgetItem) -> None:
        """Open the document comparing the coders who disagree (a lane each): the window's
        coder beside the others if one of them, else all of them (gold, adjudicating)."""
        document_id, coders = item.data(_DATA)
        self.sig_open_requested.emit(document_id,
                                     [c for c in coders if c != self.current_coder])

    def save(self) -> None:
        if self.report is None:
            return
        name, chosen = QFileDialog.getSaveFileName(
            self, "Save agreement report", "agreement.html",
            "HTML (*.html);;CSV (*.csv);;JSON (*.json);;Text (*.txt)")
        if not name:
            return
        kind = {".html": "html", ".csv": "csv", ".json": "json"}.get(Path(name).suffix, "table")
        try:
            actions.write_atomically(Path(name), RENDERERS[kind](self.report))
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Not saved", str(exc))


def _checked(on: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    return table


def _span_text(span: tuple[object, ...]) -> str:
    """A span as its offsets and its text, the middle elided: two spans that differ only at
    the end still look different."""
    text = str(span[-1])
    if len(text) > 70:
        text = f"{text[:34]}…{text[-34:]}"
    return f"[{span[0]}, {span[1]}) “{text}”"
