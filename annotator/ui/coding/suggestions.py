"""Suggestions in the article: the speaker finder's proposals (``domain.quotes``), or those of
a model learned from the team's coding (``services.learned``, trained on a worker thread and
again after every ten new speaker spans), drawn with a dashed line in the speaker colour.
A blind coder's model learns from their own done documents only, never another coder's.

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
from annotator.services.learned import Model, coded_examples, least_sure, train
from annotator.ui.coding import operations as ops
from annotator.ui.coding.commands import CodingContext
from annotator.ui.window.dialogs import Job

ORIGIN = "speaker-finder"
LEARNED = "learned"  # the origin of a span accepted from the learned model
CATEGORY = "speaker"
RETRAIN_AFTER = 10  # new speaker spans of the coder's before the model learns again


class SuggestionContext(CodingContext, Protocol):
    """What coding needs of the window, its one door for changes, and blind coding."""

    @property
    def blind(self) -> bool: ...
    def push(self, command: Any) -> bool: ...


class SuggestionPanel:
    def __init__(self, window: SuggestionContext, parent: QWidget) -> None:
        self.w, self.parent = window, parent
        self.on = False
        self.rejected: set[tuple[int, int, int]] = set()  # (document, start, end), this session
        self._found: tuple[int, str, list[Proposal]] | None = None  # the last article's
        self.learned = False  # the model's proposals instead of the rules'
        self.model: Model | None = None
        self._job: Job | None = None
        self._again = False  # the coding changed while the model was learning
        self._new = 0  # the coder's speaker spans since the model last learned
        self.uncertain: list[int] = []  # uncoded documents, the model's least sure first

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
            if self.learned and self.model is not None:
                found = [Proposal(a, b, LEARNED) for a, b in self.model.propose(text)]
            else:
                found = [] if self.learned else find_speakers(text)
            self._found = (document, text, found)
        return self._found[2]

    # -- the learned model -------------------------------------------------------------
    def set_learned(self, on: bool) -> None:
        """Proposals from a model of the coding (it learns now, on a worker thread) or, off,
        from the rules."""
        self.learned, self._found = on, None
        if on:
            self.train()
        self.refresh()

    def train(self) -> None:
        if self._job is not None and self._job.isRunning():
            self._again = True
            return
        coder, blind = self.w.coder, self.w.blind

        def task(project: Any, _progress: Any, _cancelled: Any) -> tuple[Model, list[int]]:
            model = train(coded_examples(project, coder, blind), CATEGORY)
            return model, least_sure(project, model, coder)

        self._job = Job(self.w.project.location, task)
        self._job.finished.connect(self._trained)
        self.w.statusBar().showMessage("Learning speakers from the coding…", 3000)
        self._job.start()

    def _trained(self) -> None:
        job = self._job
        assert job is not None
        if job.error:
            self.w.statusBar().showMessage(f"No learned suggestions: {job.error}.", 8000)
        else:
            self.model, self.uncertain = job.result
            self.w.statusBar().showMessage(f"Suggestions learned from {self.model.trained_on} "
                                           f"speaker spans.", 5000)
        self._found = None
        self.refresh()
        if self._again:
            self._again = False
            self.train()

    def next_uncertain(self) -> None:
        """Open the uncoded document the model is least sure of (outside the reliability
        sample): the coding that teaches it most."""
        if self.model is None:
            self.w.statusBar().showMessage("Turn on Coding → …learned from the coding first; "
                                           "the order comes from its model.", 6000)
            return
        started = {d for (d, c) in self.w.project.statuses() if c == self.w.coder}
        while self.uncertain and (self.uncertain[0] in started
                                  or self.uncertain[0] == self.w.document_id):
            self.uncertain.pop(0)
        if not self.uncertain:
            self.w.statusBar().showMessage("No uncoded document left in the model's order.",
                                           6000)
            return
        self.w.show_document(self.uncertain.pop(0))

    def changed(self, kind: str, coder: str | None) -> None:
        """The coder's own new speaker spans: after ``RETRAIN_AFTER``, the model learns again."""
        if self.learned and kind == "span_added" and coder == self.w.coder:
            self._new += 1
            if self._new >= RETRAIN_AFTER:
                self._new = 0
                self.train()

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

    def _quote_attribute(self, place: tuple[int, int]) -> dict[str, Any]:
        """Where the finder saw a quote with the speaker and the category has a boolean
        attribute for it (the default scheme's ``direct_quote``), that attribute, set."""
        proposal = next((p for p in self._proposals() if (p.start, p.end) == place), None)
        category = self.w.project.scheme.category(CATEGORY)
        if proposal is None or proposal.quote is None or category is None:
            return {}
        quoted = next((a.key for a in category.attributes
                       if a.type == "boolean" and "quote" in a.key), None)
        return {quoted: True} if quoted else {}

    def answer(self, accept: bool) -> None:
        place, document = self.current(), self.w.document_id
        if place is None or document is None:
            return
        if accept:
            self.w.push(ops.AddSpan(self.w.project, document, self.w.coder, CATEGORY, *place,
                                    attributes=self._quote_attribute(place) or None,
                                    origin=LEARNED if self.learned else ORIGIN))
            return
        self.w.push(ops.RejectSuggestion(self.w.project, document, (document, *place),
                                         self.rejected, self.refresh))
