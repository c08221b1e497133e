"""Corpus search and auto-coding: keyword-in-context lines for a query, and spans proposed
from them for a coder to review before they are added.

What ``annotator search`` and ``annotator autocode`` print and what Tools → Search corpus
shows come from here. Documents come from the FTS5 index; the matches' offsets and their
context from ``domain.corpus_query``; proposed spans snap to whole words as a coder's
selection does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.corpus_query import Query, context, parse
from annotator.domain.errors import Cancelled, ProjectError
from annotator.domain.text import snap_to_words
from annotator.storage import Project

LIMIT = 5000  # keyword-in-context lines read at most; the documents are still all counted
PAGE = 1000  # what the window reads at first (in well under 100 ms); "Read all" for the rest
SORTS = ("document", "date", "outlet", "left", "right")


@dataclass(frozen=True)
class Hit:
    """One match: where it is, and the text around it on one line."""

    document_id: int
    title: str
    date: str | None
    outlet: str | None
    start: int
    end: int
    left: str
    match: str
    right: str
    left_word: str
    right_word: str


@dataclass
class SearchResult:
    query: Query
    hits: list[Hit]
    documents: int  # documents that match, all of them
    per_document: Counter[int] = field(default_factory=Counter)  # matches, of those read
    truncated: bool = False  # more lines than ``limit``: the rest was not read

    @property
    def documents_read(self) -> int:
        return len(self.per_document)


def sort_hits(hits: list[Hit], by: str) -> list[Hit]:
    key: Callable[[Hit], Any] = {
        "document": lambda h: (h.document_id, h.start),
        "date": lambda h: (h.date or "", h.document_id, h.start),
        "outlet": lambda h: ((h.outlet or "").casefold(), h.document_id, h.start),
        "left": lambda h: (h.left_word, h.document_id, h.start),
        "right": lambda h: (h.right_word, h.document_id, h.start),
    }[by]
    return sorted(hits, key=key)


def search(project: Project, text: str, *, coder: str | None = None, limit: int = LIMIT,
           width: int = 60, progress: Callable[[int, int], None] | None = None,
           cancelled: Callable[[], bool] | None = None) -> SearchResult:
    """Every match of ``text`` (a query) in the documents ``coder`` may see, up to ``limit``
    lines, by document then position. Raises ``QueryError`` for a query it cannot read;
    ``progress(documents read, documents)``; ``cancelled()`` true stops with ``Cancelled``."""
    query = parse(text)
    result = SearchResult(query, [], project.count_matching(query, coder))
    for doc_id, title, date, outlet, body in project.matching_documents(query, coder):
        if len(result.per_document) % 200 == 0:
            if cancelled and cancelled():
                raise Cancelled()
            if progress:
                progress(len(result.per_document), result.documents)
        found = query.matches(body)
        result.per_document[doc_id] = len(found)
        for start, end in found:
            if len(result.hits) >= limit:
                result.truncated = True
                return result
            c = context(body, start, end, width)
            result.hits.append(Hit(doc_id, title, date, outlet, start, end, c.left, c.match,
                                   c.right, c.left_word, c.right_word))
    return result


# -- auto-coding -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    """A span auto-coding would add; ``exists`` if the coder already has that very span."""

    document_id: int
    start: int
    end: int
    text: str
    exists: bool


def proposals(project: Project, hits: list[Hit], coder: str, category: str,
              label: str | None = None) -> list[Proposal]:
    """One proposed span per match, widened to whole words; the same span twice is one, and
    a span the coder already has (same place, category and label) is marked ``exists``."""
    if project.scheme.category(category) is None:
        raise ProjectError(f"category {category!r} is not in the coding scheme")
    by_document: dict[int, list[Hit]] = {}
    for h in hits:
        by_document.setdefault(h.document_id, []).append(h)
    out: list[Proposal] = []
    for doc_id, text in project.texts(list(by_document)):
        have = {(s.start, s.end) for s in project.spans(doc_id, coder)
                if s.category == category and s.label == label}
        seen: set[tuple[int, int]] = set()
        for h in sorted(by_document[doc_id], key=lambda h: h.start):
            start, end = snap_to_words(text, h.start, h.end)
            if (start, end) in seen or start >= end:
                continue
            seen.add((start, end))
            out.append(Proposal(doc_id, start, end, text[start:end], (start, end) in have))
    return out


def places(chosen: list[Proposal]) -> list[tuple[int, int, int]]:
    """The ``(document_id, start, end)`` of the proposals to add: new ones only."""
    return [(p.document_id, p.start, p.end) for p in chosen if not p.exists]
