"""Tools → Charts (Ctrl+Shift+J): how many spans of each category (or each label of one
category) were coded, by month or week of the article's date or by outlet, for me, every
coder, gold or one coder; stacked bars or lines, with the numbers in a table beside it,
saved as PNG or SVG (and the table as CSV).

A panel that owns its widgets and reads through the store (``Project.span_facts``); the
counting is ``domain.tally`` and the drawing ``ui.chart_view``. In blind coding only the
coder's own spans are counted.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator.domain.tally import NO_LABEL, Tally, tally
from annotator.ui.find import chart_view
from annotator.ui.window.dialogs import ALL as _ALL
from annotator.ui.window.dialogs import chosen_coder, fill_coders, show_panel

if TYPE_CHECKING:
    from annotator.ui.find.context import FindContext

_BY = (("month", "Month of the article"), ("week", "Week (ISO) of the article"),
       ("outlet", "Outlet"))


class ChartsWindow(QDialog):
    def __init__(self, window: FindContext) -> None:
        super().__init__(window.window())
        self.window_ = window
        self.setWindowTitle("Charts")
        self.what, self.by, self.coder, self.kind = (QComboBox(), QComboBox(), QComboBox(),
                                                     QComboBox())
        for key, text in _BY:
            self.by.addItem(text, key)
        self.kind.addItem("Stacked bars", "bars")
        self.kind.addItem("Lines", "lines")
        self.chart = chart_view.ChartView()
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        splitter = QSplitter()
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.summary = QLabel()
        buttons = QHBoxLayout()
        for text, slot in (("Save &PNG…", self.save_png), ("Save S&VG…", self.save_svg),
                           ("Save &table (CSV)…", self.save_csv)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        top = QHBoxLayout()
        for text, box in (("&Count", self.what), ("&by", self.by), ("c&oder", self.coder),
                          ("as", self.kind)):
            label = QLabel(text)
            label.setBuddy(box)
            top.addWidget(label)
            top.addWidget(box)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.tally: Tally | None = None
        self.later = QTimer(self, singleShot=True, interval=300)
        self.later.timeout.connect(self.redraw)
        self.refill_choices()
        for box in (self.what, self.by, self.coder, self.kind):
            box.currentIndexChanged.connect(self.redraw)
        self.resize(1240, 640)
        self.redraw()

    def project_changed(self, _change: object = None) -> None:
        """Coding changed: count again once the changes pause."""
        self.later.start()

    def refill_choices(self) -> None:
        w = self.window_
        kept = [box.currentData() for box in (self.what, self.coder)]
        for box in (self.what, self.coder):
            box.blockSignals(True)
            box.clear()
        self.what.addItem("Spans per category", _ALL)
        for c in w.project.scheme.categories:
            if c.labels:
                self.what.addItem(f"{c.name} spans per label", c.key)
        fill_coders(self.coder, w)
        for box, data in zip((self.what, self.coder), kept, strict=True):
            box.setCurrentIndex(max(0, box.findData(data)))
            box.blockSignals(False)

    def redraw(self) -> None:
        w = self.window_
        scheme = w.project.scheme
        what, coder, by = self.what.currentData(), chosen_coder(self.coder), self.by.currentData()
        per_label = what != _ALL
        facts = w.project.span_facts(coder,
                                     what if per_label else None)
        categories = {c.key: c for c in scheme.categories}
        known: dict[str, str] = {}
        if per_label:
            cat = categories[what]
            names = {lab.key: lab.name for lab in cat.labels}
            order = [*names.values(), NO_LABEL]
            rows = [(names.get(label or "", label) or NO_LABEL, date, outlet)
                    for _, label, date, outlet in facts]
        else:
            order = [c.name for c in scheme.categories]
            known = {c.name: c.colour for c in scheme.categories}  # the highlights' colours
            rows = [(categories[c].name if c in categories else c, date, outlet)
                    for c, _, date, outlet in facts]
        self.tally = tally(rows, by, order)
        self.colours = chart_view.colours_for(self.tally, known)
        who = self.coder.currentText()
        self.title = f"{self.what.currentText()} by {by}, {who}"
        self.chart.show_tally(self.tally, self.kind.currentData(), self.title, self.colours)
        self._fill_table()
        n = len(facts)
        self.summary.setText(f"{n:,} span{'s' * (n != 1)} counted." if n else
                             "No spans to count yet for this choice.")

    def _fill_table(self) -> None:
        assert self.tally is not None
        rows = self.tally.rows()
        self.table.clear()
        self.table.setColumnCount(len(rows[0]))
        self.table.setRowCount(len(rows) - 1)
        self.table.setHorizontalHeaderLabels([str(h) for h in rows[0]])
        for r, row in enumerate(rows[1:]):
            for c, value in enumerate(row):
                item = QTableWidgetItem(f"{value:,}" if isinstance(value, int) else value)
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    # -- saving ----------------------------------------------------------------------------
    def _ask(self, suffix: str, kind: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, f"Save {kind}", f"chart.{suffix}",
                                              f"{kind} (*.{suffix})")
        return Path(name).with_suffix(f".{suffix}") if name else None

    def save_png(self) -> None:
        self._save("png", "PNG image", chart_view.save_png)

    def save_svg(self) -> None:
        self._save("svg", "SVG drawing", chart_view.save_svg)

    def _save(self, suffix: str, kind: str, writer: object) -> None:
        path = self._ask(suffix, kind)
        if path is None or self.tally is None:
            return
        try:
            writer(path, self.tally, self.kind.currentData(), self.title,  # type: ignore[operator]
                   self.colours)
        except OSError as exc:
            QMessageBox.warning(self, "Charts", str(exc))
            return
        self.summary.setText(f"Saved {path}.")

    def save_csv(self) -> None:
        path = self._ask("csv", "CSV table")
        if path is None or self.tally is None:
            return
        try:
            with path.open("w", encoding="utf-8", newline="") as stream:
                csv.writer(stream).writerows(self.tally.rows())
        except OSError as exc:
            QMessageBox.warning(self, "Charts", f"{path}: {exc.strerror}")
            return
        self.summary.setText(f"Saved {path}.")


def open_charts(window: FindContext) -> ChartsWindow:
    def again(panel: ChartsWindow) -> None:
        panel.refill_choices()
        panel.redraw()

    return show_panel(window, "charts_window", ChartsWindow, again)
