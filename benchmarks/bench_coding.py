"""Coding a large article: switching to a 50,000-character article with 1,000 spans, and adding
one span to it, each as a ratio to ``setPlainText`` of the same text alone, in one run.

    python benchmarks/bench_coding.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QTextEdit  # noqa: E402

from annotator.domain.model import NewDocument  # noqa: E402
from annotator.services import actions  # noqa: E402
from annotator.ui.window.main_window import MainWindow  # noqa: E402
from annotator.ui.window.settings import Settings  # noqa: E402

REPEAT = 15


def timed(func, repeat: int = REPEAT) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        func()
        QApplication.processEvents()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rng = random.Random(7)
    words = "NATO Russia Putin said demand guarantees Kremlin troops border 😀 talks".split()
    text = ""
    while len(text) < 50_000:
        text += " ".join(rng.choices(words, k=60)) + ".\n\n"
    text = text[:50_000]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp
        project = actions.new_project(Path(tmp) / "bench.annotator")
        project.import_documents([NewDocument(text=text, title="big"),
                                  NewDocument(text="small article", title="small")])
        big, small = project.all_document_ids()
        with project.transaction():
            for _ in range(1000):
                start = rng.randrange(0, 49_900)
                project.add_span(big, "ana", rng.choice(["speaker", "source_outlet"]), start,
                                 start + rng.randrange(1, 80))
        window = MainWindow(project, "ana", Settings())
        window.show()
        app.processEvents()

        plain = QTextEdit()
        plain.show()
        floor = timed(lambda: plain.setPlainText(text))

        def switch() -> None:
            window.show_document(small)
            window.show_document(big)

        switching = timed(switch)
        small_only = timed(lambda: window.show_document(small))
        window.show_document(big)
        positions = iter(range(100, 100 + 10 * 200, 10))

        def add_one() -> None:
            start = next(positions)
            window.view.select_range(start, start + 5)
            window.coding.code("speaker", None)

        adding = timed(add_one)
        window.close()
    switch_big = switching - small_only
    print(f"article: {len(text)} characters, 1,000 spans (offsets past emoji)")
    print(f"setPlainText alone (floor):              {floor * 1000:8.2f} ms")
    print(f"switch to the article with its spans:    {switch_big * 1000:8.2f} ms  "
          f"ratio {switch_big / floor:5.2f}x")
    print(f"add one span (store, undo, repaint):     {adding * 1000:8.2f} ms  "
          f"ratio {adding / floor:5.2f}x")


if __name__ == "__main__":
    main()
