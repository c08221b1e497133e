"""Suggestions in the article: the speaker finder's proposals (``domain.quotes``), drawn with a
dashed line in the speaker category's colour.

Enter accepts the suggestion under the cursor (or the next one after it): a speaker span
coded with origin ``speaker-finder``, so exports and the agreement report can tell it from
hand coding. Shift+Enter rejects it for the session. Both go on the undo stack. Coding
another range over a suggestion corrects it: a suggestion overlapping the coder's own
speaker span is not shown. The rules learn from no one's coding, so blind coders may use
them; a study can switch them off for its coders (``suggestions_locked``), as it locks
blind coding.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from annotator.domain.quotes import Proposal, find_speakers
from annotator.ui.coding import operations as ops
from annotator.ui.coding.commands import CodingContext

ORIGIN = "speaker-finder"
CATEGORY = "speaker"


class SuggestionContext(CodingContext, Protocol):
    """What coding needs of the window, and its one door for changes."""

    def push(self, command: Any) -> bool: ...


class SuggestionPanel:
    def __init__(self, window: SuggestionContext, parent: QWidget) -> None:
        self.w, self.parent = window, parent
        self.on = False
        self.rejected: set[tuple[int, int, int]] = set()  # (document, start, end), this session
        self._found: tuple[int, str, list[Proposal]] | None = None  # the last article's

    def set_on(self, on: bool) -> bool:
        """Show suggestions or stop; ``False`` (with the reason on the status bar) where the
        study locks them or the scheme has no speaker category."""
        project = self.w.project
        if on and project.study_setting("suggestions_locked", False):
            self.w.statusBar().showMessage("This study switches suggestions off for its "
                                           "coders.", 6000)
            on = False
        elif on and project.scheme.category(CATEGORY) is None:
            self.w.statusBar().showMessage(f"The scheme has no {CATEGORY!r} category to "
                                           f"suggest.", 6000)
            on = False
        self.on = on
        self.refresh()
        return on

    def _proposals(self) -> list[Proposal]:
        document, text = self.w.document_id, self.w.view.text
        if document is None:
            return []
        if self._found is None or self._found[:2] != (document, text):
            self._found = (document, text, find_speakers(text))
        return self._found[2]

    def shown(self) -> list[tuple[int, int]]:
        """The suggestions on screen: not rejected, not under the coder's own speakers."""
        document = self.w.document_id
        if not self.on or document is None:
            return []
        coded = [(s.start, s.end) for s in self.w.spans
                 if s.category == CATEGORY and s.coder == self.w.coder]
        return [(p.start, p.end) for p in self._proposals()
                if (document, p.start, p.end) not in self.rejected
                and not any(a < p.end and p.start < b for a, b in coded)]

    def refresh(self) -> None:
        self.w.view.set_suggestions([(a, b, CATEGORY) for a, b in self.shown()])

    def current(self) -> tuple[int, int] | None:
        """The suggestion under the cursor, else the next one after it, else the first."""
        shown = self.shown()
        if not shown:
            return None
        view = self.w.view
        at = view.offsets.to_python(view.textCursor().position())
        return next((s for s in shown if s[0] <= at < s[1]), None) or \
            next((s for s in shown if s[0] >= at), shown[0])

    def answer(self, accept: bool) -> None:
        place, document = self.current(), self.w.document_id
        if place is None or document is None:
            return
        if accept:
            self.w.push(ops.AddSpan(self.w.project, document, self.w.coder, CATEGORY, *place,
                                    origin=ORIGIN))
            return
        self.w.push(ops.RejectSuggestion(self.w.project, document, (document, *place),
                                         self.rejected, self.refresh))
