"""Finding things at corpus size: corpus search (keyword-in-context lines for a name, a
phrase, a prefix) and code retrieval (Tools → Coded segments), each against SQLite alone
answering the same question (the floor), alternating, in one run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from common import pairs, row


def bench_search(path: Path, repeat: int) -> None:
    """Floor: the FTS5 query and the texts of as many documents as the app reads, by sqlite3
    (what any keyword-in-context view must at least read); app: ``annotator.services.search.search``
    for the window's first page (``search.PAGE`` lines), which also finds every match's
    place and cuts its context, and counts every matching document."""
    from annotator.domain.corpus_query import parse
    from annotator.services import search
    from annotator.storage import Project

    conn = sqlite3.connect(path)
    with Project.open(path, read_only=True) as project:
        for term in ("Stoltenberg", '"Jens Stoltenberg"', "Stolten*"):
            fts = parse(term).fts
            read = search.search(project, term, limit=search.PAGE).documents_read

            def floor(q: str = fts, n: int = read) -> None:
                conn.execute("SELECT d.id, d.title, d.date, d.outlet, d.text FROM documents d "
                             "WHERE d.id IN (SELECT rowid FROM documents_fts WHERE "
                             "documents_fts MATCH ?) ORDER BY d.id LIMIT ?", [q, n]).fetchall()

            def app(t: str = term) -> None:
                search.search(project, t, limit=search.PAGE)

            f, a = pairs(floor, app, repeat)
            row(f"corpus search {term}", f"FTS5 + {read:,} texts", f, a, "≤ 100 ms median")
    conn.close()


def bench_segments(path: Path, repeat: int) -> None:
    """Floor: the same span rows with their context, cut by SQLite, fetched by sqlite3;
    app: ``Project.segments`` as the panel reads them (Span objects with their links)."""
    from annotator.storage import Project
    from annotator.ui.find.segments_window import LIMIT

    conn = sqlite3.connect(path)
    with Project.open(path, read_only=True) as project:
        for coder in ("ana", None):
            def floor(c: str | None = coder) -> None:
                conn.execute(
                    "SELECT s.id, s.start_offset, s.end_offset, s.text, s.attributes, d.title, "
                    "d.date, d.outlet, substr(d.text, max(1, s.start_offset - 59), "
                    "min(s.start_offset, 60)), substr(d.text, s.end_offset + 1, 60) "
                    "FROM spans s JOIN coders c ON c.id = s.coder_id JOIN documents d "
                    "ON d.id = s.document_id WHERE s.category = 'speaker' AND (? IS NULL OR "
                    "c.name = ?) ORDER BY s.document_id, s.start_offset LIMIT ?",
                    [c, c, LIMIT]).fetchall()

            def app(c: str | None = coder) -> None:
                project.segments("speaker", coder=c, limit=LIMIT + 1)

            f, a = pairs(floor, app, repeat)
            row(f"coded segments, speaker, {coder or 'every coder'}", "SQLite rows", f, a,
                "≤ 100 ms median")
    conn.close()
