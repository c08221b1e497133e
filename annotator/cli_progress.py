"""A progress bar for the command line, on stderr so a command's output stays clean."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """A bar on a terminal; on a pipe, a line every tenth, so logs stay readable."""

    def __init__(self, what: str, stream=sys.stderr) -> None:  # type: ignore[no-untyped-def]
        self.what, self.stream = what, stream
        self.tty = stream.isatty()
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
        elif (tenth := int(fraction * 10)) != self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(f"{self.what}: {fraction:.0%} ({done}/{total})\n")
        self.stream.flush()
