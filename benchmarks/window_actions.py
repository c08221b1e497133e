"""The window rows' window and their four actions (switch and add, each with its floor),
made once for the timed rows in ``run.py`` and for the sampled split's child
(``window_loop.py``), so that both measure the same turn.

A switch goes to the article with the row's spans and back to its neighbour; its floor
sets the same two texts bare. Adding a span selects four characters a little further on
each time and codes them; its floor commits one row. Each action ends as the user's turn
does: the window repainted and the event loop run.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

Action = Callable[[], None]


def open_window(path: Any) -> tuple[Any, Any, Any]:
    """(the application, the project, its window) as the rows time them: 1366×740, shown,
    and the project's backup that opening it began finished first (1.1 GB at 100,000
    articles, on the other core through the rows otherwise)."""
    from PySide6.QtWidgets import QApplication

    from annotator.storage import Project
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.window.settings import Settings

    app = QApplication.instance() or QApplication([])
    project = Project.open(path)
    window = MainWindow(project, "ana", Settings())
    window.resize(1366, 740)
    window.show()
    for thread in threading.enumerate():
        if thread.name == "backup":
            thread.join()
    return app, project, window


def add_spans(project: Any, doc: int, length: int, count: int, rng: random.Random) -> None:
    """``count`` spans of two categories by "ana", 1–80 characters, at random places."""
    with project.transaction():
        for _ in range(count):
            start = rng.randrange(0, max(1, length - 90))
            project.add_span(doc, "ana", rng.choice(["speaker", "source_outlet"]),
                             start, start + rng.randrange(1, 80))


def the_article(project: Any, count: int) -> tuple[int, int]:
    """The row's article (``count`` spans by "ana", topped up to that many if it has
    fewer) and the article it switches with."""
    ids = project.all_document_ids()
    doc, other = ids[count % len(ids)], ids[(count + 1) % len(ids)]
    have = len(project.spans(doc, "ana"))
    if have < count:
        add_spans(project, doc, len(project.document(doc).text), count - have,
                  random.Random(3))
    return doc, other


def actions(app: Any, window: Any, project: Any, doc: int, other: int
            ) -> dict[str, Action]:
    """``app_switch``, ``floor_switch``, ``app_add`` and ``floor_add`` for one article."""
    text = project.document(doc).text
    texts = itertools.cycle([project.document(other).text, text])
    switches = itertools.cycle([other, doc])
    positions = itertools.cycle(range(10, len(text) - 10, 7))
    conn: sqlite3.Connection = project.db.conn

    def floor_switch() -> None:
        window.view.setPlainText(next(texts))
        window.repaint()
        app.processEvents()  # its own layout events, not left to the app's turn

    def app_switch() -> None:
        window.show_document(next(switches))
        window.repaint()
        app.processEvents()

    def floor_add() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE documents SET imported_at = imported_at WHERE id = ?", [doc])
        conn.execute("COMMIT")
        window.repaint()
        app.processEvents()

    def app_add() -> None:
        start = next(positions)
        window.view.select_range(start, start + 4)
        window.coding.code("speaker", None)
        window.repaint()
        app.processEvents()

    return {"app_switch": app_switch, "floor_switch": floor_switch, "app_add": app_add,
            "floor_add": floor_add}
