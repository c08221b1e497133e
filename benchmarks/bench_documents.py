"""The document list over 100,000 documents: opening the window, sorting by title, and
filtering by a word in the text, each against SQLite alone answering the same query (the
floor), in one run.

    python benchmarks/bench_documents.py [DOCUMENTS]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.domain.model import NewDocument  # noqa: E402
from annotator.services import actions  # noqa: E402
from annotator.storage import Project  # noqa: E402
from annotator.ui.window.main_window import MainWindow  # noqa: E402
from annotator.ui.window.settings import Settings  # noqa: E402

WORDS = "NATO Russia Putin Biden Kremlin security guarantees demand said talks".split()


def timed(func) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    func()
    QApplication.processEvents()
    return time.perf_counter() - t


def main(n: int = 100_000) -> None:
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # kept alive for Qt
    rng = random.Random(9)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp
        path = Path(tmp) / "big.annotator"
        with actions.new_project(path) as project:
            project.import_documents(NewDocument(
                text=" ".join(rng.choices(WORDS, k=400)) + (" Stoltenberg" if i % 1000 == 0
                                                            else "") + f" {i}",
                title=f"{rng.choice(WORDS)} article {i}", date=f"2022-01-{i % 28 + 1:02}")
                for i in range(n))
        window: MainWindow | None = None

        def open_window() -> None:
            nonlocal window
            window = MainWindow(Project.open(path), "ana", Settings())
            window.show()

        opening = timed(open_window)
        assert window is not None
        sorting = timed(lambda: window.doc_table.sortByColumn(0, Qt.SortOrder.AscendingOrder))
        window.search_box.setText("Stoltenberg")  # the list filters after a typing pause;
        window.documents.filter_timer.stop()  # time one filtering, not the timer's as well
        filtering = timed(window.documents.filter_changed)
        shown = window.doc_model.rowCount()
        window.close()

        with Project.open(path) as project:
            floor_open = timed(lambda: project.db.execute(
                "SELECT id FROM documents ORDER BY id").fetchall())
            floor_sort = timed(lambda: project.db.execute(
                "SELECT id FROM documents ORDER BY title COLLATE NOCASE, id").fetchall())
            floor_filter = timed(lambda: project.db.execute(
                "SELECT id FROM documents WHERE title LIKE '%Stoltenberg%' OR outlet LIKE "
                "'%Stoltenberg%' OR text LIKE '%Stoltenberg%' ORDER BY +title").fetchall())
    print(f"{n} documents; the filter finds {shown}")
    print(f"open the window on the project:   {opening * 1000:8.1f} ms  "
          f"(SQLite listing the ids: {floor_open * 1000:6.1f} ms)")
    print(f"sort the list by title:           {sorting * 1000:8.1f} ms  "
          f"ratio {sorting / floor_sort:5.2f}x to SQLite's sorted query")
    print(f"filter by a word in the text:     {filtering * 1000:8.1f} ms  "
          f"ratio {filtering / floor_filter:5.2f}x to SQLite's LIKE query")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
