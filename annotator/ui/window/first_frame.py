"""The window's first frame: the article a project opens on and the first screenful of its
list, drawn a moment after start while the rest of annotator loads and the coding window is
built. The window then takes its place, where it stood.

Loading all of annotator and building the window take about three times what Qt needs to
show a text; this frame needs little more (Qt, the settings, ``storage.sqlite.glance``).
It is shown only when the window follows without a question: a project file nobody else
has open, at the current version, whose coder is known; otherwise the window opens as it
always did. What is typed or clicked in it changes nothing.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QEventLoop, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator import paths
from annotator.storage.sqlite import lock
from annotator.storage.sqlite.glance import Glance, glance
from annotator.ui.coding.looks import (
    ARTICLE_POINT_SIZE,
    FILTER_PLACEHOLDER,
    LIST_COLUMNS,
    SPAN_COLUMNS,
    Headline,
    details_line,
    elide_middle,
    list_table,
    size_list_columns,
    size_span_columns,
    status_text,
)
from annotator.ui.window.settings import Settings

LIST_ROWS = 60  # more than a screenful of the list at any window height
# the window's menus (``menu_bar.MENUS``; a test keeps them equal), shown before they work
MENU_TITLES = ("&File", "&Edit", "&Coding", "&Tools", "&View", "&Help")
_EXPOSE_WAIT_S = 0.5  # a window manager maps a new window within this, or it is drawn later
# where a cell's text begins and ends: the focus frame's margin (2 in QCommonStyle, which
# Fusion and the Windows styles keep) + 1, as Qt's item views draw it. Asking the style
# (QStyle.PM_FocusFrameHMargin) would cost 6 ms of the frame creating QStyle's enums.
_CELL_MARGIN = 3


class FirstFrame(QMainWindow):
    def __init__(self, path: Path, seen: Glance, settings: Settings) -> None:
        super().__init__()
        self.setObjectName("first_frame")
        self.glance = seen
        self.setWindowTitle(f"{path.name} — annotator")
        for title in MENU_TITLES:
            self.menuBar().addMenu(title)
        self.splitter = QSplitter()  # horizontal
        for column in (self._list(), self._article(settings.zoom), QWidget()):
            self.splitter.addWidget(column)
        self.splitter.setSizes([380, 640, 380])
        self.setCentralWidget(self.splitter)
        self.resize(1400, 860)
        self.statusBar().showMessage(f"Opening {path.name}…")
        place(self, settings)
        if settings.splitter_state:
            self.splitter.restoreState(from_b64(settings.splitter_state))

    def _list(self) -> QWidget:
        filters = QHBoxLayout()
        filters.addWidget(QLineEdit(placeholderText=FILTER_PLACEHOLDER, readOnly=True), 1)
        status = QComboBox()  # the window's items, so that it is as wide
        for item in ("All", "Not started", "In progress", "Done"):
            status.addItem(item)
        filters.addWidget(status)
        self.rows = QStandardItemModel(0, len(LIST_COLUMNS), self)
        self.rows.setHorizontalHeaderLabels(list(LIST_COLUMNS))
        for document_id, title, date, outlet, state in self.glance.rows:
            self.rows.appendRow([QStandardItem(title or f"(document {document_id})"),
                                 QStandardItem(date or ""), QStandardItem(outlet or ""),
                                 QStandardItem(status_text(state))])
        self.table = list_table("documents")
        self.table.setModel(self.rows)
        self.elided = _MiddleElided(self.table)  # titles and outlets (dates and statuses fit)
        for elided in (0, 2):
            self.table.setItemDelegateForColumn(elided, self.elided)
        size_list_columns(self.table)
        ids = [row[0] for row in self.glance.rows]
        if self.glance.document_id in ids:
            self.table.selectRow(ids.index(self.glance.document_id))
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        return column

    def _article(self, zoom: int) -> QWidget:
        self.header = Headline()
        self.header.show_document(self.glance.title,
                                  details_line(self.glance.date, self.glance.outlet))
        self.article = QPlainTextEdit(readOnly=True)
        # its scroll bar always shown, as the window's (ArticleView): the text is as wide in
        # both (the property by its number, 2, ScrollBarAlwaysOn: no Qt namespace)
        self.article.setProperty("verticalScrollBarPolicy", 2)
        font = self.article.font()
        font.setPointSize(ARTICLE_POINT_SIZE + max(-6, min(24, zoom)))
        self.article.setFont(font)
        self.article.document().setDefaultFont(font)
        self.article.setPlainText(self.glance.text)
        article = QWidget()
        layout = QVBoxLayout(article)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.article, 1)
        spans = QStandardItemModel(0, len(SPAN_COLUMNS) - 1, self)  # no coder column
        spans.setHorizontalHeaderLabels(list(SPAN_COLUMNS[:-1]))
        self.spans_table = list_table("spans")
        self.spans_table.setModel(spans)
        size_span_columns(self.spans_table)
        column = QWidget()  # the window's vertical splitter, as a layout (no Qt namespace)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(self.splitter.handleWidth())
        layout.addWidget(article, 600)
        layout.addWidget(self.spans_table, 180)
        return column


class _MiddleElided(QStyledItemDelegate):
    """Cells cut in the middle, as the window's list cuts them ("Vladimir P…concerns");
    the view's own elide mode would need Qt's namespace (27 ms of a 250 ms frame)."""

    def initStyleOption(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt's name
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = elide_middle(option.font, option.text,
                                   option.rect.width() - 2 * _CELL_MARGIN)


def show_first_frame(project_path: Path | str | None, settings: Settings) -> FirstFrame | None:
    """The first frame of ``project_path`` (the sample if None), drawn; None where the
    window must ask something first, or the file cannot be glanced at."""
    if paths.is_server(project_path):
        return None
    path = Path(project_path) if project_path else paths.default_project_path()
    try:
        if not path.is_file() or lock.holder(path) is not None:
            return None
        key = str(path.resolve())
    except OSError:
        return None
    seen = glance(path, settings.coder_by_project.get(key) or settings.coder,
                  settings.last_document.get(key), LIST_ROWS)
    if seen is None:
        return None
    try:
        frame = FirstFrame(path, seen, settings)
    except Exception:  # noqa: BLE001 - a frame is a courtesy: the window opens (and says
        return None  # what is wrong with the file) whatever stopped it
    frame.show()
    deadline = time.monotonic() + _EXPOSE_WAIT_S
    window = frame.windowHandle()
    while not window.isExposed() and time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    for _settle in range(3):  # painted on its exposure; then the headline, cut for its
        QApplication.processEvents()  # final width, and the layout it moves (seen on X11)
    return frame


# -- where a window opens (the first frame and the window alike) -------------------------
_FRAME = (16, 64)  # room for the window manager's frame and title bar, and a panel


def fit_to_screen(w: QWidget) -> None:
    """At most the screen's free area, less the frame, placed inside it."""
    screen = w.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    width = min(w.width(), area.width() - _FRAME[0])
    height = min(w.height(), area.height() - _FRAME[1])
    w.resize(max(width, w.minimumSizeHint().width()), max(height, 200))
    w.move(area.left() + max(0, (area.width() - w.width() - _FRAME[0]) // 2), area.top())


def place(w: QMainWindow, settings: Settings) -> None:
    """The window's remembered size and place, or the first window's fit to the screen."""
    if settings.geometry:
        w.restoreGeometry(from_b64(settings.geometry))
    else:
        fit_to_screen(w)


def to_b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def from_b64(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text)) if text else QByteArray()
