"""What the link to a lab server may ask of the window it serves: the store's change signal
to pass others' changes on, the document list and the coding on screen to refresh once the
server is back, the status line to say what waits, and the undo stack that kept actions join
when they are saved. The main window is the one implementation; the link never imports it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from annotator.ui.window.context import WindowContext

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from annotator.ui.coding.document_list import DocumentList
    from annotator.ui.window.bridge import StoreBridge
    from annotator.ui.window.status_line import StatusLine


class ServerContext(WindowContext, Protocol):
    @property
    def bridge(self) -> StoreBridge: ...
    @property
    def documents(self) -> DocumentList: ...
    @property
    def status_line(self) -> StatusLine: ...
    def refresh_coding(self) -> None: ...
    def window(self) -> QWidget: ...  # Qt's: the top-level widget its messages belong to
