"""How the coding window's parts look, in a module that loads nothing but Qt (and not Qt's
``Qt`` namespace, whose first use costs 27 ms).

The window's first frame (``ui/window/first_frame.py``) is drawn before the rest of
annotator has loaded; it and the window take their looks from here (the list's columns,
status marks and widths, the tables that choose one row at a time, the article's type size,
the headline), so that the one gives way to the other without a jump.
"""

from __future__ import annotations

import html
import unicodedata
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontMetrics, QFontMetricsF, QTextLayout
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

LIST_COLUMNS = ("Title", "Date", "Outlet", "Status")
SPAN_COLUMNS = ("Category", "Label", "Text", "Attributes", "Memo", "Coder")
_SPAN_COLUMN_WIDTHS = (115, 150, 260)  # category, label, text; the rest as Qt sizes them
_LIST_COLUMN_WIDTHS = ((1, 82), (2, 90), (3, 100))  # date, outlet, status; the title stretches
_STATUS_MARKS = {"not_started": "○", "in_progress": "◐", "done": "●"}
FILTER_PLACEHOLDER = "Filter by title, outlet or text…"
ARTICLE_POINT_SIZE = 12  # the article's type at zoom 0
# what joins the character before it: a zero-width joiner, variation selectors, skin tones
_JOINED = "\u200d\ufe0e\ufe0f" + "".join(map(chr, range(0x1F3FB, 0x1F400)))


def status_text(status: str) -> str:
    """A status's value as the list shows it: "◐ in progress"."""
    return f"{_STATUS_MARKS[status]} {status.replace('_', ' ')}"


def list_table(name: str) -> QTableView:
    """A table of rows chosen one at a time, that Tab leaves and the arrows move within."""
    table = QTableView()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.setObjectName(name)
    return table


def size_list_columns(table: QTableView) -> None:
    """The document list's columns: the title takes what the others leave."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column, width in _LIST_COLUMN_WIDTHS:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)


def size_span_columns(table: QTableView) -> None:
    """The spans table's columns: set by hand (sizing them to their rows would read every
    row), the last one stretched."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for section, width in enumerate(_SPAN_COLUMN_WIDTHS):
        header.resizeSection(section, width)


class Headline(QLabel):
    """The document's title (at most two lines, elided) over its date and outlet."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("header")  # rich text, as its text begins with a tag (Qt.AutoText)
        self.setWordWrap(True)
        self.title, self.details, self.notice = "", "", ""

    def show_document(self, title: str, details: str) -> None:
        self.title, self.details, self.notice = title, details, ""
        self._render()

    def show_notice(self, html_text: str) -> None:
        self.title = self.details = ""
        self.notice = html_text
        self._render()

    def _render(self) -> None:
        if self.notice:
            self.setText(self.notice)
            return
        font = self.font()
        font.setPointSize(14)
        font.setBold(True)
        metrics = QFontMetrics(font)
        width = max(self.width(), 200)
        title = self.title  # two lines' worth, elided at the end
        title = elide_end(metrics, title, 2 * width - 40)
        self.setToolTip(self.title if title != self.title else "")
        muted = self.palette().placeholderText().color().name()
        self.setText(f"<b style='font-size:14pt'>{html.escape(title)}</b><br>"
                     f"<span style='color:{muted}'>{html.escape(self.details)}</span>")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.title:
            QTimer.singleShot(0, self._render)


def elide_end(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` cut at the end to fit ``width`` pixels, "…" added, never inside a character
    (a base and its accents, an emoji and its joined parts). Qt's ``elidedText`` would need
    Qt's namespace, 27 ms at its first use, in the first frame."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with "…" is text[:low]
    while low < high:
        middle = (low + high + 1) // 2
        if metrics.horizontalAdvance(text[:middle] + "…") <= width:
            low = middle
        else:
            high = middle - 1
    while 0 < low < len(text) and (unicodedata.combining(text[low])
                                   or text[low] in _JOINED or text[low - 1] == "\u200d"):
        low -= 1  # the cut would split a character the reader sees as one
    return text[:low].rstrip() + "…"


def elide_middle(font: QFont, text: str, width: float) -> str:
    """``text`` cut in its middle to fit ``width`` pixels, as Qt's ``ElideMiddle`` cuts it
    (as many characters kept at each end, a flag or an accented letter counted as one,
    their advances as laid out in the whole text), for the first frame, which cannot name
    that mode without Qt's namespace."""
    metrics = QFontMetricsF(font)
    if metrics.horizontalAdvance(text) <= width:
        return text
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    units = [0]  # UTF-16 offset of each code point, as Qt counts
    for char in text:
        units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
    bounds = [0]  # where each character a reader sees begins and ends
    while bounds[-1] < units[-1]:
        bounds.append(layout.nextCursorPosition(bounds[-1]))
    x = {b: cast(tuple[float, int], line.cursorToX(b))[0] for b in bounds}
    available = width - metrics.horizontalAdvance("…")
    kept, left, right, last = 0, 0.0, 0.0, len(bounds) - 1
    while kept < last and last - kept - 1 > 0:
        left += x[bounds[kept + 1]] - x[bounds[kept]]
        right += x[bounds[last - kept]] - x[bounds[last - kept - 1]]
        if left + right >= available:
            break
        kept += 1
    at = {unit: index for index, unit in enumerate(units)}
    return f"{text[:at[bounds[kept]]]}…{text[at[bounds[last - kept]]:]}"


def details_line(date: str | None, outlet: str | None) -> str:
    """The line under a headline: "2022-02-02 · Reuters"."""
    return " · ".join(b for b in (date, outlet) if b)
