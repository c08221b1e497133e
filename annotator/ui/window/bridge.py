"""Turns the store's change notices into a Qt signal, so any widget can refresh from them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.domain.model import Change
from annotator.storage import Project


class StoreBridge(QObject):
    sig_changed = Signal(object)  # a Change, emitted after its transaction committed

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        project.subscribe(self._on_change)

    def _on_change(self, change: Change) -> None:
        self.sig_changed.emit(change)

    def detach(self) -> None:
        self.project.unsubscribe(self._on_change)
