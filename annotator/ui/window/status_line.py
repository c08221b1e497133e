"""The status bar's three permanent labels: where the coder is in the list, who codes in
which mode, and the promise that what is on screen is stored ("✓ saved" only when it is)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

_SAVED = {"saved": ("✓ saved", ""),
          "editing": ("● typing — saved in a moment", "#9a6700"),
          "failed": ("✗ NOT SAVED: {reason}", "#c00000"),
          "waiting": ("✗ not saved — reconnecting ({reason})", "#c00000")}


class StatusLine:
    def __init__(self, bar: QStatusBar) -> None:
        self.position_label, self.coder_label, self.saved_label = QLabel(), QLabel(), QLabel()
        self.saved_label.setObjectName("saved")
        for label in (self.position_label, self.coder_label, self.saved_label):
            bar.addPermanentWidget(label)

    def show_saved(self, state: str, reason: str = "") -> None:
        """``saved``, ``editing``, ``failed`` or ``waiting`` (for the server), with why."""
        text, colour = _SAVED[state]
        text = text.format(reason=reason)
        self.saved_label.setText(text.splitlines()[0] if text else text)
        self.saved_label.setStyleSheet(f"color: {colour}; font-weight: bold" if colour else "")
        self.saved_label.setToolTip(reason)

    def show_place(self, position: int | None, shown: int, total: int, done: int,
                   filtering: bool) -> None:
        where = f"Document {position + 1} of {shown}" if position is not None else "No document"
        if shown != total:
            where += f" (filtered from {total})"
        if filtering:
            where += " · filtering…"
        self.position_label.setText(f"{where} · {done} done")

    def show_coder(self, coder: str, mode: str, package: bool) -> None:
        """Who codes, in which mode (blind, all coders, comparing), in whose package."""
        package_note = f", {coder}'s package" if package else ""
        self.coder_label.setText(f"Coder: {coder} ({mode}{package_note})")
