"""Splitting LexisNexis Academic ``.txt`` and Nexis Uni ``.docx`` batch downloads into one
``NewDocument`` per article, with the vendor's fields as metadata.

LexisNexis Academic (plain text): a request header, then each article from a centred
"N of M DOCUMENTS" line: publication and date (centred), optional edition lines (centred),
the headline at the left margin, leading fields (BYLINE:, SECTION:, LENGTH:, …), the body,
and trailing fields from LOAD-DATE: on, ending with a centred copyright notice.

Nexis Uni (Word): a cover page ("Documents (N)" and a list of headlines), then per article the
headline, publication, date, perhaps a copyright line, fields written "Name:<no-break space>
value", the word "Body", the body's paragraphs, perhaps "Classification" and more fields, and
"End of Document". The cover page is not an article.

The text of each document is the headline, a blank line and the body, so the headline can be
coded as in every other format; the vendor's hard line breaks inside a paragraph are joined.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from annotator.domain.errors import ImportFailed
from annotator.domain.model import NewDocument

MARKER = re.compile(r"^[ \t]*(\d+) of (\d+) DOCUMENTS[ \t]*$", re.MULTILINE)
_FIELD_TXT = re.compile(r"^([A-Z][A-Z-]+(?: [A-Z-]+)?): ?(.*)$")
_FIELD_DOCX = re.compile(r"^\s*([A-Z][A-Za-z-]+(?: [A-Za-z-]+)?):\xa0(.*)$", re.DOTALL)
_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), 1)}
_DATE = re.compile(r"\b(?:(\w+) (\d{1,2}),? (\d{4})|(\d{1,2})\.? (\w+),? (\d{4}))\b")
_CENTRED = 6  # leading spaces that mark a centred header line in the plain-text layout
HINT = "import it whole with --as-one-document"


def is_lexisnexis_txt(text: str) -> bool:
    return bool(MARKER.search(text[:20_000]))


def news_date(value: str) -> str | None:
    """ISO date of "January 11, 2010 Monday" or "5. July 2019"; None if it has none."""
    for match in _DATE.finditer(value):
        month, day, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) \
            else (match.group(5), match.group(4), match.group(6))
        if (number := _MONTHS.get(month.lower())) is not None:
            try:
                return dt.date(int(year), number, int(day)).isoformat()
            except ValueError:
                return None
    return None


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _paragraphs(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def _joined(paragraph: Iterable[str]) -> str:
    return " ".join(line.strip() for line in paragraph)


def _document(title: str, outlet: str | None, date: str | None, body: list[str],
              metadata: dict[str, str], path: Path | str) -> NewDocument:
    text = "\n\n".join([title, *body]) if title else "\n\n".join(body)
    return NewDocument(text=text, title=title, date=date, outlet=outlet, source_path=str(path),
                       metadata=metadata)


# -- LexisNexis Academic, plain text ---------------------------------------------------------
def split_lexisnexis_txt(text: str, path: Path | str) -> list[NewDocument]:
    markers = list(MARKER.finditer(text))
    documents = []
    for number, marker in enumerate(markers):
        end = markers[number + 1].start() if number + 1 < len(markers) else len(text)
        line = text.count("\n", 0, marker.start()) + 1
        documents.append(_txt_article(text[marker.end():end], marker, line, path))
    return documents


def _txt_article(block: str, marker: re.Match[str], line: int, path: Path | str
                 ) -> NewDocument:
    lines = block.split("\n")
    header = []
    while lines and (not lines[0].strip() or lines[0].startswith(" " * _CENTRED)):
        if lines[0].strip():
            header.append(lines[0].strip())
        lines.pop(0)
    date_at = next((i for i, h in enumerate(header) if news_date(h)), None)
    if not header or date_at is None:
        raise ImportFailed(path, f"the article '{marker.group(0).strip()}' has no centred "
                                 f"publication and date after it; {HINT}", line=line)
    metadata = {"document": f"{marker.group(1)} of {marker.group(2)}"}
    if editions := header[date_at + 1:]:
        metadata["edition"] = "; ".join(e.rstrip(";") for e in editions)
    paragraphs = _paragraphs(lines)
    title = ""
    if paragraphs and not _FIELD_TXT.match(paragraphs[0][0]):
        title = _joined(paragraphs.pop(0))
    while paragraphs and (field := _FIELD_TXT.match(paragraphs[0][0])):
        metadata[_key(field.group(1))] = _joined([field.group(2), *paragraphs.pop(0)[1:]])
    body: list[str] = []
    trailing = False
    for paragraph in paragraphs:
        field = _FIELD_TXT.match(paragraph[0])
        if field and field.group(1) == "LOAD-DATE":
            trailing = True
        if trailing and field:
            metadata[_key(field.group(1))] = _joined([field.group(2), *paragraph[1:]])
        elif trailing and paragraph[0].startswith(" " * _CENTRED):
            metadata["copyright"] = _joined(paragraph)
        elif not trailing:
            body.append(_joined(paragraph))
    return _document(title, header[0] if date_at > 0 else None, news_date(header[date_at]),
                     body, metadata, path)


# -- Nexis Uni, Word -------------------------------------------------------------------------
def docx_paragraphs(path: Path) -> list[str]:
    """The body's paragraphs in order (tables as one paragraph of their cells' text)."""
    import docx  # imported when needed: 0.1 s that start-up does not pay
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a bad file
        raise ImportFailed(path, f"not a readable Word document ({exc})") from None
    out = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            out.append(Paragraph(element, document).text)
        elif element.tag.endswith("}tbl"):
            table = Table(element, document)
            out.append(" ".join(c.text for r in table.rows for c in r.cells))
    return out


def is_nexis_uni(paragraphs: list[str]) -> bool:
    return any(p.strip() == "End of Document" for p in paragraphs)


def split_nexis_uni(paragraphs: list[str], path: Path | str) -> list[NewDocument]:
    documents, start = [], 0
    for index, paragraph in enumerate(paragraphs):
        if paragraph.strip() == "End of Document":
            documents.append(_docx_article(paragraphs[start:index], start, path))
            start = index + 1
    if any(p.strip() for p in paragraphs[start:]):
        raise ImportFailed(path, f"paragraph {start + 1} starts text after the last "
                                 f"'End of Document'; {HINT}")
    return documents


def _docx_article(paragraphs: list[str], offset: int, path: Path | str) -> NewDocument:
    filled = [(offset + i + 1, p.strip()) for i, p in enumerate(paragraphs) if p.strip()]
    body_at = next((i for i, (_, p) in enumerate(filled) if p == "Body"), None)
    if body_at is None:
        where = filled[0][0] if filled else offset + 1
        raise ImportFailed(path, f"the article from paragraph {where} has no 'Body' line; "
                                 f"{HINT}")
    header, metadata = [], {}
    for _, paragraph in filled[:body_at]:
        if field := _FIELD_DOCX.match(paragraph):
            metadata[_key(field.group(1))] = field.group(2).strip()
        elif paragraph.startswith("Copyright"):
            metadata["copyright"] = paragraph
        else:
            header.append(paragraph)
    date_at = max((i for i, h in enumerate(header) if news_date(h)), default=None)
    if date_at is None or date_at < 2:
        raise ImportFailed(path, f"the article before paragraph {filled[body_at][0]} has no "
                                 f"headline, publication and date; {HINT}")
    body, trailing = [], False
    for _, paragraph in filled[body_at + 1:]:
        field = _FIELD_DOCX.match(paragraph)
        if paragraph == "Classification" or (field and field.group(1) == "Load-Date"):
            trailing = True
        if field and (trailing or field.group(1) in ("Graphic", "Load-Date")):
            metadata[_key(field.group(1))] = field.group(2).strip()
        elif not trailing:
            body.append(paragraph)
    return _document(header[date_at - 2], header[date_at - 1], news_date(header[date_at]),
                     body, metadata, path)
