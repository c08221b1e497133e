"""Who codes in this window: switching the coder (one coder's undo never touches another's
work; a package is its coder's, and coding in it under another name is asked and recorded;
on a server one codes as one's role), and blind coding. A panel given a ``CoderContext``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.services.actions import GOLD
from annotator.ui.window.context import WindowContext

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from annotator.ui.coding.document_model import DocumentListModel
    from annotator.ui.study.compare import CompareLanes
    from annotator.ui.window.settings import Settings


class CoderContext(WindowContext, Protocol):
    """What switching coders needs of the window: whose work it shows (which the panel
    changes), where that is remembered, and what must follow the change."""

    coder: str
    compare_coder: str | None

    @property
    def settings(self) -> Settings: ...
    @property
    def role_coder(self) -> str | None: ...
    @property
    def package_coder(self) -> str | None: ...
    @property
    def blind_locked(self) -> bool: ...
    @property
    def blind(self) -> bool: ...
    @property
    def lanes(self) -> CompareLanes: ...
    @property
    def doc_model(self) -> DocumentListModel: ...
    @property
    def actions_by_name(self) -> dict[str, QAction]: ...
    def flush_edits(self) -> None: ...
    def show_document(self, document_id: int | None) -> None: ...
    def refresh_coding(self) -> None: ...
    def update_status_bar(self) -> None: ...
    def blind_key(self) -> str: ...


class CoderPanel:
    def __init__(self, window: CoderContext, parent: QWidget) -> None:
        self.w, self.parent = window, parent

    def switch_coder(self, name: str | None = None) -> None:
        self.w.flush_edits()  # what was typed is the current coder's
        if self.w.role_coder:
            QMessageBox.information(self.parent, "Switch coder", f"On this server you code as "
                                    f"{self.w.role_coder}, the role you connected as. Another "
                                    f"coder connects as their own role.")
            return
        if self.w.package_coder and self.w.blind_locked:
            QMessageBox.information(self.parent, "Switch coder",
                                    f"This is {self.w.package_coder}'s "
                                    f"package, for blind coding: everything coded in it is "
                                    f"{self.w.package_coder}'s. Another coder codes in their "
                                    f"own package.")
            return
        from annotator.ui.window.dialogs import ask_coder

        name = name or ask_coder(self.parent, self.w.project.coders(), self.w.coder)
        if not name or name == self.w.coder:
            return
        if self.w.package_coder and not self._code_in_package_as(name):
            return
        if not self.w.project.read_only:
            self.w.project.add_coder(name)
        self.w.coder = name
        self.w.settings.coder_by_project[self.w.project.key] = name
        if name != GOLD and not self.w.package_coder:  # your name, not a role you take
            self.w.settings.coder = name
        self.w.settings.save()
        self.w.undo_stack.clear()  # one coder's undo must not touch another's work
        if name in self.w.lanes.coders:
            self.w.lanes.set_coders([c for c in self.w.lanes.coders if c != name])
            self.w.compare_coder = self.w.lanes.coders[0] if self.w.lanes.coders else None
        self.w.doc_model.set_coder(name)
        self.w.actions_by_name["blind"].setChecked(self.w.blind)
        self.w.show_document(self.w.document_id)

    def _code_in_package_as(self, name: str) -> bool:
        """An explicit choice to code in someone's package under another name, asked and
        written into the package (a merge lists that work apart)."""
        answer = QMessageBox.question(
            self.parent, "Code under another name?", f"This is {self.w.package_coder}'s "
            f"package. Code in it as {name}? The change is recorded in the package, and a "
            f"merge will list {name}'s work from it for the coordinator to settle.")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        log = list(self.w.project.study_setting("coder_changes", []))
        log.append({"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "from": self.w.coder, "to": name})
        self.w.project.set_study_setting("coder_changes", log)
        return True

    def set_blind(self, blind: bool) -> None:
        self.w.settings.blind_by_project[self.w.blind_key()] = blind
        self.w.settings.save()
        self.w.refresh_coding()
        self.w.update_status_bar()
