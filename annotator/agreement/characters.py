"""Character-level agreement: every character of a document is a unit, in or out of a value
(a category or a label) for each coder. Krippendorff's alpha (binary, nominal) over all
coders, and Cohen's kappa and Scott's pi per coder pair.

Nothing is built per character: one sweep over span boundaries gives, for each stretch of
text, the set of coders covering it (a bit mask), and the coefficients need only how many
characters fall under each mask.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.agreement.coding import alpha_from_coincidences
from annotator.agreement.result import Coefficient


@dataclass
class MaskCounts:
    """Characters per coverage mask, kept apart per set of coders in scope of a document."""

    coders: list[str]
    by_scope: dict[int, Counter[int]] = field(default_factory=dict)  # scope mask → histogram

    def add_document(self, length: int, ranges: dict[str, list[tuple[int, int]]],
                     in_scope: Sequence[str]) -> None:
        """``ranges``: each coder's merged (non-overlapping) ranges of this value."""
        scope = 0
        for coder in in_scope:
            scope |= 1 << self.coders.index(coder)
        events: list[tuple[int, int]] = []
        for coder, spans in ranges.items():
            if coder not in in_scope:
                continue
            bit = 1 << self.coders.index(coder)
            for start, end in spans:
                events.append((start, bit))
                events.append((end, -bit))
        events.sort()
        histogram = self.by_scope.setdefault(scope, Counter())
        mask, position = 0, 0
        for offset, bit in events:
            if offset > position:
                histogram[mask] += offset - position
                position = offset
            mask += bit
        if length > position:
            histogram[mask] += length - position


def character_alpha(counts: MaskCounts) -> Coefficient:
    o = np.zeros((2, 2))
    characters = 0
    for scope, histogram in counts.by_scope.items():
        m = scope.bit_count()
        if m < 2:
            continue
        for mask, n in histogram.items():
            k = mask.bit_count()
            characters += n
            o[1, 1] += n * k * (k - 1) / (m - 1)
            o[0, 0] += n * (m - k) * (m - k - 1) / (m - 1)
            o[0, 1] += n * k * (m - k) / (m - 1)
    o[1, 0] = o[0, 1]
    coders = len({c for s in counts.by_scope for i, c in enumerate(counts.coders) if s >> i & 1})
    result = alpha_from_coincidences(o, 1.0 - np.eye(2), characters, coders,
                                     "character_alpha")
    return result


def _table(counts: MaskCounts, a: str, b: str) -> np.ndarray:
    """2×2 table of characters: rows coder a out/in, columns coder b out/in."""
    bit_a, bit_b = 1 << counts.coders.index(a), 1 << counts.coders.index(b)
    table = np.zeros((2, 2))
    for scope, histogram in counts.by_scope.items():
        if not (scope & bit_a and scope & bit_b):
            continue
        for mask, n in histogram.items():
            table[int(bool(mask & bit_a)), int(bool(mask & bit_b))] += n
    return table


def character_pair(counts: MaskCounts, a: str, b: str) -> tuple[Coefficient, Coefficient]:
    """Cohen's kappa and Scott's pi over the characters both coders coded."""
    table = _table(counts, a, b)
    n = float(table.sum())
    if n == 0:
        reason = "the two coders share no document"
        return (Coefficient.undefined("character_cohen_kappa", reason, 0, 2),
                Coefficient.undefined("character_scott_pi", reason, 0, 2))
    observed = (table[0, 0] + table[1, 1]) / n
    pa, pb = table.sum(axis=1) / n, table.sum(axis=0) / n
    results = []
    for name, expected in (("character_cohen_kappa", float(pa @ pb)),
                           ("character_scott_pi", float((((pa + pb) / 2) ** 2).sum()))):
        details = {"observed_agreement": float(observed), "expected_agreement": expected}
        if expected == 1:
            results.append(Coefficient.undefined(
                name, "no variation: neither coder marked (or both marked everything)",
                int(n), 2, **details))
        else:
            results.append(Coefficient(name, float((observed - expected) / (1 - expected)),
                                       int(n), 2, None, details))
    return results[0], results[1]
