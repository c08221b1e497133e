"""What the command modules print besides their results: a progress bar on stderr (so a
command's output stays clean), and rows as CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
import time
from typing import Any, TextIO


def write_rows(rows: list[dict[str, Any]], fmt: str, empty_header: str) -> None:
    """``rows`` on stdout as JSON (``fmt`` "json") or CSV with a header (``empty_header``
    alone when there are no rows)."""
    if fmt == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [empty_header],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


class ProgressBar:
    """A bar on a terminal; on a pipe, a line every tenth of a job of ten steps or more, so
    logs stay readable (and a one-file import's error stays the only line)."""

    def __init__(self, what: str, stream: TextIO | None = None) -> None:
        # sys.stderr as it is now, not as it was when this module was imported
        self.what, self.stream = what, stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last_tenth = -1
        self.last_draw = 0.0

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw < 0.05 and done < total:
                return
            self.last_draw = now
            bar = "#" * int(fraction * 30)
            self.stream.write(f"\r{self.what} [{bar:<30}] {fraction:4.0%} {done}/{total}")
            if done >= total:
                self.stream.write("\n")
        elif total >= 10 and (tenth := int(fraction * 10)) != self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(f"{self.what}: {fraction:.0%} ({done}/{total})\n")
        self.stream.flush()
