"""Moving about the window from the keyboard: zoom, the find bar, focus between the
article, the selected span's fields, the document variables and the document list, and
stepping through the article's spans. A panel given a ``NavigationContext``, not the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import QLineEdit, QWidget

from annotator.ui.window.context import WindowContext

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea, QTableView

    from annotator.domain.model import Span
    from annotator.ui.coding.article_view import ArticleView
    from annotator.ui.coding.forms import SpanEditor, VariablesForm
    from annotator.ui.window.settings import Settings


class Zooms(Protocol):
    """The compared coders' panes, zoomed with the article."""

    def set_zoom(self, steps: int) -> None: ...


class RemembersPlace(Protocol):
    """The session, which stores the window's place (zoom, document) after a pause."""

    def place_changed(self) -> None: ...


class NavigationContext(WindowContext, Protocol):
    """What moving about needs of the window: its views and forms, the spans on screen,
    the settings and session that remember the zoom, and choosing a span's row."""

    @property
    def view(self) -> ArticleView: ...
    @property
    def lanes(self) -> Zooms: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def session(self) -> RemembersPlace: ...
    @property
    def find_box(self) -> QLineEdit: ...
    @property
    def span_editor(self) -> SpanEditor: ...
    @property
    def variables_form(self) -> VariablesForm: ...
    @property
    def forms_scroll(self) -> QScrollArea: ...
    @property
    def doc_table(self) -> QTableView: ...
    @property
    def spans(self) -> list[Span]: ...
    @property
    def selected_span_id(self) -> str | None: ...
    def choose_span_row(self, row: int) -> None: ...


class NavigationPanel:
    def __init__(self, window: NavigationContext) -> None:
        self.w = window

    def connect(self, panes: tuple[QWidget, ...]) -> None:
        """Its keys: Enter and Esc in the find bar, Esc in any of ``panes`` back to the
        article, and the article's ] and [. Each Esc only where its widget has focus
        (several window-wide ones would be ambiguous: none would fire)."""
        self.w.find_box.returnPressed.connect(self.find_next_and_return)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.w.find_box, self.close_find
                  ).setContext(Qt.ShortcutContext.WidgetShortcut)
        for pane in panes:
            QShortcut(QKeySequence(Qt.Key.Key_Escape), pane, self.focus_article
                      ).setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.w.view.sig_step_span_requested.connect(self.step_span)

    # -- zoom and find -------------------------------------------------------------------
    def zoom(self, step: int) -> None:
        steps = 0 if step == 0 else self.w.view.zoom + step
        self.w.view.set_zoom(steps)
        self.w.lanes.set_zoom(steps)
        self.w.settings.zoom = self.w.view.zoom
        self.w.session.place_changed()

    def show_find(self) -> None:
        self.w.find_box.show()
        self.w.find_box.setFocus()
        self.w.find_box.selectAll()

    def find_next(self) -> bool:
        needle = self.w.find_box.text()
        if not needle:
            return False
        view = self.w.view
        found = view.find(needle)
        if not found:  # wrap around once
            cursor = view.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            view.setTextCursor(cursor)
            found = view.find(needle, QTextDocument.FindFlag(0))
        self.w.statusBar().showMessage("" if found else f"“{needle}” not found", 3000)
        return found

    def find_next_and_return(self) -> None:
        """Enter in the find bar: find, and give the keyboard back to the article, so the
        found words can be coded at once (F3 finds the next)."""
        if self.find_next():
            self.w.view.setFocus()

    def close_find(self) -> None:
        self.w.find_box.hide()
        self.w.view.setFocus()

    # -- keyboard focus ------------------------------------------------------------------
    def focus_article(self) -> None:
        self.w.view.setFocus()

    def focus_span_editor(self) -> None:
        field = self.w.span_editor.first_field()
        if field is None:
            self.w.statusBar().showMessage("Select a span first (Ctrl+] moves to the next).",
                                           4000)
            return
        self._focus_field(field)

    def focus_variables(self) -> None:
        field = self.w.variables_form.first_field()
        if field is not None:
            self._focus_field(field)

    def _focus_field(self, field: Any) -> None:
        """As Tab does: the field scrolled into view and, for text, all of it selected, so
        typing replaces it instead of adding to it."""
        self.w.forms_scroll.ensureWidgetVisible(field)
        field.setFocus(Qt.FocusReason.TabFocusReason)
        if isinstance(field, QLineEdit):
            field.selectAll()

    def focus_documents(self) -> None:
        self.w.doc_table.setFocus()

    def step_span(self, step: int) -> None:
        """Select the next (or previous) span in text order; it scrolls into view."""
        if not self.w.spans:
            return
        ids = [s.id for s in self.w.spans]
        if self.w.selected_span_id in ids:
            position = (ids.index(self.w.selected_span_id) + step) % len(ids)
        else:
            position = 0 if step > 0 else len(ids) - 1
        self.w.choose_span_row(position)
        self.w.view.setFocus()
