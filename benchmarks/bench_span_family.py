"""The u-alpha family (2016) and Mathet's γ at 3 coders × 1,000 spans on one news-like
continuum (a text of ~170,000 characters; each coder keeps 90 % of a shared set of units,
moves each boundary by up to three characters and relabels 15 %), each against a floor
measured in the same run:

- the family against the u-alpha of 1995/2004 on the same units (``unitizing``): the same
  coincidences, read once;
- γ (30 sampled corpora) against one best alignment of the observed coding: γ aligns 31
  corpora, so ~31× is its floor's own cost.

    python benchmarks/bench_span_family.py [SPANS] [--memory]

``--memory``: one γ and one family in this process, printing MiB before, MiB at the
peak, and seconds (for benchmarks/run.py).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import peak_mib  # noqa: E402 - this folder's helper

from annotator.agreement.gamma import Dissimilarity, Unit, align, gamma  # noqa: E402
from annotator.agreement.ualpha_family import Document, family  # noqa: E402
from annotator.agreement.unitizing import Continuum, combine_parts, value_parts  # noqa: E402

CATEGORIES = ("speaker", "demand", "accusation")


Coding = list[list[tuple[int, int, str]]]


def coding(spans: int, coders: int = 3, seed: int = 5) -> tuple[int, Coding]:
    rng = random.Random(seed)
    shared, at = [], 0
    for i in range(spans):
        at += rng.randint(20, 200)
        length = rng.randint(5, 80)
        shared.append((at, at + length, CATEGORIES[i % 3]))
        at += length
    out = []
    for _ in range(coders):
        units, last = [], 0
        for start, end, category in shared:
            if rng.random() < 0.1:
                continue
            s = max(last, start + rng.randint(-3, 3))
            e = max(s + 1, end + rng.randint(-3, 3))
            units.append((s, e, category if rng.random() < 0.85 else "demand"))
            last = e
        out.append(units)
    return at + 100, out


def run_family(length: int, coded: list[list[tuple[int, int, str]]]) -> float | None:
    return family([Document(length, coded)]).u_alpha


def run_unitizing(length: int, coded: list[list[tuple[int, int, str]]]) -> float | None:
    units = {str(c): {k: [(s, e) for s, e, v in u if v == k] for k in CATEGORIES}
             for c, u in enumerate(coded)}
    scope = [list(units)]
    parts = [value_parts([Continuum(length, units)], scope, k) for k in CATEGORIES]
    return combine_parts(parts, length, len(coded), 1).value


def corpus(coded: list[list[tuple[int, int, str]]]) -> list[list[list[Unit]]]:
    return [[[Unit(s, e, k) for s, e, k in u] for u in coded]]


def main(spans: int = 1000, memory_only: bool = False) -> None:
    length, coded = coding(spans)
    before = peak_mib()
    start = time.perf_counter()
    run_family(length, coded)
    result = gamma(corpus(coded), samples=30)
    seconds = time.perf_counter() - start
    if memory_only:
        print(f"{before:.1f} {peak_mib():.1f} {seconds:.2f}")
        return
    for name, func in (("u-alpha family (2016)", lambda: run_family(length, coded)),
                       ("u-alpha (1995/2004)", lambda: run_unitizing(length, coded)),
                       ("one best alignment", lambda: align(corpus(coded), Dissimilarity())),
                       ("gamma, 30 samples", lambda: gamma(corpus(coded), samples=30))):
        start = time.perf_counter()
        func()
        print(f"{name:<24} {time.perf_counter() - start:8.3f} s")
    print(f"gamma {result.gamma:.4f}, gamma-cat {result.gamma_cat:.4f}; "  # type: ignore[union-attr]
          f"peak RSS {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main(int(next((a for a in sys.argv[1:] if a.isdigit()), 1000)), "--memory" in sys.argv)
