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
from annotator.ui.fields import FieldEditor, LinkChoice, make_field


def _clear(layout: QFormLayout) -> None:
    while layout.rowCount():
        layout.removeRow(0)


class SpanEditor(QGroupBox):
    sig_label_requested = Signal(str, object)  # span id, label key or None
    sig_attribute_requested = Signal(str, str, object)  # span id, attribute key, value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Selected span", parent)
        self.span: Span | None = None
        self.editors: dict[str, FieldEditor] = {}
        self.heading = QLabel("Select text and press a category key, or click a span.")
        self.heading.setWordWrap(True)
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)

    def show_span(self, span: Span | None, scheme: CodingScheme, others: list[Span]) -> None:
        """Fill the editor for ``span``; ``others`` are the spans a link may point to."""
        self.span = span
        self.editors.clear()
        _clear(self.form)
        if span is None:
            self.heading.setText("Select text and press a category key, or click a span.")
            return
        category = scheme.category(span.category)
        if category is None:
            self.heading.setText(f"Category {span.category!r} is not in the scheme.")
            return
        self.heading.setText(f"<span style='color:{category.colour}'>■</span> "
                             f"<b>{html.escape(category.name)}</b> — "
                             f"“{html.escape(excerpt(span.text, 70))}” "
                             f"<small>[{span.start}, {span.end})</small>")
        if category.labels:
            editor = make_field("choice", tuple(Option(lb.key, lb.name) for lb in category.labels))
            editor.set_value(span.label)
            editor.changed.connect(lambda value, sid=span.id: self._label(sid, value))
            self.editors["label"] = editor
            self.form.addRow("Label", editor.widget)
        for attribute in category.attributes:
            links = [LinkChoice(o.id, f"{o.category}: {excerpt(o.text, 40)}")
                     for o in others if o.category in attribute.targets and o.id != span.id]
            editor = make_field(attribute.type, attribute.options, links)
            editor.set_value(span.attributes.get(attribute.key))
            editor.changed.connect(
                lambda value, key=attribute.key, sid=span.id: self._attribute(sid, key, value))
            editor.widget.setToolTip(attribute.description)
            editor.widget.setObjectName(f"attribute_{attribute.key}")
            self.editors[attribute.key] = editor
            self.form.addRow(attribute.name, editor.widget)

    def _label(self, span_id: str, value: Any) -> None:
        if self.span and value != self.span.label:
            self.sig_label_requested.emit(span_id, value)

    def _attribute(self, span_id: str, key: str, value: Any) -> None:
        if self.span and value != self.span.attributes.get(key):
            self.sig_attribute_requested.emit(span_id, key, value)


class VariablesForm(QGroupBox):
    sig_variable_requested = Signal(str, object)  # variable key, value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Document variables", parent)
        self.form = QFormLayout(self)
        self.editors: dict[str, FieldEditor] = {}
        self.values: dict[str, Any] = {}

    def set_scheme(self, scheme: CodingScheme) -> None:
        _clear(self.form)
        self.editors.clear()
        for variable in scheme.variables:
            editor = make_field(variable.type, variable.options)
            editor.changed.connect(lambda value, key=variable.key: self._changed(key, value))
            editor.widget.setToolTip(variable.description)
            editor.widget.setObjectName(f"variable_{variable.key}")
            self.editors[variable.key] = editor
            self.form.addRow(variable.name, editor.widget)

    def show_values(self, values: dict[str, Any]) -> None:
        self.values = dict(values)
        for key, editor in self.editors.items():
            editor.set_value(values.get(key))

    def _changed(self, key: str, value: Any) -> None:
        if value != self.values.get(key):
            self.sig_variable_requested.emit(key, value)
