"""Several processes writing one project at once: nothing refused, nothing lost.

Before write transactions began IMMEDIATE, two writers lost about one action in ten with
"database is locked" at once: SQLite does not apply the busy timeout when a deferred
transaction that has read upgrades to a writer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from annotator.services import actions
from annotator.storage import Project
from tests.conftest import SEEDS

WORKER = textwrap.dedent("""
    import json, sys
    from annotator.storage import Project
    from annotator.domain.model import Status
    path, coder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    refused = 0
    with Project.open(path) as project:
        ids = project.all_document_ids()
        for i in range(count):
            doc = ids[i % len(ids)]
            try:
                if i % 3 == 0:
                    project.add_span(doc, coder, "speaker", i % 50, i % 50 + 3)
                elif i % 3 == 1:
                    project.set_variable(doc, coder, "outlet", f"{coder} {i}")
                else:
                    project.set_status(doc, coder, Status.DONE if i % 2 else Status.IN_PROGRESS)
            except Exception as exc:
                refused += 1
                print(repr(exc), file=sys.stderr)
    print(json.dumps({"refused": refused}))
""")


def _start(path: Path, coder: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(path), coder, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _has_variable(project: Project, key: str) -> bool:
    return project.scheme.variable(key) is not None


def test_four_writers_lose_and_refuse_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
        assert _has_variable(project, "outlet")
    coders = ["ana", "ben", "cem", "dan"]
    workers = [_start(path, c, 300) for c in coders]
    results = [w.communicate(timeout=240) for w in workers]
    for (out, err), worker in zip(results, workers, strict=True):
        assert worker.returncode == 0, err
        assert json.loads(out) == {"refused": 0}, err
    with Project.open(path) as project:
        for coder in coders:
            spans = [s for s in project.iter_spans(coders=[coder])]
            assert len(spans) == 100  # every third action of 300
            assert {v for d, c, k, v in project.all_variables() if c == coder}


def test_writers_wait_for_an_import(tmp_path: Path) -> None:
    path = tmp_path / "shared.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3000):
        (corpus / f"a{i:05}.txt").write_text(f"Headline {i}\n\nBody of article {i}. " * 20,
                                             encoding="utf-8")
    importer = subprocess.Popen([sys.executable, "-m", "annotator", "import", str(path),
                                 str(corpus)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    workers = [_start(path, c, 150) for c in ("ana", "ben")]
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert json.loads(out) == {"refused": 0}, err
    out, err = importer.communicate(timeout=240)
    assert importer.returncode == 0, err
    with Project.open(path) as project:
        assert project.document_count() == 3005
        assert sum(1 for _ in project.iter_spans()) == 100


def test_a_second_open_in_the_same_process_keeps_the_first_ones_locks(tmp_path: Path) -> None:
    """POSIX drops every lock a process holds on a file when any descriptor of it closes.
    Reading the header with open() while the window's connection was open did that: the
    next program to close its connection then thought itself the last one and deleted the
    -wal, and what the window saved after that went into a deleted file."""
    from annotator.storage.sqlite.backup import make_backup

    path = tmp_path / "p.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
        doc = project.all_document_ids()[0]
        project.add_span(doc, "ana", "speaker", 0, 3)
        make_backup(path)  # opens the same file again in this process, then closes it
        with Project.open(path, read_only=True):
            pass
        reader = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); " \
                 "print(c.execute('SELECT count(*) FROM spans').fetchone()[0]); c.close()"
        subprocess.run([sys.executable, "-c", reader, str(path)], check=True)
        assert Path(f"{path}-wal").exists()  # the other program did not take it away
        project.add_span(doc, "ana", "speaker", 4, 9)
        out = subprocess.run([sys.executable, "-c", reader, str(path)], check=True,
                             capture_output=True, text=True).stdout
        assert out.strip() == "2"  # what was saved after is in the file others read
