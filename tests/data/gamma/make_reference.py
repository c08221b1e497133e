"""Writes reference.json: what pygamma-agreement (the reference implementation of Mathet et
al.'s gamma) says of each continuum in vectors.json. Run it where pygamma-agreement is
installed (it needs cvxpy, numba and GLPK, which annotator does not):

    python -m venv /tmp/pg && /tmp/pg/bin/pip install pygamma-agreement==0.5.9
    /tmp/pg/bin/python tests/data/gamma/make_reference.py

For every continuum: the best alignment's disorder and its gamma-cat/gamma-k disorders
(deterministic), and gamma, gamma-cat and each gamma-k over SEEDS seeds of n_samples=30
(numpy's global seed; the statistical sampler, the combined categorical dissimilarity with
alpha = beta = delta_empty = 1), as the spread a second implementation should fall in.
"""

import json
import logging
from pathlib import Path

import numpy as np
import pygamma_agreement as pa
from pyannote.core import Segment

logging.disable(logging.WARNING)
HERE = Path(__file__).parent
SEEDS = range(20)


def continuum(units):
    c = pa.Continuum()
    for coder in sorted({u[0] for u in units}):
        c.add_annotator(coder)
    for coder, start, end, category in units:
        c.add(coder, Segment(start, end), category)
    return c


def main() -> None:
    out = {"pygamma_agreement": pa.__version__ if hasattr(pa, "__version__") else "0.5.9",
           "n_samples": 30, "seeds": list(SEEDS), "vectors": {}}
    for name, units in json.loads((HERE / "vectors.json").read_text()).items():
        c = continuum(units)
        dissimilarity = pa.CombinedCategoricalDissimilarity(alpha=1, beta=1, delta_empty=1)
        best = c.get_best_alignment(dissimilarity)
        categories = sorted({u[3] for u in units})
        row = {"observed_disorder": float(best.disorder),
               "observed_cat_disorder": float(best.gamma_k_disorder(dissimilarity, None)),
               "observed_k_disorder": {k: float(best.gamma_k_disorder(dissimilarity, k))
                                       for k in categories},
               "gamma": [], "gamma_cat": [], "gamma_k": {k: [] for k in categories},
               "expected_disorder": []}
        for seed in SEEDS:
            np.random.seed(seed)
            result = c.compute_gamma(dissimilarity, n_samples=30)
            row["gamma"].append(float(result.gamma))
            row["gamma_cat"].append(float(result.gamma_cat))
            row["expected_disorder"].append(float(result.expected_disorder))
            for k in categories:
                row["gamma_k"][k].append(float(result.gamma_k(k)))
        out["vectors"][name] = row
        print(name, row["observed_disorder"], min(row["gamma"]), max(row["gamma"]))
    (HERE / "reference.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
