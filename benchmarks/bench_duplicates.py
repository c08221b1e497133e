"""Near-duplicate detection: the time at 100,000 documents, and the pairs found against an
exact all-pairs Jaccard comparison on a 5,000-document sample (recall and precision).

    python benchmarks/bench_duplicates.py [--size 100000] [--sample 5000] [--quick]

The corpus: articles of the sample corpus's sentences with a third of their words swapped
(so two unrelated articles share few shingles, as real ones do), and 10 % wire copies of an
earlier article, edited as outlets edit agency copy: a few words changed, a dateline
added, a paragraph dropped or added, or a fifth of the words rewritten. Their similarities
spread from about 0.4 to 1, so pairs sit on both sides of the threshold.

The exact comparison computes every pair's intersection from an inverted index of shingles
(a pair sharing no shingle has similarity 0), so no pair is skipped.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import peak_mib, sentences  # noqa: E402

from annotator.domain.model import NewDocument  # noqa: E402
from annotator.domain.near_duplicates import find_near_duplicates, shingles  # noqa: E402
from annotator.services import actions, duplicates  # noqa: E402
from annotator.storage import Project  # noqa: E402

AGENCIES = ["(Reuters) -", "(AP) —", "MOSCOW, Interfax -", "BRUSSELS (dpa) -", "KYIV (AFP) -"]


def generate(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    pool = sentences()
    vocabulary = sorted({w for s in pool for w in s.split()})

    def sentence() -> str:
        words = rng.choice(pool).split()
        return " ".join(rng.choice(vocabulary) if rng.random() < 0.33 else w for w in words)

    def article() -> list[str]:
        size, paragraphs = rng.randint(2_000, 8_000), []
        while sum(map(len, paragraphs)) < size:
            paragraphs.append(" ".join(sentence() for _ in range(rng.randint(2, 5))))
        return paragraphs

    def edit(paragraphs: list[str]) -> list[str]:
        out = list(paragraphs)
        kind = rng.random()
        if kind < 0.5:  # light: a dateline and a few words
            out[0] = f"{rng.choice(AGENCIES)} {out[0]}"
            swaps = rng.randint(0, 4)
        elif kind < 0.8:  # a paragraph dropped or added
            if rng.random() < 0.5 and len(out) > 2:
                del out[rng.randrange(1, len(out))]
            else:
                out.insert(rng.randrange(1, len(out) + 1), " ".join(sentence() for _ in range(3)))
            swaps = rng.randint(0, 10)
        else:  # rewritten: a fifth of the words
            swaps = sum(len(p.split()) for p in out) // 5
        words = "\n\n".join(out).split(" ")
        for _ in range(swaps):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        return " ".join(words).split("\n\n")

    texts: list[list[str]] = []
    for i in range(n):
        if i > 10 and rng.random() < 0.10:
            texts.append(edit(texts[rng.randrange(i)]))
        else:
            texts.append(article())
    return ["\n\n".join(t) + f"\n\n[{i}]" for i, t in enumerate(texts)]


def exact_pairs(texts: list[str], threshold: float
                ) -> tuple[set[tuple[int, int]], float, int]:
    """Every pair at or above ``threshold`` by exact Jaccard over all pairs, the time, and
    how many of them lie within 0.05 above the threshold (the ones a sketch can miss)."""
    start = time.perf_counter()
    sets = [shingles(t) for t in texts]
    sizes = np.array([s.size for s in sets], dtype=np.int64)
    values = np.concatenate(sets)
    owners = np.repeat(np.arange(len(sets), dtype=np.int64), sizes)
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    counts = np.diff(np.r_[starts, values.size])
    n = len(texts)
    keys: list[np.ndarray] = []
    for begin, size in zip(starts[counts > 1], counts[counts > 1], strict=True):
        members = owners[begin: begin + size]
        i, j = np.triu_indices(size, 1)
        a, b = np.minimum(members[i], members[j]), np.maximum(members[i], members[j])
        keys.append(a * n + b)
    found: set[tuple[int, int]] = set()
    close = 0
    if keys:
        pair_keys, shared = np.unique(np.concatenate(keys), return_counts=True)
        a, b = pair_keys // n, pair_keys % n
        similarity = shared / (sizes[a] + sizes[b] - shared)
        hits = similarity >= threshold
        found = set(zip((a[hits] + 1).tolist(), (b[hits] + 1).tolist(), strict=True))
        close = int(np.sum(hits & (similarity < threshold + 0.05)))
    return found, time.perf_counter() - start, close


def sketched_pairs(texts: list[str], threshold: float) -> tuple[set[tuple[int, int]], float]:
    docs = dict(enumerate(texts, 1))
    start = time.perf_counter()
    groups = find_near_duplicates(
        lambda ids: ((i, docs[i]) for i in (sorted(docs) if ids is None else ids)), threshold)
    return ({(p.first, p.second) for g in groups for p in g.pairs},
            time.perf_counter() - start)


def measure(path: Path) -> None:
    with Project.open(path, read_only=True) as project:
        size = project.document_count()
        start = time.perf_counter()
        for _ in project.texts():
            pass
        reading = time.perf_counter() - start
        start = time.perf_counter()
        groups = duplicates.find(project, 0.9)
        finding = time.perf_counter() - start
    pairs = sum(len(g.pairs) for g in groups)
    members = sum(len(g.members) for g in groups)
    print(f"{size:,} documents, threshold 0.9: {finding:.1f} s ({finding / reading:.0f}x "
          f"reading every text, {reading:.1f} s); {len(groups):,} groups, {members:,} "
          f"documents, {pairs:,} pairs; peak RSS {peak_mib():.0f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure)
    size, sample = (2_000, 500) if args.quick else (args.size, args.sample)
    print(f"near-duplicates, {date.today()}, {platform.platform()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dup.annotator"
        start = time.perf_counter()
        with actions.new_project(path) as project:
            project.import_documents(NewDocument(t, title=f"article {i}")
                                     for i, t in enumerate(generate(size)))
        print(f"({size:,} documents generated and imported in "
              f"{time.perf_counter() - start:.0f} s)", flush=True)
        # in a process of its own, so its peak memory is the search's, not the generator's
        subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True)

    texts = generate(sample, seed=3)
    for threshold in (0.9, 0.8):
        truth, exact_time, close = exact_pairs(texts, threshold)
        found, our_time = sketched_pairs(texts, threshold)
        hits = len(truth & found)
        recall = hits / len(truth) if truth else 1.0
        precision = hits / len(found) if found else 1.0
        print(f"sample of {sample:,}, threshold {threshold}: exact all-pairs {len(truth):,} "
              f"pairs ({close} within 0.05 of it) in {exact_time:.2f} s; found {len(found):,} "
              f"pairs in {our_time:.2f} s; "
              f"recall {recall:.4f}  precision {precision:.4f}", flush=True)


if __name__ == "__main__":
    main()
