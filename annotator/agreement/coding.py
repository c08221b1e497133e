"""Agreement on coded units (documents × coders → a value, some missing).

Percent agreement, Cohen's kappa and Scott's pi (two coders), Fleiss' kappa (several), and
Krippendorff's alpha at the nominal, ordinal, interval and ratio levels with missing values,
after Krippendorff (2004, ch. 11; 2011, "Computing Krippendorff's alpha-reliability").

A unit is a mapping coder → value; a coder who did not code the unit is simply absent.
Alpha is computed from the coincidence matrix; units with fewer than two values are not
pairable and drop out, as Krippendorff defines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from annotator.agreement.result import Coefficient

Unit = dict[str, Hashable]
LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _pair_units(units: Sequence[Unit], a: str, b: str) -> list[tuple[Any, Any]]:
    return [(u[a], u[b]) for u in units if a in u and b in u]


def cohen_kappa(units: Sequence[Unit], a: str, b: str) -> Coefficient:
    """Cohen (1960): chance from each coder's own distribution. Units both coded."""
    return _two_coder(units, a, b, "cohen_kappa", scott=False)


def scott_pi(units: Sequence[Unit], a: str, b: str) -> Coefficient:
    """Scott (1955): chance from the two coders' pooled distribution."""
    return _two_coder(units, a, b, "scott_pi", scott=True)


def _two_coder(units: Sequence[Unit], a: str, b: str, name: str, scott: bool) -> Coefficient:
    pairs = _pair_units(units, a, b)
    n = len(pairs)
    if n == 0:
        return Coefficient.undefined(name, "no unit was coded by both coders", 0, 2)
    observed = sum(x == y for x, y in pairs) / n
    count_a = Counter(x for x, _ in pairs)
    count_b = Counter(y for _, y in pairs)
    values = set(count_a) | set(count_b)
    if scott:
        expected = sum(((count_a[v] + count_b[v]) / (2 * n)) ** 2 for v in values)
    else:
        expected = sum(count_a[v] / n * count_b[v] / n for v in values)
    details = {"observed_agreement": observed, "expected_agreement": expected}
    if expected == 1:
        return Coefficient.undefined(name, "no variation: both coders used a single value",
                                     n, 2, **details)
    return Coefficient(name, (observed - expected) / (1 - expected), n, 2, None, details)


def fleiss_kappa(units: Sequence[Unit], coders: Sequence[str]) -> Coefficient:
    """Fleiss (1971) over the units coded by every one of ``coders``; per value in details."""
    m = len(coders)
    name = "fleiss_kappa"
    if m < 2:
        return Coefficient.undefined(name, "needs at least two coders", 0, m)
    rows = [[u[c] for c in coders] for u in units if all(c in u for c in coders)]
    n = len(rows)
    if n == 0:
        return Coefficient.undefined(name, "no unit was coded by all coders", 0, m)
    values = sorted({v for row in rows for v in row}, key=repr)
    counts = np.array([[row.count(v) for v in values] for row in rows], dtype=float)
    p = counts.sum(axis=0) / (n * m)
    per_unit = ((counts * (counts - 1)).sum(axis=1)) / (m * (m - 1))
    observed, expected = float(per_unit.mean()), float((p ** 2).sum())
    per_value: dict[str, float | None] = {}
    for j, v in enumerate(values):
        denominator = n * m * (m - 1) * p[j] * (1 - p[j])
        per_value[str(v)] = None if denominator == 0 else float(
            1 - (counts[:, j] * (m - counts[:, j])).sum() / denominator)
    details = {"observed_agreement": observed, "expected_agreement": expected,
               "per_value": per_value}
    if expected == 1:
        return Coefficient.undefined(name, "no variation: every coder used one value", n, m,
                                     **details)
    return Coefficient(name, (observed - expected) / (1 - expected), n, m, None, details)


def value_counts(units: Sequence[Unit], domain: Sequence[Hashable]
                 ) -> np.ndarray:
    """units × values matrix of how many coders gave each value (pairable units only)."""
    index = {v: i for i, v in enumerate(domain)}
    rows = [Counter(u.values()) for u in units if len(u) >= 2]
    matrix = np.zeros((len(rows), len(domain)))
    for r, counter in enumerate(rows):
        for value, count in counter.items():
            matrix[r, index[value]] = count
    return matrix


def coincidences(counts: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix o_ck from units × values counts (m_u >= 2)."""
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m = counts[keep], m[keep]
    weighted = counts / (m - 1)[:, None]
    matrix: np.ndarray = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    return matrix


def distances(domain: Sequence[Any], marginals: np.ndarray, level: str) -> np.ndarray:
    """Squared difference δ²_ck between values, for the level of measurement."""
    size = len(domain)
    if level == "nominal":
        return 1.0 - np.eye(size)
    if level == "ordinal":
        cumulative = np.concatenate([[0.0], np.cumsum(marginals)])
        delta = np.zeros((size, size))
        for c in range(size):
            for k in range(c, size):
                d = cumulative[k + 1] - cumulative[c] - (marginals[c] + marginals[k]) / 2
                delta[c, k] = delta[k, c] = d * d
        return delta
    values = np.asarray(domain, dtype=float)
    diff = values[:, None] - values[None, :]
    if level == "interval":
        squared: np.ndarray = diff ** 2
        return squared
    if level == "ratio":
        total = values[:, None] + values[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(total == 0, 0.0, diff / np.where(total == 0, 1, total))
        return ratio ** 2
    raise ValueError(f"unknown level of measurement {level!r}; use one of {', '.join(LEVELS)}")


def alpha_from_coincidences(o: np.ndarray, delta: np.ndarray, units: int, coders: int,
                            name: str = "krippendorff_alpha") -> Coefficient:
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n <= 1:
        return Coefficient.undefined(name, "no pairable values (no unit has two or more "
                                           "values)", units, coders)
    observed = float((o * delta).sum() / n)
    expected = float((np.outer(n_c, n_c) * delta).sum() / (n * (n - 1)))
    details = {"observed_disagreement": observed, "expected_disagreement": expected,
               "pairable_values": int(round(n))}
    if expected == 0:
        return Coefficient.undefined(name, "no variation: all pairable values are the same",
                                     units, coders, **details)
    return Coefficient(name, 1 - observed / expected, units, coders, None, details)


def krippendorff_alpha(units: Sequence[Unit], level: str = "nominal",
                       order: Sequence[Hashable] | None = None) -> Coefficient:
    """Alpha at ``level``; ``order`` ranks the values for ordinal data (default: sorted)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; use one of {', '.join(LEVELS)}")
    present = {v for u in units if len(u) >= 2 for v in u.values()}
    if order is not None:
        domain = [v for v in order if v in present]
        unknown = present - set(domain)
        if unknown:
            raise ValueError(f"values outside the given order: {sorted(map(str, unknown))}")
    else:
        domain = sorted(present, key=lambda v: (isinstance(v, str), v))
    pairable = [u for u in units if len(u) >= 2]
    coders = len({c for u in units for c in u})
    counts = value_counts(pairable, domain)
    o = coincidences(counts) if len(pairable) else np.zeros((len(domain), len(domain)))
    delta = distances(domain, o.sum(axis=1), level)
    result = alpha_from_coincidences(o, delta, len(pairable), coders)
    return Coefficient(result.name, result.value, result.units, result.coders, result.reason,
                       {**result.details, "level": level})


def percent_agreement(units: Sequence[Unit]) -> Coefficient:
    """Observed agreement 1 − D_o (nominal): pairs of values that match, units weighted by
    1/(m_u − 1) as in alpha. For two coders it is the share of units coded identically."""
    name = "percent_agreement"
    result = krippendorff_alpha(units, "nominal")
    if "observed_disagreement" not in result.details:
        return Coefficient.undefined(name, result.reason or "no pairable values",
                                     result.units, result.coders)
    return Coefficient(name, 1 - result.details["observed_disagreement"], result.units,
                       result.coders)
