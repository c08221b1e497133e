"""The status bar's three permanent labels: where the coder is in the list (and how many
documents they have done), who codes in which mode, and the promise that what is on screen
is stored ("✓ saved" only when it is)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QStatusBar

from annotator.domain.model import Status

if TYPE_CHECKING:
    from annotator.storage import Project
    from annotator.ui.coding.document_model import DocumentListModel

# changes that never move how many documents a coder has done
_KEEPS_STATUSES = ("span_added", "span_changed", "span_removed", "variable_set", "memo_set")

_SAVED = {"saved": ("✓ saved", ""),
          "saving": ("● saving…", ""),  # a millisecond, as a rule: no colour to flash
          "editing": ("● typing — saved in a moment", "#9a6700"),
          "failed": ("✗ NOT SAVED: {reason}", "#c00000"),
          "waiting": ("✗ not saved — reconnecting ({reason})", "#c00000")}


class StatusLine:
    def __init__(self, bar: QStatusBar) -> None:
        self.position_label, self.coder_label, self.saved_label = QLabel(), QLabel(), QLabel()
        self.saved_label.setObjectName("saved")
        # as wide as either of the two states every action passes through: switching
        # between them lays out nothing else in the bar
        metrics = self.saved_label.fontMetrics()
        self.saved_label.setMinimumWidth(max(metrics.horizontalAdvance(_SAVED[state][0])
                                             for state in ("saved", "saving")))
        for label in (self.position_label, self.coder_label, self.saved_label):
            bar.addPermanentWidget(label)
        self._total_for: Project | None = None  # whose documents were counted
        self._total = self._done = 0
        self._done_for: tuple[Project, str] | None = None  # whose "done" was counted

    def show_saved(self, state: str, reason: str = "") -> None:
        """``saved``, ``saving`` (the disk has not yet confirmed it), ``editing``, ``failed``
        or ``waiting`` (for the server), with why."""
        text, colour = _SAVED[state]
        text = text.format(reason=reason)
        self.saved_label.setText(text.splitlines()[0] if text else text)
        style = f"color: {colour}; font-weight: bold" if colour else ""
        if self.saved_label.styleSheet() != style:  # each change of style polishes anew
            self.saved_label.setStyleSheet(style)
        self.saved_label.setToolTip(reason)

    def changed(self, kind: str) -> None:
        """A change of this kind was stored: forget the counts it can move."""
        if kind == "documents_imported":
            self._total_for = None
        if kind not in _KEEPS_STATUSES:
            self._done_for = None

    def show_place(self, project: Project, coder: str, model: DocumentListModel,
                   document_id: int | None) -> None:
        """Where the coder is in the list, and how many documents they have done: two
        counts kept between changes (each costs milliseconds at 100,000 documents), and
        indexed lookups."""
        if self._total_for is not project:
            self._total, self._total_for = project.document_count(), project
        if self._done_for != (project, coder):
            self._done, self._done_for = project.count_status(coder, Status.DONE), (project,
                                                                                   coder)
        position = model.position_of(document_id) if document_id is not None else None
        shown = self._total if model.partial else len(model.ids)  # the rest is coming
        where = f"Document {position + 1} of {shown}" if position is not None else "No document"
        if shown != self._total:
            where += f" (filtered from {self._total})"
        if model.pending:
            where += " · filtering…"
        self.position_label.setText(f"{where} · {self._done} done")

    def show_coder(self, coder: str, mode: str, package: bool) -> None:
        """Who codes, in which mode (blind, all coders, comparing), in whose package."""
        package_note = f", {coder}'s package" if package else ""
        self.coder_label.setText(f"Coder: {coder} ({mode}{package_note})")
