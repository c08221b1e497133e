"""The current document's spans as a Qt table model (category, label, excerpt, attributes)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.domain.model import Span
from annotator.domain.scheme import CodingScheme
from annotator.domain.text import excerpt
from annotator.ui.coding.looks import SPAN_COLUMNS as COLUMNS

Index = QModelIndex | QPersistentModelIndex
_Row = tuple[str, str, str, str, str, str, QColor | None]
DISPLAY, DECORATION, TOOLTIP, USER = (int(r) for r in (  # compared as plain numbers
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.UserRole))


def describe_attributes(span: Span, scheme: CodingScheme, spans_by_id: dict[str, Span]) -> str:
    category = scheme.category(span.category)
    parts = []
    for key, value in span.attributes.items():
        definition = category.attribute(key) if category else None
        name = definition.name if definition else key
        if definition and definition.type == "link":
            target = spans_by_id.get(value)
            value = f"“{excerpt(target.text, 20)}”" if target else "(span)"
        elif definition and definition.type == "choice":
            value = next((o.name for o in definition.options if o.key == value), value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        parts.append(f"{name}: {value}")
    return "; ".join(parts)


class SpansTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.spans: list[Span] = []
        self.scheme: CodingScheme | None = None
        self.show_coder = False
        self._by_id: dict[str, Span] = {}
        self._rows: list[_Row | None] = []

    def set_spans(self, spans: list[Span], scheme: CodingScheme, show_coder: bool) -> None:
        """Rows are worked out when first shown (a table shows a screenful of a thousand)
        and kept: a span the caller passes again (the same object, as after one span
        changed) keeps its row unless it links to a span that changed. One span added or
        removed inserts or removes its row; the table is reset only for another list."""
        same = scheme is self.scheme and show_coder == self.show_coder
        step = _one_step([s.id for s in self.spans], [s.id for s in spans]) if same else None
        by_id = {s.id: s for s in spans}
        if step is None:  # another list: every row is read when shown
            rows: list[_Row | None] = [None] * len(spans)
            stale: list[int] = []
        else:
            rows, stale = self._kept_rows(spans, *step)

        def take() -> None:
            self.spans, self.scheme, self.show_coder = spans, scheme, show_coder
            self._by_id, self._rows = by_id, rows

        if step is None:
            self.beginResetModel()
            take()
            self.endResetModel()
            return
        kind, at = step
        if kind == "insert":
            self.beginInsertRows(QModelIndex(), at, at)
            take()
            self.endInsertRows()
        elif kind == "remove":
            self.beginRemoveRows(QModelIndex(), at, at)
            take()
            self.endRemoveRows()
        else:
            take()
        last = self.columnCount() - 1
        for r in stale:  # a changed span, or one linking to it: its row is read again
            self.dataChanged.emit(self.index(r, 0), self.index(r, last))

    def _kept_rows(self, spans: list[Span], kind: str, at: int
                   ) -> tuple[list[_Row | None], list[int]]:
        """The rows worked out before, moved by the one span added or removed; a span
        that is not the same object, or links to one that changed, is read again (and
        returned among the stale rows if it was shown)."""
        old_rows, old_spans = list(self._rows), list(self.spans)
        changed: set[str] = set()
        if kind == "insert":
            old_rows.insert(at, None)
            old_spans.insert(at, spans[at])
            changed.add(spans[at].id)
        elif kind == "remove":
            changed.add(old_spans.pop(at).id)
            old_rows.pop(at)
        changed.update(new.id for old, new in zip(old_spans, spans, strict=True)
                       if old is not new)
        stale = []
        for r, (old, new) in enumerate(zip(old_spans, spans, strict=True)):
            if old_rows[r] is not None and (old is not new or (new.attributes and any(
                    v in changed for v in new.attributes.values() if isinstance(v, str)))):
                old_rows[r] = None
                stale.append(r)
        return old_rows, stale

    def _texts(self, span: Span) -> _Row:
        assert self.scheme is not None
        category = self.scheme.category(span.category)
        label = category.label(span.label) if category and span.label else None
        return (category.name if category else span.category,
                label.name if label else (span.label or ""), excerpt(span.text, 60),
                describe_attributes(span, self.scheme, self._by_id), excerpt(span.memo, 60),
                span.coder, QColor(category.colour) if category else None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else (len(COLUMNS) if self.show_coder else len(COLUMNS) - 1)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        """(Asked once per role of each cell painted: a view painting a screenful of rows
        asks some 150 times, so one call to ``row()`` and plain numbers for the roles.)"""
        at = index.row()  # (-1 for an invalid index)
        if at < 0 or self.scheme is None:
            return None
        row = self._rows[at]
        if row is None:
            row = self._rows[at] = self._texts(self.spans[at])
        if role == DISPLAY:
            return row[index.column()]
        if role == DECORATION:
            return row[6] if index.column() == 0 else None
        if role == TOOLTIP:
            column, span = index.column(), self.spans[at]
            if column == 2:
                return span.text + (f"\n\nMemo: {span.memo}" if span.memo else "")
            return (span.memo or None) if column == 4 else None
        if role == USER:
            return self.spans[at].id
        return None

    def row_of(self, span_id: str | None) -> int | None:
        return next((i for i, s in enumerate(self.spans) if s.id == span_id), None)


def _one_step(old: list[str], new: list[str]) -> tuple[str, int] | None:
    """``("same", -1)``, ``("insert", i)`` or ``("remove", i)`` if ``new`` is ``old`` with
    at most one id added or taken out at row ``i``; ``None`` for any other change."""
    if old == new:
        return "same", -1
    if abs(len(new) - len(old)) != 1:
        return None
    longer, shorter = (new, old) if len(new) > len(old) else (old, new)
    pairs = enumerate(zip(shorter, longer, strict=False))
    at = next((i for i, (a, b) in pairs if a != b), len(shorter))
    if longer[:at] == shorter[:at] and longer[at + 1:] == shorter[at:]:
        return ("insert" if longer is new else "remove"), at
    return None
