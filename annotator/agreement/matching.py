"""Matching two coders' spans: exact, any-overlap and one-to-one overlap, and span F1.

F1 is symmetric in the two coders (precision of one is recall of the other). One-to-one
matching is a maximum matching between overlapping spans, so one long span cannot count as
agreeing with three short ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.agreement.result import Coefficient

Range = tuple[int, int]


def overlap_neighbours(a: Sequence[Range], b: Sequence[Range]) -> list[list[int]]:
    """For each range of ``a``, the indices of ``b`` it overlaps, largest overlap first."""
    result = []
    for start, end in a:
        found = [(min(end, e) - max(start, s), j) for j, (s, e) in enumerate(b)
                 if s < end and start < e]
        found.sort(reverse=True)
        result.append([j for _, j in found])
    return result


def max_matching(a: Sequence[Range], b: Sequence[Range],
                 neighbours: list[list[int]] | None = None) -> list[tuple[int, int]]:
    """Index pairs of a maximum one-to-one matching of overlapping ranges (Kuhn's method),
    preferring the larger overlap when several are possible."""
    if neighbours is None:
        neighbours = overlap_neighbours(a, b)
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in neighbours[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(a)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


@dataclass
class MatchCounts:
    """Counts over many documents for one coder pair and one value."""

    a_total: int = 0
    b_total: int = 0
    exact: int = 0
    a_overlapping: int = 0
    b_overlapping: int = 0
    one_to_one: int = 0

    def add(self, a: Sequence[Range], b: Sequence[Range]) -> None:
        self.a_total += len(a)
        self.b_total += len(b)
        if not a or not b:
            return
        self.exact += sum((Counter(a) & Counter(b)).values())
        neighbours = overlap_neighbours(a, b)
        self.a_overlapping += sum(1 for found in neighbours if found)
        self.b_overlapping += len({j for found in neighbours for j in found})
        self.one_to_one += len(max_matching(a, b, neighbours))

    def __iadd__(self, other: MatchCounts) -> MatchCounts:
        for name in ("a_total", "b_total", "exact", "a_overlapping", "b_overlapping",
                     "one_to_one"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def f1(self) -> list[Coefficient]:
        spans = self.a_total + self.b_total
        if spans == 0:
            return [Coefficient.undefined(f"span_f1_{kind}", "neither coder marked a span", 0, 2)
                    for kind in ("exact", "overlap", "one_to_one")]
        exact = 2 * self.exact / spans
        recall = self.a_overlapping / self.a_total if self.a_total else 0.0
        precision = self.b_overlapping / self.b_total if self.b_total else 0.0
        overlap = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        one = 2 * self.one_to_one / spans
        details = {"spans_first": self.a_total, "spans_second": self.b_total}
        return [Coefficient("span_f1_exact", exact, spans, 2, None,
                            {**details, "matched": self.exact}),
                Coefficient("span_f1_overlap", overlap, spans, 2, None,
                            {**details, "overlapping_first": self.a_overlapping,
                             "overlapping_second": self.b_overlapping}),
                Coefficient("span_f1_one_to_one", one, spans, 2, None,
                            {**details, "matched": self.one_to_one})]
