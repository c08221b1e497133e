"""What the find-and-see windows (corpus search, coded segments, charts, near-duplicates,
keywords) may ask of the window they serve: besides the project and the document on screen,
the coder, the article view a hit is shown in, the spans on screen, and the few actions that
bring a document, a span or a range before the coder. The main window is the one
implementation; a window here never imports it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from annotator.ui.window.context import WindowContext

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from annotator.domain.model import Span
    from annotator.ui.coding.article_view import ArticleView
    from annotator.ui.window.navigation import NavigationPanel
    from annotator.ui.window.settings import Settings


class FindContext(WindowContext, Protocol):
    @property
    def coder(self) -> str: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def spans(self) -> list[Span]: ...
    @property
    def view(self) -> ArticleView: ...
    @property
    def navigation(self) -> NavigationPanel: ...
    def show_document(self, document_id: int | None) -> None: ...
    def select_span(self, span_id: str | None) -> None: ...
    def push(self, command: Any) -> bool: ...
    def window(self) -> QWidget: ...  # Qt's: the top-level widget the dialogs belong to
    def activateWindow(self) -> None: ...  # noqa: N802 - Qt's name
