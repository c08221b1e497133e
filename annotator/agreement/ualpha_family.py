"""The u-alpha family of Krippendorff, Mathet, Bouvry & Milleret (2016, "On the reliability
of unitizing textual continua: further developments", Quality & Quantity 50: 2347–2364;
Krippendorff 2019, *Content Analysis*, 4th ed., §12.6), what ATLAS.ti reports:

- **uα**: units and their values together, the gaps between units a value of their own (∅);
- **|uα**: the binary distinction of units (any value) and gaps: *where* the relevant
  matter is;
- **cuα**: the values of units where coders' units intersect (coding within units);
- **(k)uα**: cuα's agreement on one value k.

Each coder partitions each document into sections: units of a value and gaps. For every
ordered pair of coders (i, j) of a document with m coders, every section g of i and h of j
add |g ∩ h| / (m − 1) to the observed coincidences l_ck of their values c and k (eq. 1);
l_c = Σ_k l_ck and l = Σ_c l_c = Σ m·L. Expected coincidences (eq. 4):

    e_ck = l (l_c l_k − [c = k] Σ_{sections g of value c} w_g) / (l² − Σ_g w_g),
    w_g = |g|² for a unit (a unit pairs as a whole) and |g| for a gap (each of its
    characters on its own);

    uα  = 1 − (l − Σ_c l_cc) / (l − Σ_c e_cc)                       (eq. 5)
    |uα = 1 − (l_∅ − l_∅∅) / (e_∅ − e_∅∅),   e_∅ = Σ_k e_∅k          (eq. 6)

Within units (c, k ≠ ∅): l'_c = l_c − l_c∅, l' = Σ l'_c, and for every ordered pair of
coders (i, j) and unit g of i, x_g(j) = Σ_{units h of j} |g ∩ h|, X_c = Σ x_g(j)² / (m − 1)
over the units g of value c, X = Σ_c X_c:

    e'_ck = (l'_c l'_k − [c = k] X_c) / (l' − X / l')                (eq. 10)
    cuα   = 1 − (l' − Σ_c l_cc) / (l' − Σ_c e'_cc)                   (eq. 11)
    (k)uα = 1 − (e'_k / l'_k) (l'_k − l_kk) / (e'_k − e'_kk),  e'_k = Σ_c e'_kc   (eq. 13)

The convention for more than two coders (where implementations differ): X is summed over
ordered coder pairs and weighed 1/(m − 1) like the observed coincidences, so that each
coder's unit is paired with every other coder's intersecting matter exactly as l_ck pairs
it; with two coders this is the paper's equation itself. Several documents (each with the
coders who coded it) add their coincidences, each with its own 1/(m − 1), as alpha pools
units with missing values. A coder's units must not overlap each other (the family is
defined on partitions): such a continuum is refused with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

GAP = None  # the value of the matter between units (∅)

Value = Hashable


@dataclass(frozen=True)
class Document:
    """One continuum: its length and, per coder, the [start, end) of units and their value."""

    length: int
    units: Sequence[Sequence[tuple[int, int, Value]]]  # per coder


@dataclass(frozen=True)
class Family:
    u_alpha: float | None
    binary_u_alpha: float | None  # |uα
    cu_alpha: float | None
    k_u_alpha: dict[Value, float | None]
    coverage: float  # share of the pairable matter that lies inside intersecting units
    why: dict[str, str]  # figure → why it is undefined


class OverlappingUnits(ValueError):
    """A coder's units overlap: the family needs each coder to partition the continuum."""


def sections(length: int, units: Sequence[tuple[int, int, Value]]
             ) -> list[tuple[int, int, Value]]:
    ordered = sorted(units, key=lambda u: (u[0], u[1]))
    out: list[tuple[int, int, Value]] = []
    at = 0
    for start, end, value in ordered:
        if start < at:
            raise OverlappingUnits(f"units [{start}, {end}) and the one before overlap")
        if start > at:
            out.append((at, start, GAP))
        out.append((start, end, value))
        at = end
    if at < length:
        out.append((at, length, GAP))
    return out


def _overlaps(a: list[tuple[int, int, Value]], b: list[tuple[int, int, Value]]
              ) -> Iterator[tuple[int, int, int]]:
    """(index in a, index in b, overlap) of every intersecting pair; both sorted partitions."""
    j = 0
    for i, (start, end, _) in enumerate(a):
        while j < len(b) and b[j][1] <= start:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            yield i, k, min(end, b[k][1]) - max(start, b[k][0])
            k += 1


def family(documents: Sequence[Document]) -> Family:
    observed: dict[tuple[Value, Value], float] = defaultdict(float)
    weights: dict[Value, float] = defaultdict(float)  # Σ w_g by value
    within: dict[Value, float] = defaultdict(float)  # X_c
    for doc in documents:
        m = len(doc.units)
        if m < 2:
            continue
        parts = [sections(doc.length, u) for u in doc.units]
        for part in parts:
            for start, end, value in part:
                weights[value] += (end - start) if value is GAP else (end - start) ** 2
        for i in range(m):
            for j in range(m):
                if i == j:
                    continue
                inside: dict[int, int] = defaultdict(int)
                for g, h, overlap in _overlaps(parts[i], parts[j]):
                    c, k = parts[i][g][2], parts[j][h][2]
                    observed[(c, k)] += overlap / (m - 1)
                    if c is not GAP and k is not GAP:
                        inside[g] += overlap
                for g, x in inside.items():
                    within[parts[i][g][2]] += x * x / (m - 1)
    return _coefficients(observed, weights, within)


def _coefficients(observed: dict[tuple[Value, Value], float], weights: dict[Value, float],
                  within: dict[Value, float]) -> Family:
    values = sorted({c for c, _ in observed}, key=lambda v: (v is not GAP, str(v)))
    margin = {c: sum(observed.get((c, k), 0.0) for k in values) for c in values}
    total = sum(margin.values())
    why: dict[str, str] = {}
    if total == 0:
        why = dict.fromkeys(("uα", "|uα", "cuα"), "no document with two coders")
        return Family(None, None, None, {}, 0.0, why)
    if all(c is GAP for c in values):
        why = dict.fromkeys(("uα", "|uα", "cuα"), "no coder marked any span")
        return Family(None, None, None, {}, 0.0, why)
    denominator = total * total - sum(weights.values())

    def expected(c: Value, k: Value) -> float:
        same = weights[c] if c == k else 0.0
        return total * (margin[c] * margin[k] - same) / denominator if denominator else 0.0

    u_alpha = _ratio(total - sum(observed.get((c, c), 0.0) for c in values),
                     total - sum(expected(c, c) for c in values), "uα", why)
    if GAP in margin:
        binary = _ratio(margin[GAP] - observed.get((GAP, GAP), 0.0),
                        sum(expected(GAP, k) for k in values if k is not GAP), "|uα", why)
    else:
        binary = None
        why["|uα"] = "no gaps: every coder's units cover every document whole"
    valued = [c for c in values if c is not GAP]
    inner = {c: margin[c] - observed.get((c, GAP), 0.0) for c in valued}
    inner_total = sum(inner.values())
    if inner_total == 0 or len(valued) < 2:
        reason = ("no coders' units intersect" if inner_total == 0 else
                  "one value only: there is no coding within units to agree on")
        why["cuα"] = reason
        return Family(u_alpha, binary, None, {c: None for c in valued}, 0.0, why)
    scale = inner_total - sum(within.values()) / inner_total

    def expected_inside(c: Value, k: Value) -> float:
        return (inner[c] * inner[k] - (within[c] if c == k else 0.0)) / scale if scale else 0.0

    cu = _ratio(inner_total - sum(observed.get((c, c), 0.0) for c in valued),
                inner_total - sum(expected_inside(c, c) for c in valued), "cuα", why)
    per_value: dict[Value, float | None] = {}
    for k in valued:
        e_k = sum(expected_inside(k, c) for c in valued)
        e_kk, l_kk = expected_inside(k, k), observed.get((k, k), 0.0)
        if inner[k] == 0 or e_k == e_kk:
            per_value[k] = None
            why[f"({k})uα"] = ("no unit of this value intersects another coder's"
                               if inner[k] == 0 else "every intersecting unit is of this value")
        else:
            per_value[k] = 1 - (e_k / inner[k]) * (inner[k] - l_kk) / (e_k - e_kk)
    return Family(u_alpha, binary, cu, per_value, inner_total / total, why)


def _ratio(observed: float, expected: float, name: str, why: dict[str, str]) -> float | None:
    if expected == 0:
        why[name] = "no expected disagreement: one kind of matter only"
        return None
    return 1 - observed / expected
