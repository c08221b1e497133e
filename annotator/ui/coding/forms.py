"""The selected span's editor (label and attributes) and the document variables form.

Both only emit what the user asked for; the window turns that into undoable operations, and
both are refilled from the store after it changed.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from annotator.domain.model import Span
from annotator.domain.scheme import CodingScheme, Option
from annotator.domain.text import excerpt
from annotator.ui.coding.fields import FieldEditor, LinkChoice, make_field

MEMO = "\x00memo"  # the editors' key of the memo field (no scheme key can be it)


def _clear(layout: QFormLayout) -> None:
    """Empty the form without deleting a widget now: the change that asks for a new form
    often arrives inside a signal of one of these very widgets (a combo box's popup closing
    on Return), and deleting a widget inside its own signal crashes Qt."""
    while layout.rowCount():
        row = layout.takeRow(0)
        for item in (row.labelItem, row.fieldItem):
            if item is not None and (widget := item.widget()) is not None:
                widget.hide()
                widget.deleteLater()


def _form_layout() -> QFormLayout:
    """Fields grow to the panel's width; a long name goes above its field, not off-screen."""
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _name(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)  # a long name takes two lines, not the panel's width
    label.setBuddy(field)
    return label


def _show_now(layout: QFormLayout) -> None:
    """Rows added to a visible form appear only after the next event-loop turn; a keyboard
    coder pressing Ctrl+2 at once must find the field already there."""
    for row in range(layout.rowCount()):
        for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole):
            item = layout.itemAt(row, role)
            if item is not None and (widget := item.widget()) is not None:
                widget.setVisible(True)


class _Fields(QGroupBox):
    """A group of fields (``editors``, by key, in Tab order): the span's or the document's."""

    editors: dict[str, FieldEditor]

    def first_field(self) -> QWidget | None:
        return next((e.widget for e in self.editors.values()), None)

    def flush(self) -> bool:
        return any([editor.flush() for editor in list(self.editors.values())])

    def typing(self) -> bool:
        """Text typed in a field and not stored yet (it is, at the typing pause)."""
        return any(editor.typing() for editor in self.editors.values())


class SpanEditor(_Fields):
    sig_label_requested = Signal(str, object)  # span id, label key or None
    sig_attribute_requested = Signal(str, str, object)  # span id, attribute key, value
    sig_memo_requested = Signal(str, str)  # span id, memo text
    sig_editing = Signal()  # typed text not stored yet (it is, after a short pause)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Selected span", parent)
        self.span: Span | None = None
        self.editors: dict[str, FieldEditor] = {}
        self._shape: tuple[str, str] | None = None
        self._shown = 0  # how many times show_span began (a nested call makes it newer)
        self.heading = QLabel("Select text and press a category key, or click a span.")
        self.heading.setWordWrap(True)
        self.form = _form_layout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)

    def show_span(self, span: Span | None, scheme: CodingScheme, others: list[Span]) -> None:
        """Show ``span``; ``others`` are the spans a link may point to. A span of the same
        category with the same link choices (the span just coded, say) keeps the widgets
        and only gets its values: building the form took 4.5 ms of a 7.7 ms coding step
        (see also ``_clear``). The fields' signals name the span shown when they fire."""
        self._shown += 1
        shown = self._shown
        self.flush()  # typing not stored yet belongs to the span shown until now
        if self._shown != shown:
            return  # storing it showed the editor afresh: ``span`` here is out of date
        category = scheme.category(span.category) if span else None
        links = {a.key: [LinkChoice(o.id, f"{o.category}: {excerpt(o.text, 40)}")
                         for o in others if o.category in a.targets and o.id != span.id]
                 for a in category.attributes if a.type == "link"} if span and category else {}
        shape = (category.key, repr(links)) if span and category else None
        self.span = span
        if shape is not None and shape == self._shape:
            self._fill(span)  # type: ignore[arg-type]
            self._heading(span, category)  # type: ignore[arg-type]
            return
        self._shape = shape
        self.editors.clear()
        _clear(self.form)
        if span is None:
            self.heading.setText("Select text and press a category key, or click a span.")
            return
        if category is None:
            self.heading.setText(f"Category {span.category!r} is not in the scheme.")
            return
        self._heading(span, category)
        if category.labels:
            editor = make_field("choice", tuple(Option(lb.key, lb.name) for lb in category.labels))
            editor.changed.connect(self._label)
            editor.widget.setObjectName("span_label")
            self.editors["label"] = editor
            self.form.addRow(_name("&Label", editor.widget), editor.widget)
        for attribute in category.attributes:
            editor = make_field(attribute.type, attribute.options, links.get(attribute.key))
            editor.changed.connect(lambda value, key=attribute.key: self._attribute(key, value))
            editor.edited.connect(self.sig_editing)
            editor.widget.setToolTip(attribute.description)
            editor.widget.setObjectName(f"attribute_{attribute.key}")
            self.editors[attribute.key] = editor
            self.form.addRow(_name(attribute.name, editor.widget), editor.widget)
        memo = make_field("memo")
        memo.changed.connect(self._memo)
        memo.edited.connect(self.sig_editing)
        memo.widget.setObjectName("span_memo")
        self.editors[MEMO] = memo
        self.form.addRow(_name("&Memo", memo.widget), memo.widget)
        _show_now(self.form)
        self._fill(span)

    def _heading(self, span: Span, category: Any) -> None:
        self.heading.setText(f"<span style='color:{category.colour}'>■</span> "
                             f"<b>{html.escape(category.name)}</b> — "
                             f"“{html.escape(excerpt(span.text, 70))}” "
                             f"<small>[{span.start}, {span.end})</small>")

    def _fill(self, span: Span) -> None:
        for key, editor in self.editors.items():
            editor.set_value(span.label if key == "label" else span.memo if key == MEMO
                             else span.attributes.get(key))

    def _label(self, value: Any) -> None:
        if self.span and value != self.span.label:
            self.sig_label_requested.emit(self.span.id, value)

    def _attribute(self, key: str, value: Any) -> None:
        if self.span and value != self.span.attributes.get(key):
            self.sig_attribute_requested.emit(self.span.id, key, value)

    def _memo(self, value: str) -> None:
        if self.span and value != self.span.memo:
            self.sig_memo_requested.emit(self.span.id, value)


class VariablesForm(_Fields):
    sig_variable_requested = Signal(str, object)  # variable key, value
    sig_memo_requested = Signal(str)  # the coder's memo on the document
    sig_editing = Signal()  # typed text not stored yet

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Document variables", parent)
        self.form = _form_layout()
        self.setLayout(self.form)
        self.editors: dict[str, FieldEditor] = {}
        self.values: dict[str, Any] = {}
        self.memo = ""

    def set_scheme(self, scheme: CodingScheme) -> None:
        _clear(self.form)
        self.editors.clear()
        memo = make_field("memo")
        memo.changed.connect(self._memo_changed)
        memo.edited.connect(self.sig_editing)
        memo.widget.setObjectName("document_memo")
        memo.widget.setToolTip("Your memo on this document: plain text, saved as you type, "
                               "exported with your coding")
        for variable in scheme.variables:
            editor = make_field(variable.type, variable.options)
            editor.changed.connect(lambda value, key=variable.key: self._changed(key, value))
            editor.edited.connect(self.sig_editing)
            editor.widget.setToolTip(variable.description)
            editor.widget.setObjectName(f"variable_{variable.key}")
            self.editors[variable.key] = editor
            self.form.addRow(_name(variable.name, editor.widget), editor.widget)
        self.editors[MEMO] = memo  # last: after the variables, in the Tab order too
        self.form.addRow(_name("M&emo", memo.widget), memo.widget)

    def show_values(self, values: dict[str, Any], memo: str = "") -> None:
        self.values, self.memo = dict(values), memo
        for key, editor in self.editors.items():
            editor.set_value(memo if key == MEMO else values.get(key))

    def _memo_changed(self, value: str) -> None:
        if value != self.memo:
            self.memo = value
            self.sig_memo_requested.emit(value)

    def _changed(self, key: str, value: Any) -> None:
        if value != self.values.get(key):
            self.sig_variable_requested.emit(key, value)
