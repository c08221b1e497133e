"""News-database batch downloads split into their articles, and single articles from Word,
OpenDocument, RTF, web pages and PDF, each imported with its text exactly as written.

The LexisNexis samples are the vendors' real layouts (tests/data/lexisnexis; tests/data/README.md
says where they come from); every other fixture is written here by the library
that writes that format, so the expected text is known."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.domain.errors import ImportFailed
from annotator.services import actions
from tests.conftest import ROOT

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

SAMPLES = ROOT / "tests" / "data" / "lexisnexis"
# a headline and paragraphs with what breaks offsets: emoji, a flag, combining accents
PARAGRAPHS = ["Stoltenberg: “No deal on NATO” 🇺🇦", "Ме́дведев said the talks 👍🏽 were over.",
              "Café (e + combining acute: Cafe\u0301) closed at 5 p.m."]


def _imported(tmp_path: Path, *files: Path, **options: bool):  # type: ignore[no-untyped-def]
    project = actions.new_project(tmp_path / f"p{len(list(tmp_path.iterdir()))}.annotator")
    actions.import_paths(project, list(files), **options)
    return [project.document(i) for i in project.all_document_ids()]


# (publication, date, headline begins, byline, section, length): the samples' README table
LEXISNEXIS_TXT = [
    ("Guardian.com", "2010-01-11", "Lorem ipsum dolor sit amet", "Andrew Sparrow", None,
     "355 words"),
    ("Guardian", "2010-01-11", "Lorem ipsum dolor sit amet", "Simon Tisdall", None, "927 words"),
    ("The Sun (England)", "2010-01-11", "Lorem ipsum dolor sit amet", "TREVOR Kavanagh",
     "FEATURES; Pg. 6", "677 words"),
    ("The Times (London)", "2010-01-11", "Lorem ipsum dolor sit amet, consectetur adipiscing elit",
     "Tom Coghlan", "NEWS; Pg. 3", "453 words"),
    ("The Times (London)", "2010-01-11", "Lorem ipsum dolor sit amet, consectetur adipiscing "
     "elit. Etiam lacinia elementum sapien?; eget aliquet ex finibus ut.", "William Rees-Mogg",
     "EDITORIAL; Pg. 24", "918 words"),
    ("The Times (London)", "2010-01-11", "Lorem ipsum dolor sit amet, consectetur adipiscing "
     "elit. Etiam", "Tom Coghlan", "NEWS; Pg. 8", "471 words"),
    ("Guardian", "2010-01-08", "ranch noble ash voice declaration", "Allegra Stratton", None,
     "607 words"),
    ("MAIL ON SUNDAY (London)", "2010-01-10", "PRISONER OF HIS OWN CABINET",
     "BY STEPHEN POLLARD", None, "698 words"),
    ("Sunday Mirror", "2010-01-10", "R (programming language) on Wikipedia",
     "Ross Ihaka and Robert Gentleman", "NEWS; Pg. 6", "446 words"),
    ("DAILY MAIL (London)", "2010-01-09", "Wikipedia", None, None, "2,968 words"),
]


def test_lexisnexis_academic_txt_splits_into_its_ten_articles(tmp_path: Path) -> None:
    documents = _imported(tmp_path, SAMPLES / "sample.TXT")
    assert len(documents) == 10  # the request header is not an article
    for document, (outlet, date, title, byline, section, length) in zip(
            documents, LEXISNEXIS_TXT, strict=True):
        assert (document.outlet, document.date) == (outlet, date)
        assert document.title.startswith(title)
        assert document.metadata.get("byline") == byline
        assert document.metadata.get("section") == section
        assert document.metadata["length"] == length
        assert document.metadata["language"] == "ENGLISH"
        assert document.text.startswith(document.title + "\n\n")  # the headline is codable
        assert "LOAD-DATE" not in document.text and "BYLINE" not in document.text
        assert "DOCUMENTS" not in document.text and "\r" not in document.text
    assert documents[0].title == "Lorem ipsum dolor sit amet"
    assert documents[4].title == LEXISNEXIS_TXT[4][2]  # a three-line headline, joined
    assert documents[7].metadata["document"] == "8 of 383"
    assert documents[2].metadata["edition"] == "Edition 1; Scotland"
    assert documents[0].text.endswith("Nulla suscipit metus neque, ut varius.")


def test_nexis_uni_docx_splits_into_its_ten_articles_without_the_cover(tmp_path: Path) -> None:
    documents = _imported(tmp_path, SAMPLES / "sample.DOCX")
    assert len(documents) == 10
    assert {d.outlet for d in documents} == {"The Guardian(London)"}
    assert all("2019-07-01" <= (d.date or "") <= "2019-07-04" for d in documents)
    first, fifth, ninth = documents[0], documents[4], documents[8]
    assert (first.title, first.date) == ("Lorem ipsum dolor sit amet", "2019-07-01")
    assert first.metadata["byline"] == "Mattha Busby (now), Andrew Sparrow (earlier)"
    assert first.metadata["section"] == "POLITICS; Version:28"
    assert first.metadata["length"] == "355 words"
    assert fifth.metadata["length"] == "17366 words"
    assert ninth.title == "R (programming language) on Wikipedia"
    assert ninth.metadata["byline"] == "Ross Ihaka and Robert Gentleman"
    for document in documents:
        assert document.text.startswith(document.title + "\n\n")
        assert not any(w in document.text for w in ("Documents (10)", "Client/Matter",
                                                    "End of Document", "Load-Date"))
        assert "\nBody\n" not in document.text


def test_as_one_document_keeps_a_batch_whole(tmp_path: Path) -> None:
    documents = _imported(tmp_path, SAMPLES / "sample.TXT", as_one_document=True)
    assert len(documents) == 1 and "10 of 10 DOCUMENTS" in documents[0].text


def test_an_article_without_a_date_is_imported_and_named_or_with_strict_refused(
        tmp_path: Path) -> None:
    """One article of a batch lacks its date line: the batch is no longer refused whole
    for it; the article comes in without a date, named with its line in the import's
    notes. ``--strict`` keeps the old refusal (all or nothing, the line named)."""
    good = (SAMPLES / "sample.TXT").read_text(encoding="utf-8-sig")
    broken = good.replace("                            January 10, 2010 Sunday\n",
                          "\n", 1).replace("\r", "")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("A first file\n\nthat is fine.", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(broken, encoding="utf-8")
    line = broken.split("\n").index("                               8 of 383 DOCUMENTS") + 1
    strict = actions.new_project(tmp_path / "strict.annotator")
    with pytest.raises(ImportFailed) as failure:
        actions.import_paths(strict, [tmp_path / "in"], strict=True)
    message = str(failure.value)
    assert "b.txt" in message and f"line {line}" in message
    assert "--as-one-document" in message
    assert strict.document_count() == 0  # the good file too: all or nothing
    project = actions.new_project(tmp_path / "p.annotator")
    result = actions.import_paths(project, [tmp_path / "in"])
    assert result.added == 11
    assert any(f"line {line}" in n and "no date" in n for n in result.notes), result.notes
    eighth = project.document(project.all_document_ids()[8])
    assert eighth.outlet == "MAIL ON SUNDAY (London)" and eighth.date is None


def test_dry_run_lists_the_articles_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    actions.new_project(path).close()
    out = subprocess.run([sys.executable, "-m", "annotator", "import", str(path),
                          str(SAMPLES / "sample.TXT"), "--dry-run"], capture_output=True,
                         text=True, check=True).stdout
    assert "sample.TXT: 10 articles" in out
    assert "2010-01-10  MAIL ON SUNDAY (London)" in out and "PRISONER OF HIS OWN CABINET" in out
    assert "nothing was imported" in out
    from annotator.storage import Project

    with Project.open(path, read_only=True) as project:
        assert project.document_count() == 0


# -- single articles, written here by the format's own library -------------------------------
def test_docx_article(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for paragraph in PARAGRAPHS:
        document.add_paragraph(paragraph)
    document.add_paragraph("")  # empty paragraphs are spacing, not text
    document.save(tmp_path / "a.docx")
    (imported,) = _imported(tmp_path, tmp_path / "a.docx")
    assert imported.text == "\n\n".join(PARAGRAPHS)
    assert imported.title == PARAGRAPHS[0]


def test_odt_article(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel="1", text=PARAGRAPHS[0]))
    for paragraph in PARAGRAPHS[1:]:
        document.text.addElement(P(text=paragraph))
    document.save(str(tmp_path / "a.odt"))
    (imported,) = _imported(tmp_path, tmp_path / "a.odt")
    assert imported.text == "\n\n".join(PARAGRAPHS)


def _rtf_escape(text: str) -> str:
    """RTF's own escapes: \\uN? per UTF-16 unit (signed), as Word writes them."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
            continue
        units = ch.encode("utf-16-le")
        for i in range(0, len(units), 2):
            unit = int.from_bytes(units[i:i + 2], "little")
            out.append(f"\\u{unit - 65536 if unit > 32767 else unit}?")
    return "".join(out)


def test_rtf_article(tmp_path: Path) -> None:
    body = "".join(f"{{\\pard {_rtf_escape(p)}\\par}}\n" for p in PARAGRAPHS)
    (tmp_path / "a.rtf").write_text(
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n" + body + "}",
        encoding="ascii")
    (imported,) = _imported(tmp_path, tmp_path / "a.rtf")
    assert imported.text == "\n\n".join(PARAGRAPHS)


def test_html_article_keeps_the_main_text_not_the_navigation(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:]) * 3
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{PARAGRAPHS[0]}</title>"
            f"</head><body><nav><a href='/'>Home</a> <a href='/world'>World news</a></nav>"
            f"<article><h1>{PARAGRAPHS[0]}</h1>{paragraphs}</article>"
            f"<footer>© Example Media — Subscribe to our newsletter</footer></body></html>")
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    (imported,) = _imported(tmp_path, tmp_path / "a.html")
    assert imported.text == "\n\n".join([PARAGRAPHS[0], *PARAGRAPHS[1:] * 3])
    assert "World news" not in imported.text and "Subscribe" not in imported.text


def _pdf(path: Path, lines: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    y = 780
    for line in lines:
        if line:
            page.drawString(72, y, line)
        y -= 18
    page.rect(72, 100, 200, 100)  # a drawing, as on a scanned page (no text)
    page.save()


def test_pdf_article_with_a_text_layer(tmp_path: Path) -> None:
    ascii_paragraphs = ["NATO rejects Russian demands", "Stoltenberg said the talks would go on.",
                        "Moscow wants legally binding guarantees."]  # the core fonts are Latin-1
    _pdf(tmp_path / "a.pdf", [ascii_paragraphs[0], "", "Stoltenberg said the talks",
                              "would go on.", "", ascii_paragraphs[2]])
    (imported,) = _imported(tmp_path, tmp_path / "a.pdf")
    assert imported.text == "\n\n".join(ascii_paragraphs)


def test_a_scanned_pdf_without_text_is_refused_with_the_reason(tmp_path: Path) -> None:
    _pdf(tmp_path / "scan.pdf", [])
    project = actions.new_project(tmp_path / "p.annotator")
    with pytest.raises(ImportFailed, match="no text layer.*OCR") as failure:
        actions.import_paths(project, [tmp_path / "scan.pdf"])
    assert "scan.pdf" in str(failure.value)
    assert project.document_count() == 0
