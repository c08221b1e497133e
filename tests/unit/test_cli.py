"""The command line: exit codes (0 ok, 1 user error, 2 usage), messages, and stored rows."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from annotator.storage import Project
from tests.conftest import DEFAULT_SCHEME, SEEDS, run_cli


def test_new_import_info(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    assert run_cli("new", str(path))[0] == 0
    code, out, _ = run_cli("import", str(path), str(SEEDS))
    assert code == 0 and "imported 5 documents; skipped 0 duplicates" in out
    code, out, _ = run_cli("import", str(path), str(SEEDS))
    assert code == 0 and "imported 0 documents; skipped 5 duplicates" in out
    code, out, _ = run_cli("info", str(path), "--json")
    info = json.loads(out)
    assert (code, info["documents"], info["spans"]) == (0, 5, 0)
    with Project.open(path) as project:
        assert sorted(d for i in project.all_document_ids()
                      if (d := project.document(i).date)) == [
            "2021-12-08", "2021-12-23", "2022-02-02"]


def test_user_errors_exit_1_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    run_cli("new", str(path))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    for args, expected in [
        (("import", str(path), str(bad)), "bad.txt: a binary file"),
        (("new", str(path)), "already exists"),
        (("info", str(tmp_path / "missing.annotator")), "no such project file"),
        (("scheme", "check", str(tmp_path / "none.yaml")), "none.yaml: cannot read"),
    ]:
        code, out, err = run_cli(*args)
        assert code == 1, args
        assert err.startswith("annotator: error: ") and expected in err
        assert "Traceback" not in err and err.count("\n") == 1


def test_usage_errors_exit_2() -> None:
    assert run_cli("import")[0] == 2
    assert run_cli("scheme", "frobnicate", "x")[0] == 2
    assert run_cli("info", "--bogus", "x")[0] == 2


def test_scheme_check(tmp_path: Path) -> None:
    code, out, _ = run_cli("scheme", "check", str(DEFAULT_SCHEME))
    assert code == 0 and "4 categories" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text(DEFAULT_SCHEME.read_text(encoding="utf-8").replace(
        'colour: "#d62728"', 'colour: red'), encoding="utf-8")
    code, _, err = run_cli("scheme", "check", str(broken))
    line = next(i for i, t in enumerate(broken.read_text().splitlines(), 1) if "colour: red" in t)
    assert code == 1 and f"broken.yaml, line {line}, field categories[1].colour" in err


def test_sigkill_during_a_large_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "NATO and Russia. " * 120
    for i in range(10_000):
        (corpus / f"{i:05}.txt").write_text(f"Headline {i}\n\n{i} {body}", encoding="utf-8")
    path = tmp_path / "p.annotator"
    assert run_cli("new", str(path))[0] == 0
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "import", str(path), str(corpus)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if "40%" in line or not line:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] in (0, 10_000)
    conn.close()
    with Project.open(path) as project:
        assert project.document_count() == 0


def test_the_command_names_known_without_loading_them_are_the_commands() -> None:
    from annotator.cli.registry import COMMAND_NAMES, commands

    assert set(commands()) == COMMAND_NAMES


def test_a_project_alone_opens_the_window_without_loading_every_command(
        tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001 - pytest's fixture
    """`annotator PROJECT` and `annotator` open the window as `annotator gui` does, and
    before any command's module (with its imports) is loaded; a command's name, an option
    or more words still go to the parser."""
    import annotator.cli as cli
    from annotator.ui.window import app

    opened: list[object] = []
    monkeypatch.setattr(app, "run", lambda project: opened.append(project) or 0)
    for name in [m for m in sys.modules if m.startswith("annotator.cli.")
                 and m != "annotator.cli.registry"]:
        monkeypatch.delitem(sys.modules, name)
    assert cli.main([str(tmp_path / "p.annotator")]) == 0
    assert cli.main([]) == 0
    assert cli.main(["postgresql://lab.example/study"]) == 0
    assert opened == [tmp_path / "p.annotator", None, "postgresql://lab.example/study"]
    assert not [m for m in sys.modules if m.startswith("annotator.cli.")
                and m not in ("annotator.cli.registry",)]
    assert cli.main(["gui", str(tmp_path / "q.annotator")]) == 0  # the parser's way
    assert opened[-1] == tmp_path / "q.annotator"
    assert run_cli("--version")[0] == 0
