"""Export of 1,000,000 spans to CSV and JSONL: time and peak memory, against the floor of a
plain sqlite3-to-csv dump of the same span rows, measured in one run.

    python benchmarks/bench_export.py [SPANS]
"""

from __future__ import annotations

import csv
import random
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

from annotator.domain.model import NewDocument, Status
from annotator.services import actions

WORDS = "NATO Russia Putin Biden Kremlin security guarantees demand said talks".split()


def build(path: Path, n_spans: int) -> None:
    rng = random.Random(3)
    project = actions.new_project(path)
    n_docs = n_spans // 40  # 2 coders × 20 spans per document
    docs = [NewDocument(text=" ".join(rng.choices(WORDS, k=300)) + f" {i}") for i in range(n_docs)]
    project.import_documents(docs)
    coder_ids = {c: project._coder_id(c) for c in ("ana", "ben")}
    rows = []
    for doc_id, doc in zip(project.all_document_ids(), docs, strict=True):
        for coder, cid in coder_ids.items():
            for _ in range(20):
                s = rng.randrange(0, len(doc.text) - 40)
                e = s + rng.randrange(1, 40)
                rows.append((str(uuid.UUID(int=rng.getrandbits(128))), doc_id, cid, "speaker",
                             None, s, e, doc.text[s:e], '{"actor": "putin"}', "t", "t"))
            project.set_status(doc_id, coder, Status.DONE)
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO spans (id, document_id, coder_id, category, label, start_offset, "
            "end_offset, text, attributes, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    project.close()


def main(n_spans: int = 1_000_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "big.annotator"
        build(path, n_spans)
        from annotator.storage import Project

        results = {}
        with Project.open(path) as project:
            for fmt in ("spans-csv", "jsonl"):
                t = time.perf_counter()
                actions.export(project, fmt, root / f"out.{fmt}")
                results[fmt] = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        t = time.perf_counter()
        conn = sqlite3.connect(path)
        with (root / "floor.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            cursor = conn.execute(
                "SELECT s.id, s.document_id, d.title, d.date, d.outlet, c.name, s.category, "
                "s.label, s.start_offset, s.end_offset, s.text, s.attributes, s.created_at, "
                "s.updated_at FROM spans s JOIN documents d ON d.id = s.document_id "
                "JOIN coders c ON c.id = s.coder_id ORDER BY s.document_id")
            writer.writerow([d[0] for d in cursor.description])
            writer.writerows(cursor)
        conn.close()
        floor = time.perf_counter() - t
        sizes = {k: (root / f"out.{k}").stat().st_size / 1e6 for k in results}
    print(f"{n_spans} spans in {n_spans // 40} documents, 2 coders")
    print(f"plain sqlite3 → csv dump (floor):  {floor:7.2f} s")
    for fmt, seconds in results.items():
        print(f"annotator export {fmt:<10}        {seconds:7.2f} s  ratio {seconds / floor:5.2f}x"
              f"  ({sizes[fmt]:.0f} MB)")
    print(f"peak RSS of the process: {peak:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
