"""A bootstrap confidence interval for Krippendorff's alpha, after Hayes & Krippendorff (2007),
"Answering the call for a standard reliability measure for coding data", Communication
Methods and Measures 1(1), 77-89.

As in their KALPHA procedure, the expected disagreement D_e stays as computed from all the
data, and the observed disagreement is resampled: every pair of values coded in one unit is a
draw, weighted 2/(m_u - 1) as in the coincidence matrix; a bootstrap sample draws as many
pairs, with replacement, as the data hold. A seed makes the interval repeat exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from itertools import combinations

import numpy as np

from annotator.agreement.coding import Unit, coincidences, distances, value_counts


def bootstrap_alpha(units: Sequence[Unit], level: str, *, samples: int = 2000, seed: int = 1,
                    order: Sequence[Hashable] | None = None, confidence: float = 0.95
                    ) -> tuple[float, float] | None:
    """(low, high) of the alpha interval, or None where alpha is undefined."""
    pairable = [u for u in units if len(u) >= 2]
    present = {v for u in pairable for v in u.values()}
    domain = [v for v in order if v in present] if order is not None else sorted(
        present, key=lambda v: (isinstance(v, str), v))
    if len(domain) < 2:
        return None
    index = {v: i for i, v in enumerate(domain)}
    o = coincidences(value_counts(pairable, domain))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    delta = distances(domain, n_c, level)
    expected = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1))
    if expected == 0:
        return None
    contributions = np.array([
        2 * delta[index[x], index[y]] / (len(u) - 1)
        for u in pairable for x, y in combinations(list(u.values()), 2)])
    rng = np.random.default_rng(seed)
    alphas = np.empty(samples)
    for s in range(samples):
        draw = contributions[rng.integers(0, len(contributions), len(contributions))]
        alphas[s] = 1 - (draw.sum() / n) / expected
    tail = (1 - confidence) / 2
    low, high = np.quantile(alphas, [tail, 1 - tail])
    return float(low), float(high)
