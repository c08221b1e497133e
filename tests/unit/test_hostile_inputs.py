"""Hostile and broken inputs: each gets one line naming what is wrong, exit code 1, and
leaves every file byte for byte as it was (no -wal or -shm left behind either).

Each case was a traceback, a silent loss or a changed file before (issue: "Nothing lost,
nothing changed, never a traceback").
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator import cli
from annotator.domain.model import Status
from annotator.formats import refiqda_read as refiqda
from annotator.services import actions
from annotator.storage.sqlite import database
from tests.conftest import SEEDS

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

Case = Callable[[Path], list[str]]


def coded_project(tmp: Path, name: str = "p.annotator") -> Path:
    path = tmp / name
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
        doc = project.all_document_ids()[0]
        text = project.document(doc).text
        speaker = project.add_span(doc, "ana", "speaker", 0, text.index(" "))
        project.add_span(doc, "ana", "accusation", 0, 20, attributes={"accuser": speaker.id})
        project.set_status(doc, "ana", Status.DONE)
    return path


def write(tmp: Path, name: str, content: str | bytes) -> Path:
    path = tmp / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def qdpx(tmp: Path, selection: str, users: str = '<User guid="u1" name="ana"/>',
         extra_sources: str = "") -> Path:
    text = "Putin accused NATO of expansion."
    qde = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           f'name="x"><Users>{users}</Users><CodeBook><Codes>'
           f'<Code guid="c1" name="Speaker" isCodable="true"/>'
           f'<Code guid="c2" name="Accusation" isCodable="true"/></Codes></CodeBook><Sources>'
           f'<TextSource guid="s1" name="A" plainTextPath="internal://s1.txt">{selection}'
           f'</TextSource>{extra_sources}</Sources></Project>')
    path = tmp / "in.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("Sources/s1.txt", text)
    return path


def sel(guid: str = "x1", start: str = "0", end: str = "5", code: str = "c1",
        note: str = "") -> str:
    description = f"<Description>{note}</Description>" if note else ""
    return (f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}" '
            f'creatingUser="u1">{description}<Coding guid="k{guid}" creatingUser="u1">'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')


def exported_line(coders: object) -> str:
    return json.dumps({"format": "annotator-jsonl", "text": "Putin spoke.", "coders": coders})


def sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def scheme_case(body: str) -> Case:
    def make(tmp: Path) -> list[str]:
        return ["scheme", "apply", str(coded_project(tmp)), str(write(tmp, "s.yaml", body))]
    return make


def import_case(name: str, content: str | bytes) -> Case:
    def make(tmp: Path) -> list[str]:
        return ["import", str(coded_project(tmp)), str(write(tmp, name, content))]
    return make


def damaged(statement: str, *command: str) -> Case:
    def make(tmp: Path) -> list[str]:
        path = coded_project(tmp)
        sql(path, statement)
        return [c.replace("P", str(path)).replace("OUT", str(tmp / "out")) for c in command]
    return make


def merge_with(source: Callable[[Path], Path]) -> Case:
    def make(tmp: Path) -> list[str]:
        return ["merge", str(coded_project(tmp, "target.annotator")), str(source(tmp))]
    return make


def foreign_sqlite(tmp: Path) -> Path:
    path = tmp / "other.sqlite"
    sql(path, "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)")
    return path


def tampered(tmp: Path) -> Path:
    path = coded_project(tmp, "source.annotator")
    sql(path, "UPDATE documents SET text = 'Tampered text', length = 13 WHERE id = 5")
    return path


def corrupt_page(tmp: Path) -> list[str]:
    path = coded_project(tmp)
    data = bytearray(path.read_bytes())
    page = 4096
    for at in range(page * 3, min(len(data), page * 8)):  # garble pages 4-8: spans and text
        data[at] = (data[at] * 7 + 13) % 256
    path.write_bytes(bytes(data))
    return ["export", str(path), "--format", "jsonl", "-o", str(tmp / "out.jsonl")]


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))

CASES: dict[str, Case] = {
    # coding schemes
    "yaml alias bomb": scheme_case(BOMB),
    "yaml recursive anchor": scheme_case("name: &a [*a]\n"),
    "yaml nested 5000 deep": scheme_case("name: " + "[" * 5000 + "]" * 5000 + "\n"),
    "yaml python tag": scheme_case("name: !!python/name:os.system\n"),
    "yaml unknown tag": scheme_case("name: !secret x\nversion: 1\n"),
    "yaml sequence as key": scheme_case("? [a, b]\n: 1\n"),
    "scheme check alias bomb": lambda tmp: ["scheme", "check", str(write(tmp, "s.yaml", BOMB))],
    # JSONL
    "jsonl NUL in text": import_case("a.jsonl", '{"text": "Putin\\u0000 spoke."}\n'),
    "jsonl deep nesting": import_case("a.jsonl", '{"text": "x", "m": ' + "[" * 100000
                                      + "]" * 100000 + "}\n"),
    "jsonl lone surrogate": import_case("a.jsonl", '{"text": "Putin \\ud800 spoke."}\n'),
    "jsonl blank coder": import_case("a.jsonl", exported_line({" ": {"spans": []}}) + "\n"),
    "jsonl span without id": import_case("a.jsonl", exported_line({"ana": {"spans": [
        {"category": "speaker", "start": 0, "end": 5}]}}) + "\n"),
    "jsonl status finished": import_case("a.jsonl", exported_line(
        {"ana": {"status": "finished"}}) + "\n"),
    "jsonl unknown category": import_case("a.jsonl", exported_line({"ana": {"spans": [
        {"id": "s1", "category": "ghost", "start": 0, "end": 5}]}}) + "\n"),
    # REFI-QDA
    "qdpx positions not numbers": lambda tmp: ["import", str(coded_project(tmp)), str(
        qdpx(tmp, sel(start="zero")))],
    "qdpx duplicate guids": lambda tmp: ["import", str(coded_project(tmp)), str(
        qdpx(tmp, sel() + sel()))],
    "qdpx bad annotator json": lambda tmp: ["import", str(coded_project(tmp)), str(
        qdpx(tmp, sel(note="annotator:{broken")))],
    "qdpx link to missing span": lambda tmp: ["import", str(coded_project(tmp)), str(qdpx(
        tmp, sel(code="c2", note='annotator:{"attributes": {"accuser": "nowhere"}}')))],
    "qdpx link to wrong category": lambda tmp: ["import", str(coded_project(tmp)), str(qdpx(
        tmp, sel("a1", code="c2") + sel("a2", code="c2",
                                         note='annotator:{"attributes": {"accuser": "a1"}}')))],
    "qdpx blank user name": lambda tmp: ["import", str(coded_project(tmp)), str(
        qdpx(tmp, sel(), users='<User guid="u1" name=" "/>'))],
    "qdpx not a zip": import_case("in.qdpx", b"PK\x03\x04 broken"),
    # projects that are not projects, or damaged ones
    "info on an empty file": lambda tmp: ["info", str(write(tmp, "empty.annotator", b""))],
    "info on a text file": lambda tmp: ["info", str(write(tmp, "t.annotator", "hello\n"))],
    "info on a folder": lambda tmp: ["info", str(tmp)],
    "info on a foreign sqlite file": lambda tmp: ["info", str(foreign_sqlite(tmp))],
    "gui on an empty file": lambda tmp: ["import", str(write(tmp, "e.annotator", b"")),
                                         str(SEEDS)],
    "merge a foreign sqlite file": merge_with(foreign_sqlite),
    "merge an empty file": merge_with(lambda tmp: write(tmp, "empty", b"")),
    "merge a tampered document": merge_with(tampered),
    "merge damaged attributes": merge_with(lambda tmp: _damage(
        coded_project(tmp, "s.annotator"), "UPDATE spans SET attributes = '[]'")),
    "export damaged attributes": damaged("UPDATE spans SET attributes = '[]'",
                                         "export", "P", "--format", "jsonl", "-o", "OUT"),
    "info damaged scheme": damaged("UPDATE coding_schemes SET definition = '{}'", "info", "P"),
    "qdpx export of an unknown category": damaged(
        "UPDATE spans SET category = 'ghost' WHERE category = 'speaker'",
        "export", "P", "--format", "qdpx", "-o", "OUT"),
    "export of a damaged file": corrupt_page,
}


def _damage(path: Path, statement: str) -> Path:
    sql(path, statement)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_gets_one_line_and_changes_nothing(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    args = CASES[name](work)
    capsys.readouterr()
    before = snapshot(work)
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: error: "), err
    assert "Traceback" not in err and "internal error" not in err
    assert snapshot(work) == before  # byte-identical, and no -wal/-shm or temp file added


def test_zip_bomb_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(refiqda, "MAX_MEMBER", 1024 * 1024)
    path = coded_project(tmp_path)
    bomb = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", b"<" + b" " * (3 * 1024 * 1024))
    before = snapshot(tmp_path)
    assert cli.main(["import", str(path), str(bomb)]) == 1
    assert "refused unread" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_a_locked_project_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    path = coded_project(tmp_path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert cli.main(["import", str(path), str(SEEDS / "..")]) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert "locked by another program" in err and len(err.strip().splitlines()) == 1


def test_a_long_csv_article_imports(tmp_path: Path) -> None:
    path = coded_project(tmp_path)
    body = "Stoltenberg said NATO would not budge. " * 6000  # 234 KB in one field
    write(tmp_path, "long.csv", f'title,text\nLong,"{body}"\n')
    assert cli.main(["import", str(path), str(tmp_path / "long.csv")]) == 0


NOT_PROJECTS: dict[str, Callable[[Path], Path]] = {
    "empty file": lambda tmp: write(tmp, "empty.annotator", b""),
    "foreign sqlite": foreign_sqlite,
    "text file": lambda tmp: write(tmp, "notes.annotator", "Putin spoke.\n"),
    "folder": lambda tmp: (tmp / "folder.annotator").mkdir() or tmp / "folder.annotator",
}
COMMANDS = {
    "info": ["info", "P"], "import": ["import", "P", str(SEEDS)],
    "export": ["export", "P", "--format", "spans-csv", "-o", "OUT"],
    "agreement": ["agreement", "P"], "copy": ["copy", "P", "OUT"],
    "check": ["check", "P"], "scheme apply": ["scheme", "apply", "P", "SCHEME"],
    "merge into": ["merge", "P", "OTHER"], "merge from": ["merge", "OTHER", "P"],
    "backup": ["backup", "P"],
}


@pytest.mark.parametrize("kind", list(NOT_PROJECTS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_command_changes_what_is_not_a_project(
        kind: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    bad = NOT_PROJECTS[kind](work)
    other = coded_project(work, "other.annotator")
    from tests.conftest import DEFAULT_SCHEME

    args = [a.replace("OTHER", str(other)).replace("OUT", str(tmp_path / "out"))
            .replace("SCHEME", str(DEFAULT_SCHEME)) for a in COMMANDS[command]]
    args = [str(bad) if a == "P" else a for a in args]
    before = snapshot(work)
    capsys.readouterr()
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: ") and len(err.strip().splitlines()) == 1, err
    assert snapshot(work) == before
    assert not (tmp_path / "out").exists()


def test_a_file_that_cannot_be_written_opens_read_only_and_stays_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As root every file is writable, so the check is stubbed: what matters is that such a
    file is opened without -wal/-shm (immutable) and refuses writes with a clear message."""
    from annotator.storage import Project

    path = coded_project(tmp_path)
    monkeypatch.setattr(database, "writable", lambda p: False)
    before = snapshot(tmp_path)
    assert cli.main(["info", str(path)]) == 0
    assert cli.main(["export", str(path), "--format", "jsonl", "-o",
                     str(tmp_path.parent / "out.jsonl")]) == 0
    with Project.open(path) as project:
        assert project.read_only and project.document_count() == 5
        with pytest.raises(Exception, match="read-only"):
            project.add_coder("ben")
    assert snapshot(tmp_path) == before
