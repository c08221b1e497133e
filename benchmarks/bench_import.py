"""Import of N generated articles: our whole import (files → project) against the floor of a
plain sqlite-utils ``insert_all`` of the same rows, measured in one run.

    python benchmarks/bench_import.py [N]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

from annotator.domain.model import NewDocument
from annotator.formats.importers import collect_files, read_file
from annotator.services import actions

WORDS = ("NATO Russia Putin Biden Kremlin security guarantees demand expansion Ukraine border "
         "troops talks Moscow Washington alliance said reported according officials").split()


def make_corpus(folder: Path, n: int) -> None:
    rng = random.Random(1)
    for i in range(n):
        body = "\n\n".join(" ".join(rng.choices(WORDS, k=90)) + "." for _ in range(5))
        (folder / f"{i:06}.txt").write_text(f" date 2022-01-{i % 28 + 1:02} Lead {i}.\n\n{body}",
                                            encoding="utf-8")


def main(n: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir()
        make_corpus(corpus, n)

        t = time.perf_counter()
        project = actions.new_project(root / "ours.annotator")
        result = actions.import_paths(project, [corpus])
        ours = time.perf_counter() - t
        project.close()
        assert result.added == n

        # The same rows, already read and parsed, stored by sqlite-utils alone.
        docs: list[NewDocument] = [d for f in collect_files([corpus]) for d in read_file(f)]
        rows = [{"content_hash": d.content_hash, "title": d.title, "date": d.date,
                 "outlet": d.outlet, "url": d.url, "source_path": d.source_path, "text": d.text,
                 "length": len(d.text), "metadata": "{}", "imported_at": "x"} for d in docs]
        db = sqlite_utils.Database(root / "floor.db")
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        t = time.perf_counter()
        with db.atomic():
            db["documents"].insert_all(rows, pk="id", batch_size=500)
        floor = time.perf_counter() - t

        t = time.perf_counter()
        for f in collect_files([corpus]):
            list(read_file(f))
        reading = time.perf_counter() - t

    mb = sum(len(r["text"]) for r in rows) / 1e6
    print(f"articles: {n}, text: {mb:.1f} M characters")
    print(f"annotator import (read, parse, hash, store): {ours:7.2f} s  {n / ours:9.0f} rows/s")
    print(f"  of which reading+parsing files alone:      {reading:7.2f} s")
    print(f"sqlite-utils insert_all of the same rows:    {floor:7.2f} s  {n / floor:9.0f} rows/s")
    print(f"ratio ours / insert_all: {ours / floor:.2f}x "
          f"(storage part only: {(ours - reading) / floor:.2f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
