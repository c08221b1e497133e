"""Every export format read back by an independent reader, offsets and text checked against
the stored spans, including a document with emoji and one that had CRLF line ends."""

from __future__ import annotations

import csv
import gc
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from annotator.domain.model import NewDocument, Status
from annotator.services import actions
from annotator.storage import Project
from tests.conftest import run_cli

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

EMOJI = "Zelensky 🇺🇦 said: “No 👍🏽 deal.”\nPutin 😀 demanded guarantees."
CRLF_FILE = "Headline\r\n\r\n(Reuters)- Stoltenberg said\r\nNATO will not\r\nbudge."


@pytest.fixture
def coded(tmp_path: Path, new_location) -> Project:  # type: ignore[no-untyped-def]
    project = actions.new_project(new_location("coded"))
    source = tmp_path / "crlf.txt"
    source.write_bytes(CRLF_FILE.encode("utf-8"))
    actions.import_paths(project, [source])
    project.import_documents([NewDocument(text=EMOJI, title="Emoji <b>&</b>", date="2022-01-05")])
    for coder in ("ana", "ben"):
        for doc in project.all_document_ids():
            text = project.document(doc).text
            for word, category in (("Putin", "speaker"), ("Stoltenberg", "speaker"),
                                   ("Zelensky", "speaker")):
                if word in text:
                    at = text.index(word)
                    speaker = project.add_span(doc, coder, category, at, at + len(word),
                                               attributes={"actor": "other",
                                                           "note": "a, \"quoted\"\nnote",
                                                           "direct_quote": coder == "ana"})
            if "guarantees" in text:
                at = text.index("demanded")
                project.add_span(doc, coder, "demand", at, len(text) - 1,
                                 label="legally_binding_guarantees",
                                 attributes={"demanded_by": speaker.id})
            if "NATO will" in text:  # crosses a line break
                at = text.index("said")
                project.add_span(doc, coder, "accusation", at, text.index("budge"),
                                 attributes={"accuser": speaker.id, "target": "nato"})
            project.set_variable(doc, coder, "tone", "negative")
            project.set_status(doc, coder, Status.DONE if coder == "ana" else
                               Status.IN_PROGRESS)
    return project


def stored(project: Project) -> dict[str, tuple[int, str, str, str | None, int, int, str]]:
    return {s.id: (s.document_id, s.coder, s.category, s.label, s.start, s.end, s.text)
            for s in project.iter_spans()}


def test_spans_csv(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    assert actions.export(coded, "spans-csv", path) == len(stored(coded))
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = {d: coded.document(d).text for d in coded.all_document_ids()}
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert row["text"] == texts[int(row["document_id"])][start:end]
        assert stored(coded)[row["span_id"]][4:6] == (start, end)
    speaker = next(r for r in rows if r["category"] == "speaker" and r["coder"] == "ana")
    assert speaker["note"] == 'a, "quoted"\nnote' and speaker["direct_quote"] == "true"
    accusation = next(r for r in rows if r["category"] == "accusation")
    assert "\n" in accusation["text"] and accusation["accuser"] in stored(coded)
    excel = tmp_path / "excel.csv"
    actions.export(coded, "spans-csv", excel, excel=True, coders=["ana"], documents="done")
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert {r["coder"] for r in csv.DictReader(raw.decode("utf-8-sig").splitlines())} == {"ana"}


def test_matrix_csv(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "matrix.csv"
    actions.export(coded, "matrix-csv", path)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert len(rows) == 2 * coded.document_count()
    first = rows[0]
    assert first["var_tone"] == "negative" and first["status"] in ("done", "in_progress")
    doc, coder = int(first["doc_id"]), first["coder"]
    spans = coded.spans(doc, coder)
    assert int(first["n_speaker"]) == sum(s.category == "speaker" for s in spans)
    assert "n_demand__no_nato_expansion" in first


def test_jsonl_round_trip_into_a_new_project(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    actions.export(coded, "jsonl", path)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        for work in line["coders"].values():
            for span in work["spans"]:
                assert line["text"][span["start"]:span["end"]] == span["text"]
    fresh = actions.new_project(tmp_path / "fresh.annotator")
    result = actions.import_paths(fresh, [path])
    assert result.added == coded.document_count()
    assert {k: v[1:] for k, v in stored(fresh).items()} == {k: v[1:] for k, v in
                                                           stored(coded).items()}
    assert {s.id: s.attributes for s in fresh.iter_spans()} == \
        {s.id: s.attributes for s in coded.iter_spans()}
    assert fresh.statuses().values() and sorted(map(str, fresh.statuses().values())) == \
        sorted(map(str, coded.statuses().values()))
    assert actions.import_paths(fresh, [path]).coding.spans_added == 0  # twice adds nothing


def parse_ann(text: str) -> dict[str, dict]:  # type: ignore[type-arg]
    """A small brat standoff reader: T (with fragments), A, R and # lines."""
    entities, attributes, relations = {}, [], []
    for line in text.splitlines():
        if line.startswith("T"):
            tid, middle, shown = line.split("\t")
            kind, where = middle.split(" ", 1)
            fragments = [tuple(map(int, f.split())) for f in where.split(";")]
            entities[tid] = {"type": kind, "fragments": fragments, "text": shown}
        elif line.startswith("A"):
            attributes.append(line.split("\t")[1].split(" "))
        elif line.startswith("R"):
            name, arg1, arg2 = line.split("\t")[1].split(" ")
            relations.append((name, arg1.split(":")[1], arg2.split(":")[1]))
    return {"T": entities, "A": attributes, "R": relations}


def test_brat(coded: Project, tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    actions.export(coded, "brat", folder)
    assert sorted(p.name for p in folder.iterdir()) == ["ana", "annotation.conf", "ben",
                                                        "visual.conf"]
    for doc in coded.all_document_ids():
        for coder in ("ana", "ben"):
            stem = folder / coder / f"doc{doc:06d}"
            text = stem.with_suffix(".txt").read_text(encoding="utf-8")
            assert text == coded.document(doc).text
            ann = parse_ann(stem.with_suffix(".ann").read_text(encoding="utf-8"))
            spans = coded.spans(doc, coder)
            assert len(ann["T"]) == len(spans)
            for entity, span in zip(ann["T"].values(), spans, strict=True):
                assert entity["type"] == span.category
                covered = {i for s, e in entity["fragments"] for i in range(s, e)}
                assert covered == {i for i in range(span.start, span.end) if text[i] != "\n"}
                assert entity["text"] == " ".join(text[s:e] for s, e in entity["fragments"])
            names = {a[0] for a in ann["A"]}
            if any(s.label for s in spans):
                assert "label" in names
            if any(s.category == "accusation" for s in spans):
                assert any(r[0] == "accuser" for r in ann["R"])


NS = {"q": "urn:QDA-XML:project:1.0"}
GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{12}\}?$")


def check_refi_structure(root: ET.Element) -> None:
    """The required structure of the REFI-QDA Project schema 1.0 (Project.xsd, 2019)."""
    assert root.tag == "{urn:QDA-XML:project:1.0}Project" and root.get("name")
    order = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets",
             "Graphs", "Description"]
    children = [c.tag.split("}")[1] for c in root]
    assert children == sorted(children, key=order.index)
    for user in root.iterfind("q:Users/q:User", NS):
        assert GUID.match(user.get("guid", ""))
    for code in root.iter("{urn:QDA-XML:project:1.0}Code"):
        assert GUID.match(code.get("guid", "")) and code.get("name")
        assert code.get("isCodable") in ("true", "false")
        assert re.match(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$", code.get("color", "#fff"))
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        assert GUID.match(source.get("guid", ""))
        has_content = source.find("q:PlainTextContent", NS) is not None
        assert has_content != bool(source.get("plainTextPath"))  # exactly one of the two
        for selection in source.iterfind("q:PlainTextSelection", NS):
            assert GUID.match(selection.get("guid", ""))
            int(selection.get("startPosition")), int(selection.get("endPosition"))
            for coding in selection.iterfind("q:Coding", NS):
                assert GUID.match(coding.get("guid", ""))
                refs = coding.findall("q:CodeRef", NS)
                assert len(refs) == 1 and GUID.match(refs[0].get("targetGUID", ""))


def test_refi_qda_export_structure_and_round_trip(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "out.qdpx"
    actions.export(coded, "qdpx", path)
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        check_refi_structure(root)
        codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{NS['q']}}}Code")}
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            text = archive.read("sources/" + source.get("plainTextPath")
                                .removeprefix("internal://")).decode("utf-8")
            for selection in source.iterfind("q:PlainTextSelection", NS):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                span = stored(coded)[selection.get("guid")]
                assert (start, end, text[start:end]) == (span[4], span[5], span[6])
                ref = selection.find("q:Coding/q:CodeRef", NS).get("targetGUID")
                assert codes[ref]
    fresh = actions.new_project(tmp_path / "fresh.annotator")
    actions.import_paths(fresh, [path])
    assert {k: v[1:] for k, v in stored(fresh).items()} == {k: v[1:] for k, v in
                                                           stored(coded).items()}
    assert {s.id: s.attributes for s in fresh.iter_spans()} == \
        {s.id: s.attributes for s in coded.iter_spans()}


def test_refi_qda_from_another_tool(tmp_path: Path, empty_project: Project) -> None:
    """A minimal file as other tools write it: text inline, codes by name, no annotator note."""
    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="other" origin="SomeQDA 1.0">
 <Users><User guid="11111111-1111-1111-1111-111111111111" name="Maria"/></Users>
 <CodeBook><Codes>
  <Code guid="22222222-2222-2222-2222-222222222222" name="Speaker" isCodable="true"/>
  <Code guid="33333333-3333-3333-3333-333333333333" name="Demand" isCodable="true">
   <Code guid="44444444-4444-4444-4444-444444444444" name="No NATO expansion" isCodable="true"/>
  </Code>
 </Codes></CodeBook>
 <Sources><TextSource guid="55555555-5555-5555-5555-555555555555" name="Article">
  <PlainTextContent>Putin wants no NATO expansion 😀.</PlainTextContent>
  <PlainTextSelection guid="66666666-6666-6666-6666-666666666666" startPosition="0"
    endPosition="5" creatingUser="11111111-1111-1111-1111-111111111111">
   <Coding guid="77777777-7777-7777-7777-777777777777">
    <CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
  </PlainTextSelection>
  <PlainTextSelection guid="88888888-8888-8888-8888-888888888888" startPosition="12"
    endPosition="29" creatingUser="11111111-1111-1111-1111-111111111111">
   <Coding guid="99999999-9999-9999-9999-999999999999">
    <CodeRef targetGUID="44444444-4444-4444-4444-444444444444"/></Coding>
  </PlainTextSelection>
 </TextSource></Sources>
</Project>"""
    path = tmp_path / "other.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    actions.import_paths(empty_project, [path])
    spans = sorted((s.coder, s.category, s.label, s.text) for s in empty_project.iter_spans())
    assert spans == [("Maria", "demand", "no_nato_expansion", "no NATO expansion"),
                     ("Maria", "speaker", None, "Putin")]
    broken = tmp_path / "unknown.qdpx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("project.qde", qde.replace('name="Speaker"', 'name="Weather"'))
    from annotator.domain.errors import ImportFailed

    with pytest.raises(ImportFailed, match="codes not in the coding scheme: Weather"):
        actions.import_paths(empty_project, [broken])


@pytest.mark.sqlite_only  # the default output goes beside the file
def test_codebook_and_cli(coded: Project, tmp_path: Path) -> None:
    path = coded.path
    coded.close()
    code, out, err = run_cli("export", str(path), "--format", "codebook-md")
    assert code == 0, err
    text = path.with_name("coded-codebook.md").read_text(encoding="utf-8")
    assert "### Demand (`demand`) — key **D**" in text and "Legally binding" in text
    code, _, _ = run_cli("export", str(path), "--format", "codebook-html", "-o",
                         str(tmp_path / "cb.html"))
    assert code == 0 and "<kbd>S</kbd>" in (tmp_path / "cb.html").read_text(encoding="utf-8")
    code, out, _ = run_cli("export", str(path), "--format", "spans-csv", "--coders", "ana")
    assert code == 0 and "wrote" in out
    code, _, err = run_cli("export", str(path), "--format", "jsonl", "--coders", "zoe")
    assert code == 1 and "no coder named 'zoe'" in err


@pytest.mark.parametrize("fmt", ["spans-csv", "spans-csv-excel", "jsonl"])
def test_a_span_whose_text_was_changed_outside_stops_the_export(tmp_path: Path,
                                                                fmt: str) -> None:
    import sqlite3

    project = actions.new_project(tmp_path / "p.annotator")
    project.import_documents([NewDocument(text=f"Article {i}: Putin said no.", title=f"{i}")
                              for i in range(30)])
    for doc in project.all_document_ids():
        project.add_span(doc, "ana", "speaker", 11 + len(str(doc - 1)), 16 + len(str(doc - 1)))
        project.set_status(doc, "ana", Status.DONE)
    path = project.path
    project.close()
    conn = sqlite3.connect(path)  # what another program could do to the file
    conn.execute("DROP TRIGGER spans_inside_document_update")
    conn.execute("UPDATE spans SET text = 'Tampered' WHERE document_id = 17")
    conn.commit()
    conn.close()
    target = tmp_path / f"out.{fmt}"
    with Project.open(path) as project, pytest.raises(Exception, match="document 17"):
        actions.export(project, fmt.replace("-excel", ""), target, excel=fmt.endswith("excel"))
    assert not target.exists()  # nothing written, not even the first rows
    assert gc.isenabled()  # on again after a failed export too


def test_the_spans_csv_streams_without_the_cycle_collector(coded: Project, tmp_path: Path
                                                            ) -> None:
    """Off while the rows stream (they hold no cycles; walking them cost 7 % at a million),
    and on again after."""
    during: list[bool] = []
    actions.export(coded, "spans-csv", tmp_path / "spans.csv",
                   progress=lambda _done, _total: during.append(gc.isenabled()))
    assert during and not any(during)
    assert gc.isenabled()


def test_the_spans_csv_in_small_lists_is_the_same_file_and_tells_progress_now_and_then(
        coded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows come in lists of ``SPAN_BATCH`` (small, to stay in the CPU's cache); a list's
    end anywhere in a document changes nothing in the file, and progress is told every
    ``PROGRESS_EVERY`` rows and once at the end, not per list."""
    from annotator.storage import exchange

    whole = tmp_path / "whole.csv"
    total = actions.export(coded, "spans-csv", whole)
    assert total > 7
    monkeypatch.setattr(exchange, "SPAN_BATCH", 2)
    monkeypatch.setattr(actions, "PROGRESS_EVERY", 3)
    told: list[tuple[int, int]] = []
    pieces = tmp_path / "pieces.csv"
    assert actions.export(coded, "spans-csv", pieces,
                          progress=lambda done, of: told.append((done, of))) == total
    assert pieces.read_bytes() == whole.read_bytes()
    # lists of 2: told at 4 (not at 2), 8, 12…, each of the total, and at the end
    assert told == [(d, total) for d in range(4, total + 1, 4)] + [(total, total)]


def test_spans_csv_rows_come_by_document_coder_name_start_end_and_making(
        tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    """The order the spans CSV promises, with coders made out of name order ("zoe" before
    "ana") and spans tied on their start, and on their start and end: the tie falls to the
    span made first."""
    project = actions.new_project(new_location("order"))
    project.import_documents([NewDocument(text=f"Putin said no to NATO {day}.", title=day)
                              for day in ("today", "again")])
    made = [project.add_span(2, "zoe", "speaker", 0, 5),
            project.add_span(2, "ana", "speaker", 11, 13),
            project.add_span(2, "ana", "speaker", 0, 10),
            project.add_span(2, "ana", "speaker", 0, 5),
            project.add_span(1, "zoe", "speaker", 6, 10),
            project.add_span(2, "ana", "demand", 0, 5),  # tied with the one made before
            project.add_span(1, "ana", "speaker", 0, 5)]
    project.set_status(2, "ana", Status.DONE)
    path = tmp_path / "order.csv"
    assert actions.export(project, "spans-csv", path) == 7
    with path.open(encoding="utf-8", newline="") as f:
        rows = [(int(r["document_id"]), r["coder"], r["span_id"]) for r in csv.DictReader(f)]
    assert rows == [(1, "ana", made[6].id), (1, "zoe", made[4].id), (2, "ana", made[3].id),
                    (2, "ana", made[5].id), (2, "ana", made[2].id), (2, "ana", made[1].id),
                    (2, "zoe", made[0].id)]
    actions.export(project, "spans-csv", path, coders=["zoe"], documents="done")
    assert path.read_text(encoding="utf-8").count("\n") == 1  # the header: zoe has none done
    project.close()


@pytest.mark.sqlite_only
def test_the_spans_csv_reads_its_rows_in_order_without_sorting_them(
        tmp_path: Path) -> None:
    """Version 13's index and the joins' order give the rows in the CSV's order as they
    are read: no temporary b-tree, for every coder, for chosen coders, for done work."""
    from annotator.storage.exchange import span_rows_sql

    with actions.new_project(tmp_path / "plan.annotator") as project:
        for where in ("TRUE", f"c.name IN ({project.db.sql.texts_in()})",
                      "TRUE AND st.status = 'done'"):
            plan = " | ".join(str(r[-1]) for r in project.db.execute(
                "EXPLAIN QUERY PLAN " + span_rows_sql(where), ['["ana"]'] * ("?" in where)))
            assert "TEMP B-TREE" not in plan, plan
            assert "spans_by_document_coder (document_id=? AND coder_id=?)" in plan, plan
        # and so do the window's spans of an article, and every other export's
        project.import_documents([NewDocument(text="Putin said no.", title="t")])
        project.add_span(1, "ana", "speaker", 0, 5)
        asked: list[str] = []
        project.db.conn.set_trace_callback(asked.append)  # type: ignore[attr-defined]
        project.spans(1, "ana")
        list(project.iter_records())
        project.db.conn.set_trace_callback(None)  # type: ignore[attr-defined]
        reads = [sql for sql in asked if "FROM spans s JOIN coders" in sql]
        assert len(reads) == 2, asked
        for sql in reads:
            plan = " | ".join(str(r[-1]) for r in project.db.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "TEMP B-TREE" not in plan, plan
