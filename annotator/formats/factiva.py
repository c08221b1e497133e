"""Splitting Factiva exports (``.rtf`` and ``.html``, display option "Full Article/Report
plus Indexing") into one ``NewDocument`` per article.

In that layout every piece of an article is a field: a two- or three-letter code, then its
value. HD headline, BY byline, WC word count ("1,234 words"), PD date ("15 March 2022"),
ET time, SN source (the outlet), SC source code, SE section, LA language, CY copyright,
LP lead paragraphs, TD the rest of the text, CO/IN/NS/RE/IPC/IPD/PUB indexing, and AN,
the accession number ("Document XXXX000020220315ei3f0005l"), which ends the article.

- RTF: each field is a paragraph "CODE<tab>value" (or a table row "CODE | value" once the
  RTF is read as text); the paragraphs of LP and TD follow on lines of their own.
- HTML: each article is a table; a row's first cell is the code, the second its value (LP
  and TD hold ``<p>`` paragraphs).

The text of each document is the headline, the lead and the body, a blank line apart, so
the headline can be coded as in every format.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from annotator.domain.errors import ImportFailed
from annotator.domain.model import NewDocument
from annotator.formats.news_dates import news_date
from annotator.formats.nexis import HINT

FIELDS = {"CLM": "column", "SE": "section", "HD": "title", "BY": "byline", "CR": "credit",
          "WC": "length", "PD": "date", "ET": "time", "SN": "outlet", "SC": "source_code",
          "ED": "edition", "PG": "page", "VOL": "volume", "LA": "language", "CY": "copyright",
          "LP": "lead", "TD": "body", "CT": "contact", "RF": "reference", "CO": "companies",
          "IN": "industries", "NS": "subjects", "RE": "regions", "IPC": "ipc", "IPD": "ipd",
          "PUB": "publisher", "AN": "accession_number"}
_LINE = re.compile(r"^\s*(" + "|".join(FIELDS) + r")\s*(?:\t|\|)\s?(.*)$")
_DOCUMENT = re.compile(r"^\s*(?:AN\s*(?:\t|\|)\s*)?Document ([A-Za-z0-9]{16,})\s*\|?\s*$")

Field = tuple[str, str, int]  # code, value, where it starts (line or table row, from 1)


def line_fields(lines: list[str]) -> list[Field]:
    """The fields of an RTF export read as text: a code line starts a field, the lines after
    it (LP's and TD's further paragraphs) belong to it until the next code line."""
    fields: list[tuple[str, list[str], int]] = []
    for number, line in enumerate(lines, 1):
        if (document := _DOCUMENT.match(line)) is not None:
            fields.append(("AN", [f"Document {document.group(1)}"], number))
        elif (match := _LINE.match(line)) is not None:
            fields.append((match.group(1), [match.group(2)], number))
        elif fields and fields[-1][0] in ("LP", "TD", "CY"):
            fields[-1][1].append(line)
    return [(code, "\n\n".join(p for p in (v.strip().rstrip("|").strip() for v in values) if p),
             number) for code, values, number in fields]


def html_fields(raw: bytes) -> list[Field]:
    """The fields of an HTML export: table rows whose first cell is a field code."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(raw)
    except (ValueError, etree.LxmlError):
        return []  # not a page lxml can read: the single-article reader says why
    fields: list[Field] = []
    for number, row in enumerate(root.iter("tr"), 1):
        cells = row.findall("td")
        if len(cells) < 2:
            continue
        code = cells[0].text_content().strip(" \t\r\n\xa0:")
        if code not in FIELDS:
            continue
        paragraphs = cells[1].findall(".//p") or [cells[1]]
        value = "\n\n".join(t for p in paragraphs if (t := " ".join(p.text_content().split())))
        fields.append((code, value, number))
    return fields


def is_factiva(fields: list[Field]) -> bool:
    codes = {code for code, _, _ in fields}
    return "HD" in codes and "AN" in codes


def split(fields: list[Field], path: Path | str, unit: str = "line") -> list[NewDocument]:
    """One document per article, each ended by its AN field. An article without a
    headline or text, or fields after the last AN, name where that article starts."""
    documents: list[NewDocument] = []
    current: dict[str, str] = {}
    start = 0
    for code, value, number in fields:
        if not current:
            start = number
        if code == "AN":
            documents.append(_document(current, value, path, start, unit))
            current = {}
        elif code not in current:  # a repeated code belongs to an unended article
            current[code] = value
        else:
            raise ImportFailed(path, f"the article starting at {unit} {start} has a second "
                                     f"{code} field before its AN (Document …) line; {HINT}",
                               line=_line(number, unit))
    if current:
        raise ImportFailed(path, f"the article starting at {unit} {start} does not end with "
                                 f"an AN (Document …) line; {HINT}",
                           line=_line(start, unit))
    return documents


def _document(values: dict[str, str], accession: str, path: Path | str, start: int,
              unit: str) -> NewDocument:
    title = values.get("HD", "").strip()
    body = [values[code] for code in ("LP", "TD") if values.get(code)]
    if not title or not body:
        missing = "HD (headline)" if not title else "LP or TD (text)"
        raise ImportFailed(path, f"the article starting at {unit} {start} has no {missing} "
                                 f"field; {HINT}", line=_line(start, unit))
    metadata = {FIELDS[code]: value for code, value in values.items()
                if code not in ("HD", "LP", "TD", "SN", "PD") and value}
    metadata["accession_number"] = accession.removeprefix("Document ").strip()
    return NewDocument(text="\n\n".join([title, *body]), title=title,
                       date=_date(values.get("PD", "")), outlet=values.get("SN") or None,
                       source_path=f"{path}:{start}", metadata=metadata)


def _line(number: int, unit: str) -> int | None:
    """A line number for the error's "file, line N" (an HTML table row is not a line)."""
    return number if unit == "line" else None


def _date(value: str) -> str | None:
    value = value.strip()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return news_date(value)
