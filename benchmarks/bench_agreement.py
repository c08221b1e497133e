"""Agreement over 10,000 documents × 3 coders × 20 spans each: time and peak memory of the
whole report, and character-level alpha for one category against the krippendorff package
on the same character data, measured in one run.

    python benchmarks/bench_agreement.py [DOCUMENTS]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import krippendorff
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import peak_mib  # noqa: E402 - this folder's helper

from annotator.agreement.characters import MaskCounts, character_alpha
from annotator.agreement.report import AgreementInput, build_report
from annotator.agreement.unitizing import merge_overlaps
from annotator.domain.model import Span
from annotator.domain.scheme_loader import load_scheme
from annotator.paths import default_scheme_path

CODERS = ["ana", "ben", "cem"]
LENGTH = 1500


def make_input(n_docs: int) -> AgreementInput:
    rng = random.Random(5)
    scheme = load_scheme(default_scheme_path())
    values = [(c.key, lb.key if c.labels else None) for c in scheme.categories
              for lb in (c.labels or [None])]  # type: ignore[list-item]
    spans: list[Span] = []
    for doc in range(n_docs):
        base = [(rng.randrange(0, LENGTH - 60), rng.randrange(5, 60), rng.choice(values))
                for _ in range(20)]
        for coder in CODERS:
            for i, (start, length, (category, label)) in enumerate(base):
                if rng.random() < 0.1:
                    continue  # a span this coder missed
                s = max(0, start + rng.randrange(-3, 4))
                e = min(LENGTH, max(s + 1, start + length + rng.randrange(-3, 4)))
                spans.append(Span(f"{doc}-{coder}-{i}", doc, coder, category, s, e, "x", label))
    return AgreementInput(scheme, CODERS, {d: LENGTH for d in range(n_docs)},
                          {d: f"doc {d}" for d in range(n_docs)},
                          {d: list(CODERS) for d in range(n_docs)}, spans, {})


def _speaker_ranges(data: AgreementInput) -> dict[int, dict[str, list[tuple[int, int]]]]:
    by_doc: dict[int, dict[str, list[tuple[int, int]]]] = {}
    for span in data.spans:
        if span.category == "speaker":
            by_doc.setdefault(span.document_id, {}).setdefault(span.coder, []).append(
                (span.start, span.end))
    return by_doc


def our_alpha(data: AgreementInput, n_docs: int) -> float:
    """Character-level alpha for "speaker", ours, from span boundaries."""
    counts = MaskCounts(CODERS)
    by_doc = _speaker_ranges(data)
    for doc in range(n_docs):
        ranges = {c: merge_overlaps(by_doc.get(doc, {}).get(c, [])) for c in CODERS}
        counts.add_document(LENGTH, ranges, CODERS)
    value = character_alpha(counts).value
    assert value is not None
    return value


def package_alpha(data: AgreementInput, n_docs: int) -> float:
    """The same, by the krippendorff package on the same characters (value counts:
    characters × {out, in})."""
    covered = np.zeros(n_docs * LENGTH, dtype=np.int8)
    for doc, per_coder in _speaker_ranges(data).items():
        for ranges in per_coder.values():
            for s, e in merge_overlaps(ranges):
                covered[doc * LENGTH + s: doc * LENGTH + e] += 1
    value_counts = np.stack([len(CODERS) - covered, covered], axis=1)
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal"))


def main(n_docs: int = 10_000, memory_only: bool = False) -> None:
    data = make_input(n_docs)
    before = peak_mib() * 2**20
    t = time.perf_counter()
    report = build_report(data, bootstrap_samples=1000)
    whole = time.perf_counter() - t
    peak = peak_mib() * 2**20
    if memory_only:  # for benchmarks/run.py: MiB before, MiB at the peak, seconds
        print(f"{before / 2**20:.1f} {peak / 2**20:.1f} {whole:.2f}")
        return
    t = time.perf_counter()
    ours = our_alpha(data, n_docs)
    ours_time = time.perf_counter() - t
    t = time.perf_counter()
    theirs = package_alpha(data, n_docs)
    theirs_time = time.perf_counter() - t
    assert abs(ours - theirs) < 1e-9, (ours, theirs)

    print(f"{n_docs} documents × {len(CODERS)} coders, {len(data.spans)} spans, "
          f"{n_docs * LENGTH / 1e6:.1f} M characters per coder")
    print(f"whole report ({len(report.rows)} figures, bootstrap 1000): {whole:7.2f} s, "
          f"peak RSS {peak / 2**20:.0f} MiB (input data alone {before / 2**20:.0f} MiB)")
    print(f"character alpha, speaker, ours:               {ours_time:7.3f} s  (alpha {ours:.6f})")
    print(f"character alpha, speaker, krippendorff pkg:   {theirs_time:7.3f} s  "
          f"(alpha {theirs:.6f})")
    print(f"ratio ours / package: {ours_time / theirs_time:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, "--memory" in sys.argv)
