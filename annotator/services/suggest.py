"""How good the suggestions are, measured on the team's own coding: the speaker finder's
proposals, or a model learned from the coding (``learned``), against a coder's (or gold's)
spans of a category in the documents that coder has marked done, beside the agreement of
the coders themselves on the same category, so a team sees whether the machine is as good
as a second coder.

Spans are matched one to one by overlap (a maximum matching: one long span does not count
as three short ones), and exactly (the same start and end); precision, recall and F1 of each.
The rules learn nothing, so every done document is a test; a learned model is measured
k-fold by document: trained on the other folds, tested on each in turn.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from annotator.agreement.matching import max_matching
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Status
from annotator.domain.quotes import find_speakers
from annotator.storage import Project

Range = tuple[int, int]


@dataclass
class Scores:
    """Proposed (or one coder's) spans against reference spans, over many documents."""

    proposed: int = 0
    reference: int = 0
    overlapping: int = 0  # one-to-one matches by overlap
    exact: int = 0

    def add(self, proposed: list[Range], reference: list[Range]) -> None:
        self.proposed += len(proposed)
        self.reference += len(reference)
        self.overlapping += len(max_matching(proposed, reference))
        self.exact += len(set(proposed) & set(reference))

    def figures(self, matched: int) -> tuple[float | None, float | None, float | None]:
        """Precision, recall and F1 for ``matched`` matches (None where undefined)."""
        precision = matched / self.proposed if self.proposed else None
        recall = matched / self.reference if self.reference else None
        both = self.proposed + self.reference
        return precision, recall, (2 * matched / both if both else None)


@dataclass
class Evaluation:
    category: str
    coder: str
    documents: int
    finder: Scores
    coders: dict[tuple[str, str], tuple[int, Scores]] = field(default_factory=dict)
    by_rule: dict[str, tuple[int, int]] = field(default_factory=dict)  # rule → (proposed, hit)
    method: str = "rules"
    folds: int = 0
    train_seconds: float = 0.0  # the longest training of a fold
    propose_ms: float = 0.0  # per article, median over the test folds


def _reference_coder(project: Project, done: dict[str, set[int]], coder: str | None) -> str:
    if coder is not None:
        if coder not in done:
            raise AnnotatorError(f"{coder!r} has no document marked done (coders with done "
                                 f"documents: {', '.join(sorted(done)) or 'none'})")
        return coder
    if "gold" in done:
        return "gold"
    if len(done) == 1:
        return next(iter(done))
    raise AnnotatorError("say whose coding to measure against with --coder (coders with done "
                         f"documents: {', '.join(sorted(done)) or 'none'})")


def evaluate_speakers(project: Project, category: str = "speaker",
                      coder: str | None = None, method: str = "rules",
                      k: int = 5) -> Evaluation:
    """The speaker finder (``method`` "rules") or a model learned from the reference coding
    (``method`` "learned", k-fold by document) against ``coder``'s spans of ``category`` in
    their done documents; and every pair of coders against each other where both are done."""
    if project.scheme.category(category) is None:
        raise AnnotatorError(f"the scheme has no category {category!r} (categories: "
                             f"{', '.join(c.key for c in project.scheme.categories)})")
    if method not in ("rules", "learned"):
        raise AnnotatorError(f"method must be 'rules' or 'learned', not {method!r}")
    done: dict[str, set[int]] = defaultdict(set)
    for (document, name), status in project.statuses().items():
        if status is Status.DONE:
            done[name].add(document)
    reference = _reference_coder(project, done, coder)
    spans: dict[tuple[int, str], list[Range]] = defaultdict(list)
    documents = sorted(set().union(*done.values())) if done else []
    for span in project.iter_spans(documents):
        if span.category == category:
            spans[(span.document_id, span.coder)].append((span.start, span.end))
    result = Evaluation(category, reference, len(done[reference]), Scores(), method=method)
    texts = {d: project.document(d).text for d in sorted(done[reference])}
    if method == "rules":
        _rules(result, texts, spans)
    else:
        _learned(result, texts, spans, k)
    for a, b in combinations(sorted(done), 2):
        both = sorted(done[a] & done[b])
        if both:
            scores = Scores()
            for document in both:
                scores.add(spans[(document, a)], spans[(document, b)])
            result.coders[(a, b)] = (len(both), scores)
    return result


def _rules(result: Evaluation, texts: dict[int, str],
           spans: dict[tuple[int, str], list[Range]]) -> None:
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for document, text in texts.items():
        proposals = find_speakers(text)
        gold = spans[(document, result.coder)]
        result.finder.add([(p.start, p.end) for p in proposals], gold)
        for p in proposals:
            hits[p.rule][0] += 1
            hits[p.rule][1] += any(a < p.end and p.start < b for a, b in gold)
    result.by_rule = {rule: (n, hit) for rule, (n, hit) in sorted(hits.items())}


def _learned(result: Evaluation, texts: dict[int, str],
             spans: dict[tuple[int, str], list[Range]], k: int) -> None:
    from annotator.services.learned import folds, train

    documents = sorted(texts)
    if len(documents) < k:
        raise AnnotatorError(f"{len(documents)} done documents: {k}-fold needs at least {k}")
    result.folds = k
    times: list[float] = []
    for test in folds(documents, k):
        held = set(test)
        started = time.perf_counter()
        model = train([(texts[d], spans[(d, result.coder)]) for d in documents
                       if d not in held], result.category)
        result.train_seconds = max(result.train_seconds, time.perf_counter() - started)
        for document in test:
            started = time.perf_counter()
            proposed = model.propose(texts[document])
            times.append(time.perf_counter() - started)
            result.finder.add(proposed, spans[(document, result.coder)])
    times.sort()
    result.propose_ms = times[len(times) // 2] * 1000 if times else 0.0
