"""Suggestions in the article: the speaker finder's proposals (``domain.quotes``), or those of
models learned from the team's coding (``services.learned``: one for every category with 50
coded spans, trained on a worker thread and again after every ten new spans), drawn with a
dashed line in their category's colour. A blind coder's models learn from their own done
documents only, never another coder's.

Enter accepts the suggestion under the cursor (or the next one after it): a span of its
category coded with origin ``speaker-finder`` or ``learned``, so exports and the agreement
report can tell it from hand coding. Shift+Enter rejects it for the session. Both go on the
undo stack. Coding another range over a suggestion corrects it: a suggestion overlapping the
coder's own span of its category is not shown. The rules learn from no one's coding, so
blind coders may use them; a study can switch them off for its coders
(``suggestions_locked``), as it locks blind coding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QWidget

from annotator.ui.coding import operations as ops
from annotator.ui.coding.commands import CodingContext

if TYPE_CHECKING:  # the finder and the models load when first asked for, not at start
    from annotator.domain.quotes import Proposal
    from annotator.services.learned import Model
    from annotator.ui.window.dialogs import Job

ORIGIN = "speaker-finder"
LEARNED = "learned"  # the origin of a span accepted from the learned model
CATEGORY = "speaker"
RETRAIN_AFTER = 10  # new spans of the coder's before the models learn again
Suggested = tuple[int, int, str]  # start, end, category


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
        self._found: tuple[int, str, list[Proposal], list[Suggested]] | None = None
        self.learned = False  # the model's proposals instead of the rules'
        self.models: dict[str, Model] = {}  # category → its learned model
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
        """The finder's proposals in the article on screen (with their quotes)."""
        self._suggested()
        return self._found[2] if self._found else []

    def _suggested(self) -> list[Suggested]:
        """Every suggestion in the article on screen, of any category, in text order."""
        document, text = self.w.document_id, self.w.view.text
        if document is None:
            return []
        if self._found is None or self._found[:2] != (document, text):
            from annotator.domain.quotes import find_speakers

            found = [] if self.learned else find_speakers(text)
            suggested = [(p.start, p.end, CATEGORY) for p in found]
            if self.learned:
                suggested = sorted((a, b, category) for category, model in self.models.items()
                                   for a, b in model.propose(text))
            self._found = (document, text, found, suggested)
        return self._found[3]

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

        def task(project: Any, _progress: Any, _cancelled: Any
                 ) -> tuple[dict[str, Model], list[int]]:
            from annotator.services.learned import least_sure, train_all

            models = train_all(project, coder, blind)
            return models, least_sure(project, models, coder)

        from annotator.ui.window.dialogs import Job

        self._job = Job(self.w.project.location, task)
        self._job.finished.connect(self._trained)
        self.w.statusBar().showMessage("Learning from the coding…", 3000)
        self._job.start()

    def _trained(self) -> None:
        job = self._job
        assert job is not None
        if job.error:
            self.w.statusBar().showMessage(f"No learned suggestions: {job.error}.", 8000)
        else:
            self.models, self.uncertain = job.result
            said = ", ".join(f"{m.trained_on} {key}" for key, m in self.models.items())
            self.w.statusBar().showMessage(f"Suggestions learned from {said} spans.", 5000)
        self._found = None
        self.refresh()
        if self._again:
            self._again = False
            self.train()

    def next_uncertain(self) -> None:
        """Open the uncoded document the model is least sure of (outside the reliability
        sample): the coding that teaches it most."""
        if not self.models:
            self.w.statusBar().showMessage("Turn on Coding → …learned from the coding first; "
                                           "the order comes from its models.", 6000)
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
        """The coder's own new spans: after ``RETRAIN_AFTER``, the models learn again."""
        if self.learned and kind == "span_added" and coder == self.w.coder:
            self._new += 1
            if self._new >= RETRAIN_AFTER:
                self._new = 0
                self.train()

    def shown(self) -> list[Suggested]:
        """The suggestions on screen: not rejected, not under the coder's own span of their
        category."""
        document = self.w.document_id
        if not self.on or document is None:
            return []
        coded = [(s.start, s.end, s.category) for s in self.w.spans if s.coder == self.w.coder]
        return [(a, b, c) for a, b, c in self._suggested()
                if (document, a, b) not in self.rejected
                and not any(s < b and a < e and k == c for s, e, k in coded)]

    def refresh(self) -> None:
        self.w.view.set_suggestions(self.shown())

    def current(self) -> Suggested | None:
        """The suggestion under the cursor, else the next one after it, else the first."""
        shown = self.shown()
        if not shown:
            return None
        view = self.w.view
        at = view.offsets.to_python(view.textCursor().position())
        return next((s for s in shown if s[0] <= at < s[1]), None) or \
            next((s for s in shown if s[0] >= at), shown[0])

    def _quote_attribute(self, place: Suggested) -> dict[str, Any]:
        """Where the finder saw a quote with the speaker and the category has a boolean
        attribute for it (the default scheme's ``direct_quote``), that attribute, set."""
        proposal = next((p for p in self._proposals() if (p.start, p.end) == place[:2]), None)
        category = self.w.project.scheme.category(place[2])
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
            start, end, category = place
            command = ops.AddSpan(self.w.project, document, self.w.coder, category, start, end,
                                  attributes=self._quote_attribute(place) or None,
                                  origin=LEARNED if self.learned else ORIGIN)
            # selected, as a span coded by hand is: Ctrl+2 goes on to its fields
            previous, self.w.selected_span_id = self.w.selected_span_id, command.span_id
            if not self.w.push(command):
                self.w.selected_span_id = previous
            return
        self.w.push(ops.RejectSuggestion(self.w.project, document, (document, *place[:2]),
                                         self.rejected, self.refresh))
