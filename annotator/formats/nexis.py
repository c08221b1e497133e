"""Splitting Nexis Uni ``.docx`` batch downloads into one ``NewDocument`` per article, with
the vendor's fields as metadata (LexisNexis Academic's plain text is ``lexisnexis_txt``'s).

Nexis Uni (Word): a cover page ("Documents (N)" and a list of headlines), then per article the
headline, publication, date, perhaps a copyright line, fields written "Name:<no-break space>
value", the word "Body", the body's paragraphs, perhaps "Classification" and more fields, and
"End of Document". The cover page is not an article.

In both, the text of each document is the headline, a blank line and the body, so the
headline can be coded as in every other format; the vendor's hard line breaks inside a
paragraph are joined.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.domain.errors import ImportFailed
from annotator.domain.model import NewDocument
from annotator.formats.news_dates import news_date

_FIELD_DOCX = re.compile(r"^\s*([A-Z][A-Za-z-]+(?: [A-Za-z-]+)?):\xa0(.*)$", re.DOTALL)
HINT = "import it whole with --as-one-document"
_NOTICES = ("Correction Appended",)  # a line Nexis Uni puts where the date would stand


def key(name: str) -> str:
    """A vendor's field name as a metadata key: "LOAD-DATE" → "load_date"."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def article(title: str, outlet: str | None, date: str | None, body: list[str],
            metadata: dict[str, str], path: Path | str) -> NewDocument:
    """The headline, a blank line and the body's paragraphs, with the fields."""
    text = "\n\n".join([title, *body]) if title else "\n\n".join(body)
    return NewDocument(text=text, title=title, date=date, outlet=outlet, source_path=str(path),
                       metadata=metadata)


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


def split_nexis_uni(paragraphs: list[str], path: Path | str, *, strict: bool = False
                    ) -> list[NewDocument]:
    """One document per article. An article without a date line ("Correction Appended"
    in its place) comes in without a date, named in its notes; ``strict`` refuses it."""
    documents, start = [], 0
    for index, paragraph in enumerate(paragraphs):
        if paragraph.strip() == "End of Document":
            document = _docx_article(paragraphs[start:index], start, path)
            if document.notes and strict:
                raise ImportFailed(path, f"{document.notes[0]}; {HINT}")
            documents.append(document)
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
            metadata[key(field.group(1))] = field.group(2).strip()
        elif paragraph.startswith("Copyright"):
            metadata["copyright"] = paragraph
        elif paragraph in _NOTICES:
            metadata["notice"] = paragraph
        else:
            header.append(paragraph)
    notes = []
    date_at = max((i for i, h in enumerate(header) if news_date(h)), default=None)
    if date_at is None or date_at < 2:  # no date line: headline and publication on top
        said = f"the article before paragraph {filled[body_at][0]}"
        notes.append(f"{said}: no date line, date left empty" if date_at is None else
                     f"{said}: no headline or publication before its date")
        date_at = len(header) if date_at is None else date_at
    body, trailing, graphic = [], False, False
    for _, paragraph in filled[body_at + 1:]:
        field = _FIELD_DOCX.match(paragraph)
        if paragraph == "Classification" or (field and field.group(1) == "Load-Date"):
            trailing = True
        if field and (trailing or field.group(1) in ("Graphic", "Load-Date")):
            metadata[key(field.group(1))] = field.group(2).strip()
        elif paragraph == "Graphic":  # a picture's caption follows: not the article's text
            graphic = True
        elif graphic and not trailing:
            metadata["graphic"] = " ".join(filter(None, [metadata.get("graphic"), paragraph]))
        elif not trailing:
            body.append(paragraph)
    title = header[date_at - 2] if date_at >= 2 else (header[0] if header else "")
    outlet = header[date_at - 1] if date_at >= 2 else (header[1] if len(header) > 1 else None)
    date = news_date(header[date_at]) if date_at < len(header) else None
    document = article(title, outlet, date, body, metadata, path)
    document.notes.extend(notes)
    return document
