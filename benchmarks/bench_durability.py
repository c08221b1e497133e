"""What durability costs the thread that codes: one coding action (add a span, one
transaction) with SQLite's ``synchronous=FULL`` (an fsync of the WAL in every commit, what
annotator did until 2026-12-03), ``NORMAL`` (no fsync: a power cut may lose the last
actions) and ``behind`` (NORMAL, and the syncer's thread fsyncs the WAL after each commit:
what the window does now). The three alternate in one run on the same disk.

The median says what an action costs; the longest says what a coder feels. On a virtual
disk a single fsync sometimes takes hundreds of milliseconds, and under FULL the window
waited that long. For ``behind``, "on the disk" is how long after the commit the syncer
had it there (what "● saving…" shows for).

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
PAUSE_S = 0.02  # between actions, as a coder's are apart


def run(path: Path, mode: str) -> tuple[list[float], list[float]]:
    """Seconds each action held the committing thread, and (``behind``) until it was on
    the disk."""
    held: list[float] = []
    durable: list[float] = []
    with actions.open_or_create_sample(path) if path.exists() else actions.new_project(
            path) as project:
        if not project.document_count():
            project.import_documents([NewDocument(text="Putin spoke to Stoltenberg. " * 40)])
        syncer = None
        if mode == "behind":
            syncer = project.sync_off_thread(lambda n, e: None)
        else:
            project.db.execute(f"PRAGMA synchronous = {mode}")
        doc = project.all_document_ids()[0]
        for i in range(ACTIONS):
            start = time.perf_counter()
            project.add_span(doc, "bench", "speaker", i % 100, i % 100 + 5)
            held.append(time.perf_counter() - start)
            if syncer is not None:
                syncer.wait()
                durable.append(time.perf_counter() - start)
            time.sleep(PAUSE_S)
    return held, durable


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    path = folder / "durability.annotator"
    held: dict[str, list[float]] = {"FULL": [], "NORMAL": [], "behind": []}
    durable: list[float] = []
    for _ in range(ROUNDS):
        for mode, times in held.items():
            got, on_disk = run(path, mode)
            times += got
            durable += on_disk
    print(f"one coding action, {ROUNDS} x {ACTIONS} per mode on {folder}:")
    for mode, times in held.items():
        times.sort()
        print(f"  {mode:7} holds the thread: median {statistics.median(times) * 1000:6.2f} ms,"
              f" 99th {times[int(len(times) * 0.99)] * 1000:6.1f} ms,"
              f" longest {times[-1] * 1000:6.1f} ms")
    durable.sort()
    print(f"  behind: on the disk after median {statistics.median(durable) * 1000:.2f} ms, "
          f"longest {durable[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
