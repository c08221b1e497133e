"""Importing articles: both seed shapes, encodings, CSV/JSONL, duplicates, all-or-nothing."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from annotator.domain.errors import ImportFailed
from annotator.formats.importers import parse_txt
from annotator.services import actions
from annotator.storage import Project
from tests.conftest import SEEDS

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


def test_seeds_import_with_dates_titles_and_outlet(project: Project) -> None:
    docs = [project.document(i) for i in project.all_document_ids()]
    assert [(d.date, d.title[:40]) for d in docs] == [
        ("2022-02-02", "The Biden administration and the Western"),
        ("2021-12-23", "During his annual press conference, Russ"),
        ("2021-12-08", "The Russian President, Vladimir Putin, a"),
        (None, "Vladimir Putin Has A New Request For The"),
        (None, "Vladimir Putin says NATO ignored Russia’"),
    ]
    assert docs[3].outlet == "TheLibertyRevolution.com"
    for doc in docs:  # the text is the file as written, less only the date marker
        raw = (SEEDS / Path(doc.source_path).name).read_text(encoding="utf-8")
        assert doc.text == raw.removeprefix(f" date {doc.date} " if doc.date else "")
    assert "(TheLibertyRevolution.com)- On Tuesday" in docs[3].text


def test_importing_again_adds_nothing(project: Project) -> None:
    result = actions.import_paths(project, [SEEDS])
    assert (result.added, result.duplicates) == (0, 5)
    assert project.document_count() == 5


def test_shapes_of_txt() -> None:
    doc = parse_txt(" date 2021-12-23 Lead sentence.\n\nBody.", "a.txt")
    assert (doc.date, doc.title, doc.text) == ("2021-12-23", "Lead sentence.",
                                               "Lead sentence.\n\nBody.")
    doc = parse_txt("Headline\n\n(Reuters) - Body.", "b.txt")
    assert (doc.title, doc.outlet, doc.text) == ("Headline", "Reuters",
                                                 "Headline\n\n(Reuters) - Body.")
    doc = parse_txt("Just one paragraph (not an outlet)- here.", "c.txt")
    assert (doc.title, doc.outlet, doc.date) == ("Just one paragraph (not an outlet)- here.",
                                                 None, None)
    with pytest.raises(ImportFailed, match="not a valid date") as info:
        parse_txt(" date 2022-13-40 Lead.", "d.txt")
    assert info.value.line == 1
    with pytest.raises(ImportFailed, match="empty"):
        parse_txt(" \n\n", "e.txt")


TRICKY = "Zoë 👩‍👩‍👧 said “no” — e\u0301tude 🇺🇦.\nSecond line."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"])
def test_encodings_and_newlines(tmp_path: Path, empty_project: Project, encoding: str) -> None:
    text = "Headline\r\n\r\n" + TRICKY.replace("\n", "\r") + "\r\n"
    if encoding == "utf-16-be-bom":
        raw = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        raw = text.encode(encoding)
    (tmp_path / "a.txt").write_bytes(raw)
    actions.import_paths(empty_project, [tmp_path / "a.txt"])
    doc = empty_project.document(1)
    assert doc.text == "Headline\n\n" + TRICKY.replace("\n", "\n") + "\n"
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    start = doc.text.index("👩")
    span = empty_project.add_span(1, "ana", "speaker", start, start + 5)
    assert span.text == "👩‍👩‍👧"  # five code points, stored and checked by SQLite alike


def test_unknown_encoding_is_refused_unless_named(tmp_path: Path,
                                                  empty_project: Project) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Headline\n\nCaf\xe9 cr\xe8me.\nLine 4 \xe9".encode("latin-1"))
    with pytest.raises(ImportFailed, match="not utf-8 text.*--encoding") as info:
        actions.import_paths(empty_project, [path])
    assert (info.value.path, info.value.line) == (str(path), 3)
    actions.import_paths(empty_project, [path], encoding="cp1252")
    assert "Café crème" in empty_project.document(1).text


def test_binary_files_are_refused(tmp_path: Path, empty_project: Project) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ImportFailed, match="binary"):
        actions.import_paths(empty_project, [path])


def test_a_broken_file_in_a_folder_changes_nothing(tmp_path: Path, project: Project) -> None:
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    for i in range(6):
        (folder / f"{i:02}.txt").write_text(f"Headline {i}\n\nBody {i}.", encoding="utf-8")
    (folder / "sub" / "03b.txt").write_bytes(b"Headline\n\n\xff\xfe\xfa broken")
    (folder / "notes.md").write_text("ignored: not an article type")
    before = project.info()
    with pytest.raises(ImportFailed) as info:
        actions.import_paths(project, [folder])
    assert info.value.path.endswith("03b.txt")
    assert project.info() == before
    (folder / "sub" / "03b.txt").write_text("Fixed\n\nNow fine.", encoding="utf-8")
    assert actions.import_paths(project, [folder]).added == 7


def test_csv_maps_columns_and_names_bad_lines(tmp_path: Path, empty_project: Project) -> None:
    path = tmp_path / "articles.csv"
    path.write_text('Title,Date,Outlet,URL,text,section\r\n'
                    'One,2022-01-01,Reuters,http://x/1,'
                    '"Body with ""quotes""\r\nand a newline",World\r\n'
                    'Two,2022-01-02,AP,,Second body,\r\n', encoding="utf-8", newline="")
    result = actions.import_paths(empty_project, [path])
    assert result.added == 2
    one = empty_project.document(1)
    assert (one.title, one.date, one.outlet, one.url) == ("One", "2022-01-01", "Reuters",
                                                          "http://x/1")
    assert one.text == 'One\n\nBody with "quotes"\nand a newline'  # headline codable
    assert one.metadata == {"section": "World"}
    assert empty_project.document(2).source_path.endswith("articles.csv:4")

    bad = tmp_path / "bad.csv"
    bad.write_text("title,text\nA,fine\nB,\nC,also fine\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="empty") as info:
        actions.import_paths(empty_project, [bad])
    assert info.value.line == 3
    wide = tmp_path / "wide.csv"
    wide.write_text("title,text\nA,fine,extra\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="3 fields, the header 2") as info:
        actions.import_paths(empty_project, [wide])
    assert info.value.line == 2
    notext = tmp_path / "notext.csv"
    notext.write_text("title,article\nA,x\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="no text field"):
        actions.import_paths(empty_project, [notext])
    actions.import_paths(empty_project, [notext], text_field="article")
    assert empty_project.document_count() == 3


def test_jsonl_with_line_numbers(tmp_path: Path, empty_project: Project) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "First 😀", "title": "T1", "tags": ["a"]}\n\n'
                    '{"text": "Second"}\n{"text": broken}\n', encoding="utf-8")
    with pytest.raises(ImportFailed, match="not valid JSON") as info:
        actions.import_paths(empty_project, [path])
    assert info.value.line == 4 and empty_project.document_count() == 0
    path.write_text('{"text": "First 😀\\r\\nline", "title": "T1", "tags": ["a"]}\n',
                    encoding="utf-8")
    actions.import_paths(empty_project, [path])
    doc = empty_project.document(1)
    assert (doc.text, doc.metadata) == ("T1\n\nFirst 😀\nline", {"tags": ["a"]})


def test_unsupported_and_missing_paths(tmp_path: Path, empty_project: Project) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"PK")
    with pytest.raises(ImportFailed, match="cannot import .xlsx"):
        actions.import_paths(empty_project, [tmp_path / "a.xlsx"])
    for name, data, reason in (("a.pdf", b"%PDF", "not a readable PDF"),
                               ("a.docx", b"PK\x03\x04 broken", "not a readable Word"),
                               ("a.odt", b"not a zip", "not a readable OpenDocument"),
                               ("a.rtf", b"plain text", "not an RTF file"),
                               ("a.html", b"\x00\x01\x02binary", "binary")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ImportFailed, match=reason) as failure:
            actions.import_paths(empty_project, [tmp_path / name])
        assert name in str(failure.value)
    assert empty_project.document_count() == 0
    with pytest.raises(ImportFailed, match="no such file"):
        actions.import_paths(empty_project, [tmp_path / "nope"])


def test_duplicates_within_one_import_are_counted(tmp_path: Path,
                                                  empty_project: Project) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Same\r\n\r\nText", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Same\n\nText", encoding="utf-8")  # same once normalised
    result = actions.import_paths(empty_project, [tmp_path])
    assert (result.added, result.duplicates) == (1, 2)
