"""One window action, again and again for a while, for a sampling profiler to watch
(``rows_sampled.py`` runs this under py-spy).

    python benchmarks/window_loop.py PROJECT SPANS ACTION SECONDS

ACTION is one of ``window_actions.actions``: ``app_switch``, ``floor_switch``, ``app_add``
or ``floor_add``. The window is the timed rows' (1366×740, the project's backup at open
finished first). A span added is undone after its turn, outside the action, so that the
article keeps the row's number of spans. Prints the number of turns and their mean time.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import window_actions  # noqa: E402 - the script's own folder

WARM = 10  # turns before the loop (the first layouts, the caches)


def main(path: Path, count: int, name: str, seconds: float) -> None:
    app, project, window = window_actions.open_window(path)
    doc, other = window_actions.the_article(project, count)
    action = window_actions.actions(app, window, project, doc, other)[name]
    window.show_document(doc)

    def turn() -> None:
        action()
        if name == "app_add":
            window.undo_stack.undo()
            app.processEvents()

    for _ in range(WARM):
        turn()
    turns, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        turn()
        turns += 1
    print(f"turns {turns} mean {1000 * (time.perf_counter() - start) / turns:.2f} ms",
          flush=True)
    window.close()  # (and with it the project)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
