"""One editor widget per field type (choice, text, number, boolean, date, link), shared by the
span attribute editor and the document variables form.

``make_field`` returns the widget, a getter and a setter; the caller connects ``changed``.
Every editor can say "no value" (``None``), which is not the same as false or zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from annotator.domain.scheme import Option

NONE_TEXT = "—"


# Typed text is stored after this pause, so a crash loses at most the last half second.
TYPING_PAUSE_MS = 400


class FieldEditor(QObject):
    changed = Signal(object)  # the new value, or None
    edited = Signal()  # the user typed: a value is on its way but not stored yet

    def __init__(self, widget: QWidget, get: Callable[[], Any], set_: Callable[[Any], None]
                 ) -> None:
        super().__init__(widget)
        self.widget, self._get, self._set = widget, get, set_

    def value(self) -> Any:
        return self._get()

    def flush(self) -> bool:
        """Store what is typed and not stored yet, now (before the form moves on); True if
        there was something."""
        return bool(self.pending is not None and self.pending())

    pending: Callable[[], bool] | None = None
    typing: Callable[[], bool] = staticmethod(lambda: False)  # typed, its pause not over

    def set_value(self, value: Any) -> None:
        self.widget.blockSignals(True)
        try:
            self._set(value)
        finally:
            self.widget.blockSignals(False)


@dataclass(frozen=True)
class LinkChoice:
    span_id: str
    text: str


def _combo(items: list[tuple[str, Any]]) -> FieldEditor:
    combo = QComboBox()
    # as narrow as the panel needs; a long link excerpt shows in full in the open list
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    combo.addItem(NONE_TEXT, None)
    for text, data in items:
        combo.addItem(text, data)

    def set_(value: Any) -> None:
        index = combo.findData(value) if value is not None else 0
        combo.setCurrentIndex(max(index, 0))

    editor = FieldEditor(combo, combo.currentData, set_)
    combo.currentIndexChanged.connect(lambda _i: editor.changed.emit(combo.currentData()))
    return editor


def _line(parse: Callable[[str], Any], placeholder: str, show: Callable[[Any], str] = str
          ) -> FieldEditor:
    line = QLineEdit()
    line.setPlaceholderText(placeholder)

    def get() -> Any:
        text = line.text().strip()
        if not text:
            return None
        try:
            return parse(text)
        except ValueError:
            return None

    def set_(value: Any) -> None:
        if line.hasFocus() and get() == value:
            return  # what the coder is typing was just stored: keep their cursor and text
        line.setText("" if value is None else show(value))

    editor = FieldEditor(line, get, set_)
    pause = QTimer(line, singleShot=True, interval=TYPING_PAUSE_MS)

    def finished() -> None:
        text = line.text().strip()
        try:
            value = parse(text) if text else None
        except ValueError:
            line.setStyleSheet("QLineEdit { border: 1px solid #c00000; }")
            line.setToolTip(f"not a valid value: {placeholder}")
            return
        line.setStyleSheet("")
        line.setToolTip("")
        editor.changed.emit(value)

    def typed(_text: str) -> None:
        editor.edited.emit()
        pause.start()

    def finish_now() -> None:
        pause.stop()
        finished()

    def flush() -> bool:
        if not pause.isActive():
            return False
        finish_now()
        return True

    editor.pending, editor.typing = flush, pause.isActive
    pause.timeout.connect(finished)
    line.textEdited.connect(typed)
    line.editingFinished.connect(finish_now)
    return editor


class _MemoBox(QPlainTextEdit):
    """Several lines of plain text; Tab leaves it (a memo has no use for tab stops)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setPlaceholderText("a memo: your own note, saved as you type")
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)


def _memo() -> FieldEditor:
    box = _MemoBox()

    def get() -> str:
        return box.toPlainText().strip("\n")

    def set_(value: Any) -> None:
        if box.hasFocus() and get() == (value or ""):
            return  # what the coder is typing was just stored: keep their cursor
        box.setPlainText(value or "")

    editor = FieldEditor(box, get, set_)
    pause = QTimer(box, singleShot=True, interval=TYPING_PAUSE_MS)
    pause.timeout.connect(lambda: editor.changed.emit(get()))

    def typed() -> None:
        if box.signalsBlocked():
            return
        editor.edited.emit()
        pause.start()

    def flush() -> bool:
        if not pause.isActive():
            return False
        pause.stop()
        editor.changed.emit(get())
        return True

    class _FocusOut(QObject):
        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.FocusOut:
                flush()
            return False

    box.textChanged.connect(typed)
    watcher = _FocusOut(box)
    box.installEventFilter(watcher)
    editor.pending, editor.typing = flush, pause.isActive
    return editor


def _number(text: str) -> int | float:
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() \
        else value


def _date(text: str) -> str:
    return dt.date.fromisoformat(text).isoformat()


def make_field(kind: str, options: tuple[Option, ...] = (),
               links: list[LinkChoice] | None = None) -> FieldEditor:
    if kind == "choice":
        return _combo([(o.name, o.key) for o in options])
    if kind == "boolean":
        return _combo([("yes", True), ("no", False)])
    if kind == "link":
        return _combo([(choice.text, choice.span_id) for choice in links or []])
    if kind == "number":
        return _line(_number, "a number", lambda v: f"{v:g}")
    if kind == "date":
        return _line(_date, "YYYY-MM-DD")
    if kind == "memo":
        return _memo()
    return _line(str, "text")
