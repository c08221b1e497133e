"""Factiva exports (display option "Full Article/Report plus Indexing") split into their
articles, from RTF and HTML.

No real Factiva export is available to these tests, so the fixtures are built here from
the layout that Factiva documents and researchers' parsers rely on: field codes HD, BY, WC,
PD, ET, SN, SC, SE, LA, CY, LP, TD, CO, NS, RE, IPD, PUB, and AN ("Document <accession
number>") ending each article; in RTF a paragraph "CODE<tab>value" per field (or a table
row), in HTML a table per article with the code in a row's first cell. A search summary
follows the last article, as in a real export."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from annotator.domain.errors import ImportFailed
from annotator.services import actions
from tests.unit.test_news_import import PARAGRAPHS

ARTICLES = [
    {"SE": "World", "HD": "Putin warns NATO over Ukraine", "BY": "By Anna Müller",
     "WC": "412 words", "PD": "15 March 2022", "ET": "14:05", "SN": "Reuters News",
     "SC": "LBA", "LA": "English", "CY": "(c) 2022 Reuters Limited",
     "LP": ["MOSCOW, March 15 (Reuters) - Russian President Vladimir Putin said on Tuesday "
            "that NATO must stop."],
     "TD": PARAGRAPHS[:2] + ["Stoltenberg answered within the hour."],
     "CO": "nato : North Atlantic Treaty Organization",
     "NS": "gpol : Domestic Politics | gvio : Military Action",
     "RE": "russ : Russia | ukrn : Ukraine", "IPD": "Politics",
     "PUB": "Thomson Reuters (Markets) LLC", "AN": "Document LBA0000020220315ei3f0005l"},
    {"HD": "Kremlin: “security guarantees” first 🇷🇺", "WC": "98 words",
     "PD": "16 March 2022", "SN": "The Guardian", "SC": "GRDN", "LA": "English",
     "LP": [PARAGRAPHS[2]], "TD": ["Talks resume on Friday.", "Nobody expects a deal."],
     "AN": "Document GRDN000020220316ei3g000bm"},
]
SUMMARY = [("Text", "NATO and Putin"), ("Date", "03/01/2022 to 03/31/2022"),
           ("Results Found", "2")]


def _rtf_escape(text: str) -> str:
    out = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) < 128:
            out.append(char)
        else:  # \uN per UTF-16 unit, signed, as Word writes them
            data = char.encode("utf-16-le")
            for i in range(0, len(data), 2):
                unit = int.from_bytes(data[i: i + 2], "little")
                out.append(f"\\u{unit - 65536 if unit > 32767 else unit}?")
    return "".join(out)


def write_rtf(path: Path, articles: list[dict], table: bool = False) -> Path:  # type: ignore[type-arg]
    parts = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}"]
    for article in articles:
        for code, value in article.items():
            values = value if isinstance(value, list) else [value]
            first, rest = _rtf_escape(values[0]), [_rtf_escape(v) for v in values[1:]]
            if table:
                cell = r"\par ".join([first, *rest])
                parts.append(rf"\trowd\cellx1000\cellx9000\intbl {code}\cell {cell}\cell\row")
            else:
                parts.append(rf"\pard {code}\tab {first}\par")
                parts += [rf"\pard \tab {r}\par" for r in rest]
        parts.append(r"\pard\par")
    for name, value in SUMMARY:
        parts.append(rf"\pard {name}\tab {_rtf_escape(value)}\par")
    path.write_text("\n".join(parts) + "}", encoding="ascii")
    return path


def write_html(path: Path, articles: list[dict]) -> Path:  # type: ignore[type-arg]
    def cell(code: str, value: str | list[str]) -> str:
        if isinstance(value, list):
            body = "".join(f'<p class="articleParagraph enarticleParagraph">\n  '
                           f'{html.escape(v)}\n</p>' for v in value)
        else:
            body = f"<b>{html.escape(value)}</b>" if code == "HD" else html.escape(value)
        return (f'<tr><td class="index" valign="top"><b>{code}</b>&nbsp;</td>'
                f"<td>{body}</td></tr>")

    tables = "".join('<div class="article enArticle"><table border="0">'
                     + "".join(cell(c, v) for c, v in a.items()) + "</table></div><br/>"
                     for a in articles)
    summary = "".join(f"<tr><td>{n}</td><td>{html.escape(v)}</td></tr>" for n, v in SUMMARY)
    path.write_text('<html><head><meta charset="utf-8"><title>Factiva</title></head><body>'
                    '<div id="header"><a href="#">Home</a> | <a href="#">Search</a></div>'
                    f'{tables}<table id="summary">{summary}</table></body></html>',
                    encoding="utf-8")
    return path


def _imported(tmp_path: Path, path: Path, **options: bool):  # type: ignore[no-untyped-def]
    project = actions.new_project(tmp_path / f"{path.stem}.annotator")
    actions.import_paths(project, [path], **options)
    return [project.document(i) for i in project.all_document_ids()]


@pytest.mark.parametrize("kind", ["rtf", "rtf-table", "html"])
def test_factiva_export_splits_into_its_articles(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"Factiva-20220320-1200.{kind.split('-')[0]}"
    write_html(path, ARTICLES) if kind == "html" else write_rtf(path, ARTICLES,
                                                                table=kind == "rtf-table")
    documents = _imported(tmp_path, path)
    assert len(documents) == 2
    for document, article in zip(documents, ARTICLES, strict=True):
        assert document.text == "\n\n".join([article["HD"], *article["LP"], *article["TD"]])
        assert document.title == article["HD"] and document.outlet == article["SN"]
        assert document.date == {"15 March 2022": "2022-03-15",
                                 "16 March 2022": "2022-03-16"}[article["PD"]]
        assert document.metadata["accession_number"] == article["AN"].split()[1]
        assert document.metadata["length"] == article["WC"]
        assert document.metadata["language"] == "English"
    first = documents[0].metadata
    assert (first["byline"], first["section"], first["time"], first["copyright"]) == (
        "By Anna Müller", "World", "14:05", "(c) 2022 Reuters Limited")
    assert first["subjects"] == "gpol : Domestic Politics | gvio : Military Action"
    assert first["regions"] == "russ : Russia | ukrn : Ukraine"
    assert "byline" not in documents[1].metadata


def test_factiva_preview_and_whole_file(tmp_path: Path) -> None:
    path = write_rtf(tmp_path / "export.rtf", ARTICLES)
    found = actions.preview_import([path])
    assert [d.title for d in found[0][1]] == [a["HD"] for a in ARTICLES]
    whole = _imported(tmp_path, path, as_one_document=True)
    assert len(whole) == 1 and "Document LBA0000020220315ei3f0005l" in whole[0].text


def test_an_unended_factiva_article_is_named_and_nothing_imported(tmp_path: Path) -> None:
    broken = [ARTICLES[0], {k: v for k, v in ARTICLES[1].items() if k != "AN"},
              ARTICLES[0] | {"AN": "Document LBA0000020220315ei3f0099z"}]
    path = write_rtf(tmp_path / "broken.rtf", broken)
    project = actions.new_project(tmp_path / "b.annotator")
    with pytest.raises(ImportFailed, match=r"broken.rtf.*article starting at line \d+ has a "
                                           r"second HD field.*--as-one-document"):
        actions.import_paths(project, [path])
    assert project.document_count() == 0
    no_text = [{k: v for k, v in ARTICLES[1].items() if k not in ("LP", "TD")}]
    path = write_html(tmp_path / "empty.html", no_text)
    with pytest.raises(ImportFailed, match=r"empty.html: the article starting at table row 1 "
                                           r"has no LP or TD"):  # a row is not a line
        actions.import_paths(project, [path])
    assert project.document_count() == 0
