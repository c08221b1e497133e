"""Krippendorff's unitizing alpha (u-alpha) over the character continua of documents.

Definitions from Krippendorff (2004), Content Analysis, 2nd ed., pp. 251-256 (and 1995,
"On the reliability of unitizing contiguous data", Sociological Methodology 25, 47-76):
each coder divides a continuum into sections, units of a value c and the gaps between them.
The squared distance between two overlapping sections g (coder i) and h (coder j) is

    both units of c:          (b_g - b_h)^2 + (e_g - e_h)^2
    unit g inside gap h:      l_g^2        (and symmetrically)
    otherwise:                0

    D_o(c) = sum over ordered coder pairs and section pairs of delta^2 / (m (m-1) L^2)
    D_e(c) = (2/L) sum over units u of c of
               [ (N_c - 1)(2 l_u^3 - 3 l_u^2 + l_u)/3 + l_u^2 sum over gaps h, l_h >= l_u,
                 of (l_h - l_u + 1) ]
             / [ m L (m L - 1) - sum over units of c of l_u (l_u - 1) ]
    alpha(c) = 1 - D_o(c)/D_e(c);  over several values: 1 - sum D_o / sum D_e.

Several documents are one continuum of total length L whose sections never cross a document
boundary (a gap ends where its document ends); ``join`` instead makes them one continuum
whose gaps run across document ends, as DKPro Agreement and INCEpTION do. Our rules for one
coder's own spans of one value: spans that share a character are merged into their union
(u-alpha forbids overlap within a coder); spans that only touch stay separate units.

Coders missing from a document. A study double-codes a sample: each document has the m_d
coders who coded it, not all m. As alpha does with missing values (Krippendorff 2011,
"Computing Krippendorff's alpha-reliability", where a unit's m_u values are paired with
weight 1/(m_u - 1) and n counts all pairable values), each document's coder pairs weigh
1/(m_d - 1), and n = sum of m_d L_d pairable characters stands where the book has m L:

    D_o = sum over documents of [ sum over its ordered coder pairs of delta^2 / (m_d - 1) ]
          / (n L)
    D_e as above, over every coder's units and gaps, with m L replaced by n.

With every coder on every document this is the book's formula exactly; with two coders on
every document (any two) it is the book's formula with coders as anonymous first and
second readers, as alpha treats them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, combinations

from annotator.agreement.result import Coefficient


@dataclass(frozen=True)
class Section:
    start: int
    end: int
    is_unit: bool

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Continuum:
    """One document: its length and, per coder, the [start, end) of units by value."""

    length: int
    units: dict[str, dict[Hashable, list[tuple[int, int]]]]


def merge_overlaps(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of ranges that share a character; touching ranges stay apart."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def sections(length: int, units: list[tuple[int, int]]) -> list[Section]:
    """The coder's continuum cut into units and the gaps around them."""
    result, position = [], 0
    for start, end in units:
        if start > position:
            result.append(Section(position, start, False))
        result.append(Section(start, end, True))
        position = end
    if position < length:
        result.append(Section(position, length, False))
    return result


def distance(g: Section, h: Section) -> int:
    """Squared distance between two sections of two coders (Krippendorff 2004, p. 253)."""
    begin = g.start - h.start
    if g.is_unit and h.is_unit:
        if -g.length < begin < h.length:
            return begin * begin + (g.end - h.end) ** 2
        return 0
    if g.is_unit and not h.is_unit:
        return g.length ** 2 if h.start <= g.start and g.end <= h.end else 0
    if h.is_unit and not g.is_unit:
        return h.length ** 2 if g.start <= h.start and h.end <= g.end else 0
    return 0


def _pair_disagreement(a: list[Section], b: list[Section]) -> int:
    """Sum of distances over all overlapping section pairs (a sweep, both sorted)."""
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        total += distance(a[i], b[j])
        if a[i].end <= b[j].end:
            i += 1
        else:
            j += 1
    return total


@dataclass(frozen=True)
class ValueParts:
    """One value's observed and expected disagreement; targets sum these over values."""

    observed: float
    expected: float
    units: int


def value_parts(continua: Sequence[Continuum], coders: Sequence[str] | Sequence[Sequence[str]],
                value: Hashable) -> ValueParts:
    """One value's D_o and D_e. ``coders``: the coders of every continuum, or per continuum
    (a list of lists) the coders who coded it; continua with fewer than two are skipped."""
    scopes = _scopes(continua, coders)
    used = [(c, s) for c, s in zip(continua, scopes, strict=True) if len(s) >= 2]
    total_length = sum(c.length for c, _ in used)
    pairable = sum(len(s) * c.length for c, s in used)  # n: the book's m L
    if not used or total_length == 0:  # nothing to compare: combine_parts says which
        return ValueParts(0.0, 0.0, 0)
    observed_sum = 0.0
    unit_lengths: list[int] = []
    gap_lengths: list[int] = []
    for continuum, scope in used:
        per_coder = []
        for coder in scope:
            ranges = merge_overlaps(continuum.units.get(coder, {}).get(value, ()))
            cut = sections(continuum.length, ranges)
            per_coder.append(cut)
            unit_lengths += [s.length for s in cut if s.is_unit]
            gap_lengths += [s.length for s in cut if not s.is_unit]
        document_sum = sum(2 * _pair_disagreement(a, b) for a, b in combinations(per_coder, 2))
        observed_sum += document_sum / (len(scope) - 1)
    observed = observed_sum / (pairable * total_length)
    gap_lengths.sort()
    suffix = list(accumulate(reversed(gap_lengths)))[::-1] + [0]
    n_c = len(unit_lengths)
    numerator3 = 0  # three times the numerator, so that it stays an exact integer
    for length in unit_lengths:
        k = bisect_left(gap_lengths, length)  # gaps [k:] are at least as long as the unit
        gap_term = suffix[k] - (len(gap_lengths) - k) * (length - 1)
        numerator3 += (n_c - 1) * (2 * length ** 3 - 3 * length ** 2 + length)
        numerator3 += 3 * length * length * gap_term
    denominator = pairable * (pairable - 1) - sum(
        length * (length - 1) for length in unit_lengths)
    expected = 2 * numerator3 / (3 * total_length * denominator) if denominator else 0.0
    return ValueParts(observed, expected, n_c)


def _scopes(continua: Sequence[Continuum], coders: Sequence[str] | Sequence[Sequence[str]]
            ) -> list[list[str]]:
    if coders and not isinstance(coders[0], str):
        return [list(s) for s in coders]
    return [list(coders)] * len(continua)  # type: ignore[arg-type]


def join(continua: Sequence[Continuum]) -> Continuum:
    """All documents as one continuum, end to end: gaps run across document ends (DKPro
    Agreement's and INCEpTION's way)."""
    units: dict[str, dict[Hashable, list[tuple[int, int]]]] = {}
    offset = 0
    for continuum in continua:
        for coder, by_value in continuum.units.items():
            mine = units.setdefault(coder, {})
            for value, ranges in by_value.items():
                mine.setdefault(value, []).extend((s + offset, e + offset) for s, e in ranges)
        offset += continuum.length
    return Continuum(offset, units)


def unitizing_alpha(continua: Sequence[Continuum], coders: Sequence[str],
                    values: Sequence[Hashable]) -> Coefficient:
    """u-alpha for one value (one label) or, with several, over all of them together."""
    return combine_parts([value_parts(continua, coders, v) for v in values],
                         sum(c.length for c in continua), len(coders), len(continua))


def combine_parts(parts: Sequence[ValueParts], length: int, m: int, documents: int
                  ) -> Coefficient:
    """u-alpha over several values: 1 - sum of D_o / sum of D_e."""
    name = "unitizing_alpha"
    if m < 2:
        return Coefficient.undefined(name, "needs at least two coders", length, m)
    if length == 0:
        return Coefficient.undefined(name, "no text to compare", 0, m)
    observed = sum(p.observed for p in parts)
    expected = sum(p.expected for p in parts)
    units = sum(p.units for p in parts)
    details = {"observed_disagreement": observed, "expected_disagreement": expected,
               "spans": units, "documents": documents}
    if units == 0:
        return Coefficient.undefined(name, "no coder marked any span", length, m, **details)
    if expected == 0:
        return Coefficient.undefined(name, "no variation: expected disagreement is zero",
                                     length, m, **details)
    return Coefficient(name, 1 - observed / expected, length, m, None, details)
