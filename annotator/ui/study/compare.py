"""Compare mode's lanes: one read-only article pane per compared coder, beside the coder's
own, each labelled with its coder, all scrolling together, each at least 40 characters wide.

A span is drawn with a wavy red underline where it has no exact match (category, label,
start, end) in the other side's work: in a lane, against the coder's own spans; in the
coder's own pane, against any compared coder.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QWidget

from annotator.domain.model import Document, Span
from annotator.domain.scheme import CodingScheme
from annotator.storage import Project
from annotator.ui.coding.article_view import ArticleView


@dataclass
class Lane:
    coder: str
    box: QWidget
    label: QLabel
    view: ArticleView


def unmatched(mine: list[Span], theirs: list[Span]) -> set[str]:
    keys = {(s.category, s.label, s.start, s.end) for s in theirs}
    return {s.id for s in mine if (s.category, s.label, s.start, s.end) not in keys}


class CompareLanes(QObject):
    sig_span_clicked = Signal(str, object)  # coder, span id (or None)

    def __init__(self, splitter: QSplitter, main_view: ArticleView,
                 make_pane: object, first: Lane) -> None:
        super().__init__(splitter)
        self.splitter, self.main_view, self.make_pane = splitter, main_view, make_pane
        self.lanes: list[Lane] = []
        self._syncing = False
        self._follow(main_view)
        self._adopt(first)
        self.coders: list[str] = []

    def _follow(self, view: ArticleView) -> None:
        view.verticalScrollBar().valueChanged.connect(lambda value, v=view: self._scrolled(v))

    def _scrolled(self, source: ArticleView) -> None:
        """Every shown view follows the one scrolled, by proportion. A flag, not blocked
        signals: the scroll area moves its text on its bar's signal, so a bar moved with
        its signals blocked moved without its text (and painted two positions at once)."""
        if self._syncing:
            return
        bar = source.verticalScrollBar()
        share = bar.value() / bar.maximum() if bar.maximum() > 0 else 0.0
        self._syncing = True
        try:
            for view in [self.main_view, *(lane.view for lane in self.lanes if lane.coder)]:
                if view is not source and view.isVisible():
                    other = view.verticalScrollBar()
                    other.setValue(round(share * other.maximum()))
        finally:
            self._syncing = False

    def _adopt(self, lane: Lane) -> None:
        self._follow(lane.view)
        lane.view.sig_span_clicked.connect(
            lambda span_id, lane=lane: self.sig_span_clicked.emit(lane.coder, span_id))
        lane.view.set_zoom(self.main_view.zoom)
        self.lanes.append(lane)

    def set_coders(self, coders: list[str]) -> None:
        self.coders = list(coders)
        while len(self.lanes) < len(coders):
            label = QLabel()
            view = ArticleView()
            view.setObjectName(f"compare{len(self.lanes)}")
            box = self.make_pane(label, view)  # type: ignore[operator]
            self.splitter.addWidget(box)
            self._adopt(Lane("", box, label, view))
        for i, lane in enumerate(self.lanes):
            lane.coder = coders[i] if i < len(coders) else ""
            lane.box.setVisible(i < len(coders))

    def set_document(self, document: Document | None) -> None:
        for lane in self.lanes:  # a hidden lane, empty already, is left as it is
            if lane.coder or lane.view.text:
                lane.view.set_document(document if lane.coder else None)

    def refresh(self, project: Project, document_id: int, mine: list[Span],
                scheme: CodingScheme, selected: str | None) -> set[str]:
        """Fill every lane; the ids of my spans that some compared coder lacks."""
        mine_different: set[str] = set()
        for lane in self.lanes:
            if not lane.coder:
                continue
            theirs = project.spans(document_id, lane.coder)
            mine_different |= unmatched(mine, theirs)
            lane.view.set_spans(theirs, scheme, selected, unmatched(theirs, mine))
            lane.label.setText(f"<b>{html.escape(lane.coder)}</b> — {len(theirs)} spans; "
                               f"wavy red: no exact match")
        return mine_different

    def select(self, span_id: str | None) -> None:
        for lane in self.lanes:
            if lane.coder:
                lane.view.select_span(span_id)

    def set_zoom(self, steps: int) -> None:
        for lane in self.lanes:
            lane.view.set_zoom(steps)
