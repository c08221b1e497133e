"""Every export read by an independent reader, the way its client reads it, on a project with
hard texts (emoji, ZWJ, flags, combining marks, Arabic and Hebrew, CRLF, lone CR, form feed,
vertical tab, U+2028, NEL, tabs, quotes, markup, formulas), four coders with overlaps and
links, and on an uncoded and an empty project:

- REFI-QDA: ``project.qde`` validated against the official REFI-QDA 1.0 schema (xmlschema);
- brat: a strict standoff reader that splits lines as brat does (Python's splitlines);
- CSV: pandas and the csv module; SPSS and Stata: pyreadstat; JSONL: splitlines and json.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pyreadstat
import pytest
import xmlschema

from annotator.domain.model import NewDocument, Status
from annotator.services import actions
from annotator.storage import Project
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

XSD = ROOT / "tests" / "data" / "refi-qda" / "refi-qda-project-1.0.xsd"
Q = "{urn:QDA-XML:project:1.0}"
HARD = [
    "Zelensky 🇺🇦 said: “No 👍🏽 deal” — 👩‍👩‍👧 families fled.\nPutin 😀 demanded guarantees.",
    "Cafe\u0301 talks: Lavrov met Stoltenberg.\fPage two:\vPutin spoke.",
    "مرحبا Putin said שלום to Biden.\u2028Next line\x85after NEL\tand a tab.",
    "Headline with \"quotes\" and <script>alert(1)</script>\n\nBody: Biden & Putin <b>met</b>.",
    "=HYPERLINK(\"http://evil\",\"click\") Putin spoke\x1cthen\x1dthen\x1ethen\u2029end.",
]
CRLF_FILE = "Title\r\n\r\nStoltenberg said\r\nNATO will\rnot budge."


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    assert XSD.is_file(), f"the official schema is missing: {XSD}"
    return xmlschema.XMLSchema(str(XSD))


@pytest.fixture
def hard(tmp_path: Path, new_location) -> Project:  # type: ignore[no-untyped-def]
    project = actions.new_project(new_location("hard"))
    (tmp_path / "crlf.txt").write_bytes(CRLF_FILE.encode("utf-8"))
    (tmp_path / "meta.csv").write_text('title,text,outlet,section,wordcount\n'
                                       '"=SUM(A1)",Putin spoke in Moscow.,Tass,World,4\n',
                                       encoding="utf-8")
    actions.import_paths(project, [tmp_path / "crlf.txt", tmp_path / "meta.csv"])
    project.import_documents([NewDocument(text=t, title=t.split("\n")[0][:40], date="2022-01-05")
                              for t in HARD])
    for k, coder in enumerate(("ana", "ben", "cem", "dan")):
        for doc in project.all_document_ids():
            text = project.document(doc).text
            for word in ("Putin", "Stoltenberg", "Biden", "Lavrov"):
                if word in text:
                    at = text.index(word)
                    speaker = project.add_span(doc, coder, "speaker", at, at + len(word) - k % 2,
                                               attributes={"actor": "other", "note":
                                                           "a\ttab,\n\"quoted\"\u2028note",
                                                           "direct_quote": k % 2 == 0})
            project.add_span(doc, coder, "accusation", 0, min(len(text), 30 + k),
                             attributes={"accuser": speaker.id, "target": "nato"})
            project.add_span(doc, coder, "demand", 2, min(len(text), 12 + k),
                             label="legally_binding_guarantees",
                             attributes={"demanded_by": speaker.id})
            project.set_variable(doc, coder, "tone", ("negative", "neutral")[k % 2])
            project.set_variable(doc, coder, "outlet", f"Outlet <{k}> \"x\"")
            project.set_variable(doc, coder, "ukraine_mentioned", k < 2)
            project.set_status(doc, coder, Status.DONE if k < 3 else Status.IN_PROGRESS)
    yield project
    project.close()


def spans_of(project: Project) -> dict[str, tuple]:  # type: ignore[type-arg]
    return {s.id: (s.coder, s.category, s.label, s.start, s.end, s.text,
                   json.dumps(s.attributes, sort_keys=True)) for s in project.iter_spans()}


def qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


# -- REFI-QDA ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["empty", "uncoded", "coded"])
def test_every_qdpx_is_valid_against_the_official_schema(kind: str, tmp_path: Path,
                                                         schema, hard) -> None:  # type: ignore[no-untyped-def]
    if kind == "coded":
        project = hard
    else:
        project = actions.new_project(tmp_path / f"{kind}.annotator")
        if kind == "uncoded":
            actions.import_paths(project, [SEEDS])
    path = tmp_path / f"{kind}.qdpx"
    actions.export(project, "qdpx", path)
    schema.validate(qde(path).decode("utf-8"))  # raises with the reason if not valid
    with zipfile.ZipFile(path) as archive:
        assert all(n == "project.qde" or n.startswith("sources/") for n in archive.namelist())


def test_qdpx_round_trip_is_lossless(hard: Project, tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "hard.qdpx"
    actions.export(hard, "qdpx", path)
    root = ET.fromstring(qde(path))
    assert root.find(f"{Q}Cases") is not None and root.find(f"{Q}Variables") is not None
    fresh = actions.new_project(tmp_path / "fresh.annotator")
    actions.import_paths(fresh, [path])
    assert spans_of(fresh) == spans_of(hard)
    assert sorted(fresh.all_variables()) == sorted(
        (fresh.document_id_by_key(hard.document(d).publication_key), c, k, v)
        for d, c, k, v in hard.all_variables())
    assert sorted(map(str, fresh.statuses().values())) == \
        sorted(map(str, hard.statuses().values()))


def test_qdpx_with_crlf_counts_windows_line_breaks_as_maxqda(hard: Project, tmp_path: Path,
                                                              schema) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "crlf.qdpx"
    actions.export(hard, "qdpx", path, line_endings="crlf")
    schema.validate(qde(path).decode("utf-8"))
    stored = spans_of(hard)
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        for source in root.iter(f"{Q}TextSource"):
            text = archive.read("sources/" + source.get("plainTextPath")
                                .removeprefix("internal://")).decode("utf-8")
            assert "\n" not in text.replace("\r\n", "")
            for selection in source.iter(f"{Q}PlainTextSelection"):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert text[start:end] == stored[selection.get("guid")][5].replace("\n", "\r\n")
    fresh = actions.new_project(tmp_path / "fresh.annotator")
    actions.import_paths(fresh, [path])  # and back: the same offsets in the stored text
    assert spans_of(fresh) == stored


def test_qdpx_shaped_like_maxqda_and_atlas_imports(tmp_path: Path, empty_project: Project
                                                   ) -> None:
    """Lowercase sources/, a CRLF text with positions counting CRLF as two (MAXQDA), and a
    quotation carrying two codes (ATLAS.ti)."""
    text = "Headline\r\n\r\nPutin accused NATO.\r\nBiden replied."
    putin, biden = text.index("Putin"), text.index("Biden")
    qde_text = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="maxqda" origin="MAXQDA 24">
 <Users><User guid="11111111-1111-1111-1111-111111111111" name="Ana Lopez"/></Users>
 <CodeBook><Codes>
  <Code guid="22222222-2222-2222-2222-222222222222" name="Speaker" isCodable="true"/>
  <Code guid="33333333-3333-3333-3333-333333333333" name="Accusation" isCodable="true"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="44444444-4444-4444-4444-444444444444" name="A"
              plainTextPath="internal://44444444-4444-4444-4444-444444444444.txt">
   <PlainTextSelection guid="55555555-5555-5555-5555-555555555555"
       startPosition="{putin}" endPosition="{putin + 5}"
       creatingUser="11111111-1111-1111-1111-111111111111">
    <Coding guid="66666666-6666-6666-6666-666666666666"><CodeRef
      targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
    <Coding guid="77777777-7777-7777-7777-777777777777"><CodeRef
      targetGUID="33333333-3333-3333-3333-333333333333"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="88888888-8888-8888-8888-888888888888"
       startPosition="{biden}" endPosition="{biden + 5}"
       creatingUser="11111111-1111-1111-1111-111111111111">
    <Coding guid="99999999-9999-9999-9999-999999999999"><CodeRef
      targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>"""
    path = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde_text)
        archive.writestr("sources/44444444-4444-4444-4444-444444444444.txt",
                         text.encode("utf-8"))
    actions.import_paths(empty_project, [path])
    spans = sorted((s.category, s.text, s.coder) for s in empty_project.iter_spans())
    assert spans == [("accusation", "Putin", "Ana Lopez"), ("speaker", "Biden", "Ana Lopez"),
                     ("speaker", "Putin", "Ana Lopez")]


# -- brat -------------------------------------------------------------------------------
def read_standoff(ann: str, text: str) -> dict[str, list[str]]:
    """As brat reads an .ann: lines by splitlines; every T's text must be the document's
    text at its fragments, and no fragment may cross a line of the text."""
    lines = ann.splitlines()
    assert len(lines) == ann.count("\n"), "a line break inside an .ann line"
    text_lines = text.splitlines(keepends=True)
    starts = [sum(len(x) for x in text_lines[:i]) for i in range(len(text_lines))]
    found: dict[str, list[str]] = {"T": [], "A": [], "R": [], "#": []}
    for line in lines:
        kind = line[0]
        found[kind].append(line)
        if kind == "T":
            _, middle, shown = line.split("\t")
            fragments = [tuple(map(int, f.split())) for f in middle.split(" ", 1)[1].split(";")]
            assert shown == " ".join(text[s:e] for s, e in fragments), line
            for s, e in fragments:
                first = max(i for i, at in enumerate(starts) if at <= s)
                assert e <= starts[first] + len(text_lines[first].rstrip(
                    "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")), f"text shorter than marked: {line}"
    return found


def test_brat_reads_every_file_and_knows_every_type(hard: Project, tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    actions.export(hard, "brat", folder)
    conf = (folder / "annotation.conf").read_text(encoding="utf-8")
    sections = {s.split("]")[0]: s for s in conf.split("[")[1:]}
    assert {"entities", "relations", "events", "attributes"} <= set(sections)
    for category in hard.scheme.categories:
        assert f"\n{category.key}\n" in sections["entities"]
    assert "accuser\tArg1:accusation, Arg2:speaker" in sections["relations"]
    assert "label\tArg:demand, Value:no_nato_expansion|" in sections["attributes"]
    visual = (folder / "visual.conf").read_text(encoding="utf-8")
    assert "speaker\tbgColor:" in visual and "speaker | Speaker" in visual
    files = 0
    for ann_path in folder.glob("*/*.ann"):
        text = ann_path.with_suffix(".txt").open(encoding="utf-8", newline="").read()
        found = read_standoff(ann_path.open(encoding="utf-8", newline="").read(), text)
        declared = {line.split("\t")[1].split(" ")[0] for line in found["A"]}
        assert declared <= {line.split("\t")[0] for line in sections["attributes"].splitlines()
                            if "\t" in line}
        files += 1
    assert files == 4 * hard.document_count()


def test_brat_leaves_out_a_span_of_only_line_breaks(tmp_path: Path, empty_project: Project
                                                    ) -> None:
    empty_project.import_documents([NewDocument(text="Putin\n\u2028\nspoke.")])
    doc = empty_project.all_document_ids()[0]
    empty_project.add_span(doc, "ana", "speaker", 5, 8)
    empty_project.add_span(doc, "ana", "speaker", 0, 5)
    actions.export(empty_project, "brat", tmp_path / "brat")
    ann = (tmp_path / "brat" / "ana" / f"doc{doc:06d}.ann").read_text(encoding="utf-8")
    assert ann == "T1\tspeaker 0 5\tPutin\n"


# -- tables -----------------------------------------------------------------------------
def test_spans_csv_reads_back_exactly(hard: Project, tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    actions.export(hard, "spans-csv", path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    texts = {d: hard.document(d).text for d in hard.all_document_ids()}
    assert len(frame) == len(spans_of(hard))
    for row in frame.itertuples():
        assert texts[int(row.document_id)][int(row.start):int(row.end)] == row.text
    with path.open(encoding="utf-8", newline="") as stream:
        assert [r["text"] for r in csv.DictReader(stream)] == list(frame["text"])


@pytest.mark.parametrize(("coders", "documents"), [(None, "all"), (["ben", "dan"], "done")])
def test_spans_csv_streamed_holds_what_each_documents_record_holds(
        hard: Project, tmp_path: Path, coders: list[str] | None, documents: str) -> None:
    """The spans CSV streams one joined query; row for row it must hold what the
    per-document records (the path every other export takes) hold, links and all."""
    dan_doc = hard.all_document_ids()[0]
    hard.set_status(dan_doc, "dan", Status.NOT_STARTED)  # spans left, status gone: not out
    path = tmp_path / "spans.csv"
    actions.export(hard, "spans-csv", path, coders=coders, documents=documents)
    with path.open(encoding="utf-8", newline="") as stream:
        got = [(r["span_id"], r["coder"], r["label"], r["start"], r["text"], r["accuser"],
                r["demanded_by"], r["date"], r["memo"], r["direct_quote"], r["note"],
                r["actor"]) for r in csv.DictReader(stream)]
    shown = {True: "true", False: "false", None: ""}
    expected = [(s.id, coder, s.label or "", str(s.start), s.text,
                 s.attributes.get("accuser", ""), s.attributes.get("demanded_by", ""),
                 record.document.date or "", s.memo,
                 shown[s.attributes.get("direct_quote")], s.attributes.get("note", ""),
                 s.attributes.get("actor", ""))
                for record in hard.iter_records(coders, documents, coded_only=True)
                for coder, work in record.coding.items() for s in work.spans]
    assert got == expected and len(got) > 20
    assert any(row[5] for row in got)  # links came along
    assert {row[9] for row in got} == ({"true", "false", ""} if coders is None
                                       else {"false", ""})  # booleans as words
    assert all(row[0] not in {s.id for s in hard.spans(dan_doc, "dan")} for row in got)


@pytest.mark.parametrize(("coders", "documents", "coded_only"),
                         [(None, "all", False), (["ben", "dan"], "done", True)])
def test_records_streamed_in_one_pass_equal_each_documents_own_reads(
        hard: Project, coders: list[str] | None, documents: str, coded_only: bool) -> None:
    """Every export reads ``iter_records``, which now merges three ordered streams instead
    of three queries per document: it must give what the per-document reads give."""
    hard.set_status(hard.all_document_ids()[1], "ben", Status.NOT_STARTED)
    records = list(hard.iter_records(coders, documents, coded_only=coded_only))
    assert records and len({r.document.id for r in records}) == len(records)
    for record in records:
        doc = record.document.id
        assert record.document == hard.document(doc)
        for coder, work in record.coding.items():
            assert work.status == hard.status(doc, coder)
            assert work.spans == hard.spans(doc, coder)
            assert work.variables == hard.variables(doc, coder)
            assert work.memo == hard.document_memo(doc, coder)
        expected = {c for c in (coders or hard.coders())
                    if hard.status(doc, c).value != "not_started"
                    and (documents == "all" or hard.status(doc, c).value == "done")}
        assert set(record.coding) == expected


def test_matrix_columns_are_unique_with_metadata_and_a_dictionary(hard: Project,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "matrix.csv"
    actions.export(hard, "matrix-csv", path)
    header = next(csv.reader(path.open(encoding="utf-8", newline="")))
    assert len(header) == len(set(header))
    assert {"doc_outlet", "var_outlet", "meta_section", "meta_wordcount",
            "n_demand__legally_binding_guarantees"} <= set(header)
    frame = pd.read_csv(path, keep_default_na=False)
    assert list(frame.columns) == header  # pandas renamed nothing (it does on duplicates)
    dictionary = pd.read_csv(path.with_name("matrix.dictionary.csv"), keep_default_na=False)
    assert list(dictionary["column"]) == header
    tone = dictionary.set_index("column").loc["var_tone"]
    assert tone["type"] == "choice" and "Negative" in tone["values"]


def test_excel_csv_neutralises_formulas(hard: Project, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    actions.export(hard, "spans-csv", path, excel=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    cells = [c for row in rows for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
    plain = tmp_path / "plain.csv"
    actions.export(hard, "spans-csv", plain)  # without --excel: the text exactly as stored
    assert any(c.startswith("=HYPERLINK(") for row in csv.reader(
        plain.open(encoding="utf-8", newline="")) for c in row)


@pytest.mark.parametrize("fmt, read", [("spss", pyreadstat.read_sav),
                                       ("stata", pyreadstat.read_dta)])
def test_spss_and_stata_files_carry_labels(fmt: str, read, hard: Project, tmp_path: Path  # type: ignore[no-untyped-def]
                                           ) -> None:
    path = tmp_path / f"table.{'sav' if fmt == 'spss' else 'dta'}"
    rows = actions.export(hard, fmt, path)
    frame, meta = read(str(path))
    assert len(frame) == rows == 4 * hard.document_count()
    assert meta.variable_value_labels["var_tone"] == {1: "Negative", 2: "Neutral",
                                                      3: "Positive"}
    assert meta.column_names_to_labels["var_tone"].startswith("document variable: Tone")
    first = frame.iloc[0]
    doc, coder = int(first["doc_id"]), first["coder"]
    tone = hard.variables(doc, coder)["tone"]
    assert first["var_tone"] == {"negative": 1, "neutral": 2}[tone]
    assert first["var_outlet"] == hard.variables(doc, coder)["outlet"]
    assert first["n_speaker"] == sum(s.category == "speaker" for s in hard.spans(doc, coder))


# -- JSONL and the codebook ----------------------------------------------------------------
def test_jsonl_lines_survive_readers_that_split_on_unicode_breaks(hard: Project,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    actions.export(hard, "jsonl", path)
    content = path.read_text(encoding="utf-8")
    lines = content.splitlines()  # also splits at U+2028, U+2029, NEL, \v, \f …
    assert len(lines) == hard.document_count()
    texts = sorted(json.loads(line)["text"] for line in lines)
    assert texts == sorted(hard.document(d).text for d in hard.all_document_ids())


def test_codebook_markdown_shows_markup_as_text(tmp_path: Path) -> None:
    from annotator.domain.scheme_loader import load_scheme
    from annotator.formats.codebook import codebook_markdown
    from tests.conftest import DEFAULT_SCHEME

    data = load_scheme(DEFAULT_SCHEME).data
    data["categories"][0]["description"] = "Mark <script>alert(1)</script> & <b>bold</b>"
    scheme_path = tmp_path / "s.json"
    scheme_path.write_text(json.dumps(data), encoding="utf-8")
    markdown = codebook_markdown(load_scheme(scheme_path))
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown


@pytest.mark.parametrize("fmt", ["spans-csv", "matrix-csv", "spss", "stata", "jsonl", "brat",
                                 "codebook-md", "codebook-html"])
def test_an_uncoded_project_exports_in_every_format(fmt: str, tmp_path: Path) -> None:
    project = actions.new_project(tmp_path / "uncoded.annotator")
    actions.import_paths(project, [SEEDS])
    out = tmp_path / f"out-{fmt}"
    actions.export(project, fmt, out)
    if fmt in ("spans-csv", "matrix-csv"):
        frame = pd.read_csv(out, keep_default_na=False)
        assert len(frame) == 0 and len(frame.columns) > 5
    elif fmt == "spss":
        frame, meta = pyreadstat.read_sav(str(out))
        assert len(frame) == 0 and "var_tone" in meta.column_names
    elif fmt == "stata":
        frame, meta = pyreadstat.read_dta(str(out))
        assert len(frame) == 0
    elif fmt == "jsonl":
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 5 and all(json.loads(x)["coders"] == {} for x in lines)
    elif fmt == "brat":
        assert (out / "annotation.conf").is_file() and not list(out.glob("*/*.ann"))
    else:
        assert "Speaker" in out.read_text(encoding="utf-8")
