"""Tools → Coded segments (Ctrl+Shift+S): every span of a chosen category and label, of
one coder, every coder or gold, with the text either side, its document, date and outlet;
filtered by typing, sorted by a click on a column, exported as CSV, and opened at the span
by double-click or Enter. A second tab lists the documents where a document variable has a
value ("every article with tone = hostile").

A panel that owns its widgets and reads through the store (``Project.segments``,
``Project.documents_with_value``); it changes nothing. In blind coding a coder sees only
their own spans and values here too.
"""

from __future__ import annotations

import csv
import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Span
from annotator.ui.find.tables import LeftContext, RowsModel, sorted_table
from annotator.ui.window.dialogs import ALL as _ALL
from annotator.ui.window.dialogs import chosen_coder, fill_coders, show_panel

if TYPE_CHECKING:
    from annotator.ui.find.context import FindContext

SPAN_HEADERS = ("Doc", "Date", "Outlet", "Coder", "Category", "Label", "Left", "Span", "Right",
                "Attributes", "Memo")
VALUE_HEADERS = ("Doc", "Date", "Outlet", "Coder", "Title")
MEMO_HEADERS = ("Doc", "Date", "Outlet", "Coder", "On", "Memo")
LIMIT = 5000  # rows read at most, in well under 100 ms; narrow the choice to see others


def _flat(text: str) -> str:
    return " ".join(text.split())


class SegmentsWindow(QDialog):
    def __init__(self, window: FindContext) -> None:
        super().__init__(window.window())
        self.window_ = window
        self.setWindowTitle("Coded segments")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._spans_tab(), "&Spans")
        self.tabs.addTab(self._values_tab(), "Document &variables")
        self.tabs.addTab(self._memos_tab(), "&Memos")
        self.filter = QLineEdit(placeholderText="Filter the rows: any text in any column")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.summary = QLabel()
        export = QPushButton("&Export CSV…")
        export.clicked.connect(self.export_csv)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("&Filter"))
        bottom.itemAt(0).widget().setBuddy(self.filter)  # type: ignore[union-attr]
        bottom.addWidget(self.filter, 1)
        bottom.addWidget(export)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.tabs.currentChanged.connect(lambda _i: self._filter())
        self.shown: set[int] = set()  # tabs whose rows were asked for: kept up to date
        self.later = QTimer(self, singleShot=True, interval=300)
        self.later.timeout.connect(self._show_again)
        self.refill_choices()
        self.resize(1220, 640)

    # -- building --------------------------------------------------------------------------
    def _spans_tab(self) -> QWidget:
        self.category, self.label, self.coder = QComboBox(), QComboBox(), QComboBox()
        self.category.currentIndexChanged.connect(self._fill_labels)
        self.span_model = RowsModel(SPAN_HEADERS)
        self.span_view, self.span_proxy = sorted_table(self.span_model,
                                                       (56, 90, 120, 70, 100, 130, 260, 200, 260))
        self.span_view.setItemDelegateForColumn(6, LeftContext(self.span_view))
        return self._page((("Ca&tegory", self.category), ("&Label", self.label),
                           ("C&oder", self.coder)), "S&how", self.show_spans, self.span_view,
                          self._open_span, default=True)

    def _values_tab(self) -> QWidget:
        self.variable, self.value, self.value_coder = QComboBox(), QComboBox(), QComboBox()
        self.value.setEditable(True)  # a text or number variable: type the value
        self.variable.currentIndexChanged.connect(self._fill_values)
        self.value_model = RowsModel(VALUE_HEADERS)
        self.value_view, self.value_proxy = sorted_table(self.value_model, (56, 90, 140, 90))
        return self._page((("V&ariable", self.variable), ("= va&lue", self.value),
                           ("Cod&er", self.value_coder)), "Sh&ow", self.show_values,
                          self.value_view, self._open_document)

    def _memos_tab(self) -> QWidget:
        self.memo_coder = QComboBox()
        self.memo_model = RowsModel(MEMO_HEADERS)
        self.memo_view, self.memo_proxy = sorted_table(self.memo_model, (56, 90, 120, 90, 220))
        return self._page((("Code&r", self.memo_coder),), "Sho&w", self.show_memos,
                          self.memo_view, self._open_memo,
                          note="Type in Filter below to search the memos.")

    @staticmethod
    def _page(choices: tuple[tuple[str, QComboBox], ...], button: str, show: Any,
              view: QTableView, opens: Any, *, default: bool = False, note: str = ""
              ) -> QWidget:
        """A tab: its choices with their labels and a button that shows the rows, then the
        table, whose rows open by double-click or Enter."""
        top = QHBoxLayout()
        for text, box in choices:
            label = QLabel(text)
            label.setBuddy(box)
            top.addWidget(label)
            top.addWidget(box)
        push = QPushButton(button)
        push.setDefault(default)
        push.clicked.connect(show)
        top.addWidget(push)
        if note:
            top.addWidget(QLabel(note))
        top.addStretch(1)
        view.doubleClicked.connect(lambda index: opens(index))
        QShortcut(QKeySequence(Qt.Key.Key_Return), view, lambda: opens(view.currentIndex())
                  ).setContext(Qt.ShortcutContext.WidgetShortcut)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(view, 1)
        return page

    def refill_choices(self) -> None:
        """The scheme's categories and variables and the coders, as they are now."""
        w = self.window_
        scheme = w.project.scheme
        boxes = (self.category, self.variable, self.coder, self.value_coder, self.memo_coder)
        kept = [box.currentData() for box in boxes]
        self.category.clear()
        self.category.addItem("(every category)", _ALL)
        for c in scheme.categories:
            self.category.addItem(c.name, c.key)
        self.variable.clear()
        for v in scheme.variables:
            self.variable.addItem(v.name, v.key)
        for box in (self.coder, self.value_coder, self.memo_coder):
            fill_coders(box, w)
        for box, data in zip(boxes, kept, strict=True):  # what was chosen stays chosen
            box.setCurrentIndex(max(0, box.findData(data)))

    def _fill_labels(self) -> None:
        self.label.clear()
        self.label.addItem("(any label)", _ALL)
        cat = self.window_.project.scheme.category(self.category.currentData() or "")
        if cat is not None and cat.labels:
            self.label.addItem("(no label)", "")
            for label in cat.labels:
                self.label.addItem(label.name, label.key)
        self.label.setEnabled(self.label.count() > 1)

    def _fill_values(self) -> None:
        self.value.clear()
        definition = next((v for v in self.window_.project.scheme.variables
                           if v.key == self.variable.currentData()), None)
        for option in definition.options if definition else ():
            self.value.addItem(option.name, option.key)
        if definition is not None and definition.type == "boolean":
            self.value.addItems(["true", "false"])

    # -- showing ---------------------------------------------------------------------------
    def show_spans(self) -> None:
        w = self.window_
        category = self.category.currentData()
        label = self.label.currentData()
        coder = chosen_coder(self.coder)
        chosen = (None if category == _ALL else category,
                  None if label in (_ALL, None) else label, coder)
        self.shown.add(0)
        found = w.project.segments(*chosen, limit=LIMIT + 1)  # one more: are there more?
        self.truncated = len(found) > LIMIT
        del found[LIMIT:]
        names = {c.key: c for c in w.project.scheme.categories}
        rows, keys = [], []
        for s in found:
            sp = s.span
            cat = names.get(sp.category)
            lab = cat.label(sp.label) if cat and sp.label else None
            rows.append((sp.document_id, s.date, s.outlet, sp.coder,
                         cat.name if cat else sp.category, lab.name if lab else sp.label,
                         _flat(s.left), _flat(sp.text), _flat(s.right),
                         json.dumps(sp.attributes, ensure_ascii=False) if sp.attributes else "",
                         _flat(sp.memo)))
            keys.append(sp)
        self.span_model.set_rows(rows, keys)
        self._filter()

    def show_values(self, quiet: bool = False) -> None:
        w = self.window_
        key = self.variable.currentData()
        if key is None:
            return
        definition = next(v for v in w.project.scheme.variables if v.key == key)
        text = self.value.currentText().strip()
        chosen = self.value.findText(text)
        value: Any = self.value.itemData(chosen) if chosen >= 0 else text
        if definition.type == "number":
            try:
                value = float(text) if "." in text else int(text)
            except ValueError:
                if not quiet:  # typed since, and shown again after a change: say nothing
                    QMessageBox.warning(self, "Coded segments", f"{text!r} is not a number.")
                return
        elif definition.type == "boolean":
            value = text.casefold() in ("true", "yes", "1")
        coder = chosen_coder(self.value_coder)
        self.shown.add(1)
        found = w.project.documents_with_value(key, value, coder)
        self.value_model.set_rows([(d, date, outlet, c, t) for d, t, date, outlet, c in found],
                                  [r[0] for r in found])
        self._filter()

    def show_memos(self) -> None:
        coder = chosen_coder(self.memo_coder)
        self.shown.add(2)
        found = self.window_.project.memos(coder)
        self.memo_model.set_rows(  # a row opens (document, span) and exports its whole memo
            [(d, date, outlet, c, f"“{_flat(on)[:60]}”" if span else "the document",
              _flat(memo)) for d, _t, date, outlet, c, span, on, memo in found],
            [(r[0], r[5], r[7]) for r in found])
        self._filter()

    def project_changed(self, _change: object = None) -> None:
        """Coding changed (here or in the window): show the tabs already shown again, once
        the changes pause (an auto-coding step is many changes)."""
        if self.shown:
            self.later.start()

    def _show_again(self) -> None:
        for tab in sorted(self.shown):
            (self.show_spans, lambda: self.show_values(quiet=True), self.show_memos)[tab]()

    def _filter(self) -> None:
        proxy, model = self._current()
        proxy.setFilterFixedString(self.filter.text())
        shown, total = proxy.rowCount(), model.rowCount()
        what = {id(self.span_model): "span", id(self.value_model): "document"}.get(
            id(model), "memo")
        more = model is self.span_model and getattr(self, "truncated", False)
        self.summary.setText((f"The first {total:,} spans, by document; there are more "
                              f"(choose a label or a coder, or use annotator segments for all)"
                              if more else f"{total:,} {what}{'s' * (total != 1)}")
                             + (f", {shown:,} shown by the filter" if shown != total else "")
                             + (". Double-click a row (or Enter) to open it." if total else ""))

    def _current(self) -> tuple[QSortFilterProxyModel, RowsModel]:
        return ((self.span_proxy, self.span_model), (self.value_proxy, self.value_model),
                (self.memo_proxy, self.memo_model))[max(0, self.tabs.currentIndex())]

    # -- acting ----------------------------------------------------------------------------
    def _key(self, index: QModelIndex) -> Any:
        proxy, model = self._current()
        if not index.isValid():
            return None
        return model.keys[proxy.mapToSource(index).row()]

    def _open_span(self, index: QModelIndex) -> None:
        span: Span | None = self._key(index)
        if span is None:
            return
        w = self.window_
        if w.document_id != span.document_id:
            w.show_document(span.document_id)
        if any(s.id == span.id for s in w.spans):
            w.select_span(span.id)
        else:  # another coder's span, not shown in blind coding: show where it is
            w.view.select_range(span.start, span.end)
        w.view.ensureCursorVisible()
        w.activateWindow()
        w.navigation.focus_article()

    def _open_memo(self, index: QModelIndex) -> None:
        key = self._key(index)
        if key is None:
            return
        doc, span_id, _memo = key
        w = self.window_
        if w.document_id != doc:
            w.show_document(int(doc))
        if span_id and any(s.id == span_id for s in w.spans):
            w.select_span(span_id)
        w.activateWindow()

    def _open_document(self, index: QModelIndex) -> None:
        doc = self._key(index)
        if doc is not None:
            self.window_.show_document(int(doc))
            self.window_.activateWindow()

    def export_csv(self) -> None:
        proxy, model = self._current()
        name, _ = QFileDialog.getSaveFileName(self, "Export CSV", "segments.csv", "CSV (*.csv)")
        if not name:
            return
        try:
            with open(name, "w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                if model is self.span_model:
                    writer.writerow(["span", "document", "date", "outlet", "coder", "category",
                                     "label", "start", "end", "left", "text", "right",
                                     "attributes", "memo"])
                elif model is self.value_model:
                    writer.writerow(["document", "date", "outlet", "coder", "title"])
                else:
                    writer.writerow(["document", "date", "outlet", "coder", "on", "memo"])
                for r in range(proxy.rowCount()):
                    source = proxy.mapToSource(proxy.index(r, 0)).row()
                    row = ["" if v is None else v for v in model.rows[source]]
                    if model is self.span_model:
                        sp = model.keys[source]
                        row = [sp.id, *row[:3], sp.coder, sp.category, sp.label or "",
                               sp.start, sp.end, row[6], sp.text, row[8], row[9], sp.memo]
                    elif model is self.memo_model:
                        row[5] = model.keys[source][2]  # the memo as written, line breaks too
                    writer.writerow(row)
        except OSError as exc:
            QMessageBox.warning(self, "Export CSV", f"{name}: {exc.strerror}")
            return
        self.summary.setText(f"Wrote {proxy.rowCount():,} rows to {name}.")


def open_segments(window: FindContext) -> SegmentsWindow:
    return show_panel(window, "segments_window", SegmentsWindow, SegmentsWindow.refill_choices)
