"""How the coding window's parts look, in a module that loads nothing but Qt (and not Qt's
``Qt`` namespace, whose first use costs 27 ms).

The window's first frame (``ui/window/first_frame.py``) is drawn before the rest of
annotator has loaded; it and the window take their looks from here (the list's columns,
status marks and widths, the tables that choose one row at a time, the article's type size,
the headline), so that the one gives way to the other without a jump.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QEvent
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
    # its bar stays (2, ScrollBarAlwaysOn, by number: the first frame makes its tables here
    # and does not touch Qt's namespace), so that a switch between a long list and a short
    # one does not narrow and widen the rows and lay the table out again
    table.setProperty("verticalScrollBarPolicy", 2)
    table.setObjectName(name)
    return table


def lay_out_now(table: QTableView) -> None:
    """Lay out a table whose rows changed before it is painted: its rows and header (Qt
    would wait for a timer) and its scroll bars, which Qt places from a queued call when
    their range changes; either, left to the event loop, came after the paint and painted
    the table's frame and both bars again (two Fusion scroll bars: 2-3 ms a switch)."""
    table.doItemsLayout()
    QCoreApplication.sendPostedEvents(table, QEvent.Type.MetaCall)


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


_AS_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})  # html.escape's, in text


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
        title = elide_end(metrics, self.title, 2 * width - 40)  # two lines' worth
        self.setToolTip(self.title if title != self.title else "")
        muted = self.palette().placeholderText().color().name()
        self.setText(f"<b style='font-size:14pt'>{title.translate(_AS_TEXT)}</b><br>"
                     f"<span style='color:{muted}'>{self.details.translate(_AS_TEXT)}</span>")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.title and event.size().width() != event.oldSize().width():
            self._render()  # at once, so the first paint shows the title cut for its width
            # (a new height alone changes no cut, so this does not run again for it)


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
    that mode without Qt's namespace. It walks in from both ends only as far as fits."""
    metrics = QFontMetricsF(font)
    if metrics.horizontalAdvance(text) <= width:
        return text
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()

    def x(position: int) -> float:
        return cast(tuple[float, int], line.cursorToX(position))[0]

    available = width - metrics.horizontalAdvance("…")
    length = len(text.encode("utf-16-le")) // 2  # Qt's positions count UTF-16 units
    left_at, right_at, left, right = 0, length, 0.0, 0.0  # kept: [0, left_at), [right_at, end)
    while True:
        next_left = layout.nextCursorPosition(left_at)  # one character a reader sees
        next_right = layout.previousCursorPosition(right_at)
        if next_left >= length or next_right <= 0:
            break
        left += x(next_left) - x(left_at)
        right += x(right_at) - x(next_right)
        if left + right >= available:
            break
        left_at, right_at = next_left, next_right
    return f"{_utf16_prefix(text, left_at)}…{text[len(_utf16_prefix(text, right_at)):]}"


def _utf16_prefix(text: str, units: int) -> str:
    """The start of ``text`` that is ``units`` UTF-16 units long."""
    return text.encode("utf-16-le")[:2 * units].decode("utf-16-le")


def details_line(date: str | None, outlet: str | None) -> str:
    """The line under a headline: "2022-02-02 · Reuters"."""
    return " · ".join(b for b in (date, outlet) if b)
