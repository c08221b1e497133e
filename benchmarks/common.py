"""What every benchmark row shares: the generator of news-like text, floor and app timed
alternately, and the printed table."""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMOJI = ["😀", "🇺🇦", "👍🏽", "👩‍👩‍👧", "🇷🇺"]


def sentences() -> list[str]:
    found: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found += [s.strip() for s in re.split(r"(?<=[.!?”])\s+", text) if len(s.strip()) > 30]
    return found


def article(rng: random.Random, pool: list[str], size: int) -> str:
    parts: list[str] = []
    while sum(len(p) for p in parts) < size:
        paragraph = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
        if rng.random() < 0.08:
            paragraph += " " + rng.choice(EMOJI)
        parts.append(paragraph)
    return "\n\n".join(parts)


def corpus(n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng, pool = random.Random(seed), sentences()
    docs = []
    for i in range(n):
        size = 300_000 if i % 20_000 == 19_999 else rng.randint(2_000, 8_000)
        text = article(rng, pool, size)
        docs.append((f"{text.split('.')[0][:80]} ({i})", text + f"\n\n[{i}]"))
    return docs


def pairs(floor: Callable[[], object], app: Callable[[], object], repeat: int
          ) -> tuple[list[float], list[float]]:
    """Floor and app alternating, so a slow moment of the machine hits both."""
    f_times, a_times = [], []
    for _ in range(repeat):
        for func, times in ((floor, f_times), (app, a_times)):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
    return f_times, a_times


ROWS: list[tuple[str, str, float, float, float, float, str]] = []


def row(work: str, floor_name: str, f: list[float], a: list[float], target: str) -> None:
    fm, am = statistics.median(f), statistics.median(a)
    ROWS.append((work, floor_name, fm, min(f), am, min(a), target))
    print(f"{work:<44} floor {fm * 1000:9.1f} ms (min {min(f) * 1000:8.1f})   app "
          f"{am * 1000:9.1f} ms (min {min(a) * 1000:8.1f})   ratio {am / fm:6.2f}x   "
          f"target {target}", flush=True)


def peak_mib() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss does
    not on Linux (a child started by a 3 GB parent reports 3 GB)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
    except (OSError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def audit(work: str, times: list[float], target: str = "≤ 50 ms") -> None:
    """A window action with no floor: how long the window was blocked, longest and median."""
    longest, median = max(times), statistics.median(times)
    ROWS.append((work, "(longest block)", 0.0, 0.0, median, longest, target))
    print(f"{work:<44} longest {longest * 1000:9.1f} ms   median {median * 1000:9.1f} ms   "
          f"({len(times)} times)   target {target}", flush=True)


def memory(work: str, floor_name: str, floor_mib: float, app_mib: float, target: str) -> None:
    ROWS.append((work, floor_name, floor_mib, floor_mib, app_mib, app_mib, target))
    print(f"{work:<44} floor {floor_mib:9.0f} MiB   app {app_mib:9.0f} MiB   "
          f"difference {app_mib - floor_mib:+6.0f} MiB   ratio {app_mib / floor_mib:6.2f}x   "
          f"target {target}", flush=True)
