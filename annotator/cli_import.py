"""What ``annotator import --dry-run`` prints: the articles found in each file."""

from __future__ import annotations

from pathlib import Path

from annotator.domain.errors import shown_name
from annotator.domain.model import NewDocument


def print_preview(found: list[tuple[Path, list[NewDocument]]],
                  known: set[str] | frozenset[str] = frozenset()) -> None:
    """Each file's articles (``*`` before one the project holds already) and what its
    reader said; ``known``: the content hashes already in the project."""
    for path, documents in found:
        there = sum(d.content_hash in known for d in documents)
        print(f"{shown_name(path)}: {len(documents)} article{'s' * (len(documents) != 1)}"
              + (f", {there} already in the project" if there else ""))
        for n, d in enumerate(documents, start=1):
            mark = "*" if d.content_hash in known else " "
            print(f" {mark}{n:>4}. {d.date or '—':<10}  {(d.outlet or '—')[:28]:<28}  "
                  f"{len(d.text):>8,} chars  {d.title[:70]}")
            for note in d.notes:
                print(f"        note: {note}")
    total = sum(len(d) for _, d in found)
    print(f"{total} article{'s' * (total != 1)} in {len(found)} file"
          f"{'s' * (len(found) != 1)}; nothing was imported (--dry-run)")
