"""Factiva's *default* display, saved as ``.html`` ("Full Article/Report", without field
codes: what most users save), split into one ``NewDocument`` per article.

Each article is a ``div`` of class ``article``: the headline (``#hd``), then short lines in
no fixed order (the byline in ``.author``, "475 words", the date, the time, the source's
name and its code, the page, the language, the copyright), the paragraphs of class
``articleParagraph``, perhaps the publisher, and "Document XXXX…", the accession number
that ends it. Each line is told apart by its shape: the word count by "N words" in the
interface's language, the date by ``news_dates``, the code by being short capitals, the
page by digits, the language by a language's name in any of the interface languages, and
"Document"/"Dokument"/"Documento" before the number. The source is the first line that is
none of these.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from annotator.domain.model import NewDocument
from annotator.formats.news_dates import LOCALES, news_date

_WORDS = re.compile(r"^\d[\d,.\s]*(?:words|Wörter|mots|palabras|woorden|parole|palavras|ord|"
                    r"слов)$", re.IGNORECASE)
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*(?:AM|PM|GMT|CET|ET))?$", re.IGNORECASE)
_CODE = re.compile(r"^[A-Z0-9]{3,10}$")
_PAGE = re.compile(r"^\d{1,4}$")
_DOCUMENT = re.compile(r"^(?:Document|Dokument|Documento|Документ)\s+"
                       r"([A-Za-z0-9]{16,})$")


@cache
def _languages() -> frozenset[str]:
    """Every language's name in the interface languages (Babel's CLDR names, lower case):
    "German", "Deutsch", "allemand", "tedesco", "alemão", … (built once, ~20 ms)."""
    from babel import Locale

    return frozenset(name.lower() for locale in LOCALES
                     for name in Locale.parse(locale).languages.values())


def _text(element: object) -> str:
    return " ".join(element.text_content().split())  # type: ignore[attr-defined]


def articles(raw: bytes) -> list[object]:
    """The article ``div``s of a default-display page (none: not such a page)."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(raw)
    except (ValueError, etree.LxmlError):
        return []
    return [div for div in root.iter("div")
            if "article" in (div.get("class") or "").split()
            and any(_DOCUMENT.match(_text(p)) for p in div.iter("p"))]


def split(found: list[object], path: Path | str) -> list[NewDocument]:
    documents = []
    for number, div in enumerate(found, start=1):
        documents.append(_document(div, number, path))
    return documents


def _document(div: object, number: int, path: Path | str) -> NewDocument:
    headline = next((_text(e) for e in div.iter() if e.get("id") == "hd"  # type: ignore[attr-defined]
                     or "deHeadline" in (e.get("class") or "")), "")
    metadata: dict[str, str] = {}
    outlet = date = None
    body, notes = [], []
    for element in div.iter("div", "p"):  # type: ignore[attr-defined]
        if element is div or element.get("id") == "hd" or element.find(".//div") is not None:
            continue
        text = _text(element)
        classes = (element.get("class") or "").split()
        if not text or text == headline:
            continue
        if element.tag == "p" and "articleParagraph" in classes:
            body.append(text)
        elif (document := _DOCUMENT.match(text)) is not None:
            metadata["accession_number"] = document.group(1)
        elif "author" in classes:
            metadata["byline"] = text.removeprefix("Von ").removeprefix("By ").strip()
        elif element.tag == "p":
            metadata["publisher"] = text
        elif _WORDS.match(text):
            metadata["length"] = text
        elif date is None and (when := news_date(text)):
            date = when
        elif _TIME.match(text):
            metadata["time"] = text
        elif text.startswith(("©", "Copyright", "(c)")):
            metadata["copyright"] = text
        elif outlet is None:
            outlet = text
        elif _CODE.match(text) and "source_code" not in metadata:
            metadata["source_code"] = text
        elif _PAGE.match(text) and "page" not in metadata:
            metadata["page"] = text
        elif text.lower() in _languages():
            metadata["language"] = text
        else:
            metadata.setdefault("other", text)
    where = f"article {number}"
    if not headline:
        notes.append(f"{where}: no headline")
    if date is None:
        notes.append(f"{where}: no date")
    if not body:
        notes.append(f"{where}: no paragraphs of text")
    text = "\n\n".join(p for p in [headline, *body] if p)
    return NewDocument(text=text, title=headline, date=date, outlet=outlet,
                       source_path=f"{path}:{number}", metadata=metadata, notes=notes)
