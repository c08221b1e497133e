"""What durability costs: one coding action (add a span, one transaction) with SQLite's
``synchronous=NORMAL`` against ``FULL`` (an fsync of the WAL at every commit), alternating
the two settings in one run on the same disk.

    python benchmarks/bench_durability.py [FOLDER]   # FOLDER: the disk to measure (default: temp)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from annotator.domain.model import NewDocument
from annotator.services import actions

ACTIONS = 200
ROUNDS = 5


def per_action_ms(path: Path, synchronous: str) -> float:
    with actions.open_or_create_sample(path) if path.exists() else actions.new_project(
            path) as project:
        if not project.document_count():
            project.import_documents([NewDocument(text="Putin spoke to Stoltenberg. " * 40)])
        project.db.execute(f"PRAGMA synchronous = {synchronous}")
        doc = project.all_document_ids()[0]
        start = time.perf_counter()
        for i in range(ACTIONS):
            project.add_span(doc, "bench", "speaker", i % 100, i % 100 + 5)
        return (time.perf_counter() - start) / ACTIONS * 1000


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    path = folder / "durability.annotator"
    times: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    for _ in range(ROUNDS):
        for mode in times:
            times[mode].append(per_action_ms(path, mode))
    normal, full = (statistics.median(times[m]) for m in ("NORMAL", "FULL"))
    print(f"one coding action, median of {ROUNDS} x {ACTIONS} on {folder}:")
    print(f"  synchronous=NORMAL {normal:6.2f} ms   (min {min(times['NORMAL']):.2f})")
    print(f"  synchronous=FULL   {full:6.2f} ms   (min {min(times['FULL']):.2f})   "
          f"ratio {full / normal:.2f}x")


if __name__ == "__main__":
    main()
