"""What every panel may ask of the window it works in: the project, the coder whose work is
shown, the document on screen, the undo stack and the status bar. Each panel's own context
(``CodingContext``, ``StudyContext``, …) adds what that panel needs; the main window is the
one implementation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QStatusBar

    from annotator.storage import Project


class WindowContext(Protocol):
    @property
    def project(self) -> Project: ...
    @property
    def document_id(self) -> int | None: ...
    @property
    def undo_stack(self) -> QUndoStack: ...
    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt's name
