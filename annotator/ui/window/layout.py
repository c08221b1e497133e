"""The coding window's widgets and how they sit: document list | article (and the compared
coder's pane) over the spans table | codebook, selected span and variables in a scroll area.

Built in code, once; ``MainWindow`` fills the widgets from the project. Sizes are chosen
so that 1366×768 shows every field unclipped and 800×600 still leaves the article room:
the side panels collapse (View menu), the headline keeps to two lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.coding.article_view import ArticleView
from annotator.ui.coding.document_list import DocumentList
from annotator.ui.coding.forms import SpanEditor, VariablesForm
from annotator.ui.coding.looks import Headline, lay_out_now, list_table, size_span_columns
from annotator.ui.coding.scheme_panel import SchemePanel
from annotator.ui.coding.spans_model import SpansTableModel
from annotator.ui.study.compare import CompareLanes, Lane
from annotator.ui.window.first_frame import from_b64, place, to_b64
from annotator.ui.window.status_line import StatusLine

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

    from annotator.ui.window.main_window import MainWindow

MIN_PANE_CHARACTERS = 40


class WindowWidgets:
    """What ``build_widgets`` and ``build_menus`` put on the window, declared once so the
    window's parts (its mixins, the menus, the tool panels) are checked against them."""

    documents: DocumentList
    search_box: QLineEdit
    status_filter: QComboBox
    doc_table: QTableView
    header: Headline
    find_box: QLineEdit
    view: ArticleView
    compare_view: ArticleView
    view_label: QLabel
    compare_label: QLabel
    compare_box: QWidget
    lanes: CompareLanes
    spans_model: SpansTableModel
    spans_table: QTableView
    scheme_panel: SchemePanel
    span_editor: SpanEditor
    variables_form: VariablesForm
    forms_scroll: QScrollArea
    splitter: QSplitter
    left_panel: QWidget
    right_panel: QWidget
    status_line: StatusLine
    position_label: QLabel
    coder_label: QLabel
    saved_label: QLabel
    actions_by_name: dict[str, QAction]
    recent_menu: QMenu


def _pane(label: QLabel, view: ArticleView) -> QWidget:
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(label)
    layout.addWidget(view, 1)
    view.setMinimumWidth(view.fontMetrics().averageCharWidth() * MIN_PANE_CHARACTERS)
    return pane


def build_widgets(w: MainWindow) -> None:
    """The three columns side by side, the status line under them."""
    w.documents = DocumentList()
    w.search_box, w.status_filter = w.documents.search_box, w.documents.status_filter
    w.doc_table = w.documents.table
    centre = _article_column(w)
    w.left_panel, w.right_panel = w.documents, _codebook_column(w)
    w.splitter = QSplitter(Qt.Orientation.Horizontal)
    for column in (w.left_panel, centre, w.right_panel):
        w.splitter.addWidget(column)
    w.splitter.setCollapsible(1, False)
    w.splitter.setSizes([380, 640, 380])
    w.setCentralWidget(w.splitter)
    w.resize(1400, 860)
    w.status_line = StatusLine(w.statusBar())
    line = w.status_line
    w.position_label, w.coder_label, w.saved_label = (line.position_label, line.coder_label,
                                                      line.saved_label)


def _article_column(w: MainWindow) -> QSplitter:
    """The headline, the find bar and the article (beside the compared coders' panes), over
    the spans table."""
    w.header = Headline()
    w.find_box = QLineEdit(placeholderText="Find in article (Enter: next, Esc: close)")
    w.find_box.setObjectName("find")
    w.find_box.hide()
    w.view = ArticleView()
    w.compare_view = ArticleView()
    w.compare_view.setObjectName("compare")
    w.view_label, w.compare_label = QLabel(), QLabel()
    w.view_label.setObjectName("view_label")
    w.compare_label.setObjectName("compare_label")
    w.view_label.hide()
    w.compare_box = _pane(w.compare_label, w.compare_view)
    w.compare_box.hide()
    texts = QSplitter(Qt.Orientation.Horizontal)
    texts.setChildrenCollapsible(False)  # each pane keeps its 40 characters
    texts.addWidget(_pane(w.view_label, w.view))
    texts.addWidget(w.compare_box)
    w.lanes = CompareLanes(texts, w.view, _pane,
                           Lane("", w.compare_box, w.compare_label, w.compare_view))
    w.spans_model = SpansTableModel()
    w.spans_table = list_table("spans")
    w.spans_table.setModel(w.spans_model)
    for changed in (w.spans_model.modelReset, w.spans_model.rowsInserted,
                    w.spans_model.rowsRemoved):  # laid out now, not by a timer that would
        changed.connect(lambda *_: lay_out_now(w.spans_table))  # paint the table again
    size_span_columns(w.spans_table)
    article = QWidget()
    av = QVBoxLayout(article)
    av.setContentsMargins(4, 4, 4, 4)
    av.addWidget(w.header)
    av.addWidget(w.find_box)
    av.addWidget(texts, 1)
    column = QSplitter(Qt.Orientation.Vertical)
    column.addWidget(article)
    column.addWidget(w.spans_table)
    column.setSizes([600, 180])
    column.setCollapsible(0, False)
    return column


def _codebook_column(w: MainWindow) -> QSplitter:
    """The codebook over the selected span's form and the document's variables, which
    scroll so that every field is reachable at any window height."""
    w.scheme_panel = SchemePanel()
    w.span_editor = SpanEditor()
    w.variables_form = VariablesForm()
    forms = QWidget()
    fv = QVBoxLayout(forms)
    fv.setContentsMargins(0, 0, 0, 0)
    fv.addWidget(w.span_editor)
    fv.addWidget(w.variables_form)
    fv.addStretch(1)
    w.forms_scroll = QScrollArea()
    w.forms_scroll.setWidget(forms)
    w.forms_scroll.setWidgetResizable(True)
    w.forms_scroll.setFrameShape(QFrame.Shape.NoFrame)
    column = QSplitter(Qt.Orientation.Vertical)
    column.addWidget(w.scheme_panel)
    column.addWidget(w.forms_scroll)
    column.setSizes([260, 520])
    return column


def restore_layout(w: MainWindow) -> None:
    """The window's size, docks, splitter and zoom as the settings remember them; the first
    window fits the screen it opens on (a laptop's 1366×768 among them)."""
    place(w, w.settings)
    if w.settings.window_state:
        w.restoreState(from_b64(w.settings.window_state))
    if w.settings.splitter_state:
        w.splitter.restoreState(from_b64(w.settings.splitter_state))
    w.view.set_zoom(w.settings.zoom)
    w.lanes.set_zoom(w.settings.zoom)


def save_layout(w: MainWindow, in_background: bool = False) -> None:
    w.settings.geometry = to_b64(w.saveGeometry())
    w.settings.window_state = to_b64(w.saveState())
    w.settings.splitter_state = to_b64(w.splitter.saveState())
    w.settings.zoom = w.view.zoom
    w.settings.coder_by_project[w.project.key] = w.coder
    w.settings.save(in_background)  # (settings.coder changes only when the coder says so)
