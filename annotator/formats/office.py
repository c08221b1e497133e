"""Single articles from word-processor, web and PDF files: ``.docx``, ``.odt``, ``.rtf``,
``.html``/``.htm`` and text-layer ``.pdf`` (and batches: Nexis Uni ``.docx``, Factiva
``.rtf`` and ``.html``, split by ``nexis`` and ``factiva``).

Each file's text is its paragraphs joined by a blank line, the first paragraph (the headline)
first and also the title, so the headline can be coded as in every format. Libraries do the
reading (python-docx, odfpy, striprtf, trafilatura for the main text of a web page, pypdf);
nothing here strips tags by hand.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from annotator.domain.errors import ImportFailed
from annotator.domain.model import NewDocument
from annotator.domain.text import normalise_newlines
from annotator.formats import factiva, factiva_default, nexis
from annotator.formats.archives import check_archive
from annotator.formats.decoding import decode

SUFFIXES = (".docx", ".odt", ".rtf", ".html", ".htm", ".pdf")
_TITLE_LIMIT = 200
_GAPS = re.compile(r"[ \t]{2,}")


def read_office(path: Path, *, as_one_document: bool = False, strict: bool = False
                ) -> list[NewDocument]:
    suffix = path.suffix.lower()
    if suffix in (".docx", ".odt"):
        check_archive(path)  # a zip bomb is refused before a reader unpacks it
    if suffix == ".docx":
        paragraphs = nexis.docx_paragraphs(path)
        if nexis.is_nexis_uni(paragraphs) and not as_one_document:
            return nexis.split_nexis_uni(paragraphs, path, strict=strict)
    elif suffix == ".odt":
        paragraphs = _odt_paragraphs(path)
    elif suffix == ".rtf":
        paragraphs = _rtf_paragraphs(path)
        fields = factiva.line_fields(paragraphs)
        if factiva.is_factiva(fields) and not as_one_document:
            return factiva.split(fields, path, "line")
    elif suffix in (".html", ".htm"):
        raw = path.read_bytes()
        fields = factiva.html_fields(raw)
        if factiva.is_factiva(fields) and not as_one_document:
            return factiva.split(fields, path, "table row")
        if (found := factiva_default.articles(raw)) and not as_one_document:
            return factiva_default.split(found, path)  # the display without field codes
        paragraphs = _html_paragraphs(path)
    else:
        said: list[str] = []
        document = article(_pdf_paragraphs(path, said), path)
        document.notes.extend(f"the PDF reader said: {m}" for m in said[:5])
        return [document]
    return [article(paragraphs, path)]


def article(paragraphs: list[str], path: Path) -> NewDocument:
    """One document: the non-empty paragraphs, the first of them the title."""
    kept = [p.strip() for p in (normalise_newlines(p) for p in paragraphs) if p.strip()]
    if not kept:
        raise ImportFailed(path, "the file has no text")
    title = kept[0].split("\n")[0]
    if len(title) > _TITLE_LIMIT:
        title = title[: _TITLE_LIMIT - 1].rstrip() + "…"
    return NewDocument(text="\n\n".join(kept), title=title, source_path=str(path))


def _odt_paragraphs(path: Path) -> list[str]:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    try:
        document = load(str(path))
    except Exception as exc:  # noqa: BLE001 - odfpy raises zip, XML and key errors
        raise ImportFailed(path, f"not a readable OpenDocument text ({exc})") from None
    return [teletype.extractText(element) for element in document.text.childNodes
            if element.qname in ((TEXTNS, "p"), (TEXTNS, "h"))]


def _rtf_paragraphs(path: Path) -> list[str]:
    from striprtf.striprtf import rtf_to_text

    raw = path.read_bytes()
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise ImportFailed(path, "not an RTF file (it does not start with {\\rtf)")
    plain: str = rtf_to_text(raw.decode("latin-1"), errors="ignore")  # type: ignore[no-untyped-call]  # RTF escapes non-ASCII
    # \uN escapes are UTF-16 units: an emoji arrives as two halves of a surrogate pair
    plain = plain.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return plain.split("\n")  # a paragraph (\par) per line


def _html_paragraphs(path: Path) -> list[str]:
    import trafilatura

    raw = path.read_bytes()
    end = raw.lower().rfind(b"</html>")
    if end >= 0:  # what a browser ignores after the page (a download's stray bytes)
        raw = raw[:end + len(b"</html>")]
    decode(raw[:65536].rsplit(b">", 1)[0], path, "latin-1")  # binary data is refused here
    extracted = trafilatura.bare_extraction(raw, include_comments=False,
                                            include_tables=False, favor_precision=True)
    def field(name: str) -> str:
        value = extracted.get(name) if isinstance(extracted, dict) else getattr(
            extracted, name, None)
        return (value or "").strip()

    body, title = field("text"), field("title")
    if not body:
        raise ImportFailed(path, "no article text found in the page (navigation only?)")
    paragraphs = body.split("\n")
    if title and paragraphs and paragraphs[0].strip() != title:
        paragraphs.insert(0, title)
    return paragraphs


def _pdf_paragraphs(path: Path, said: list[str]) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    handler = _Collect(said)
    log = logging.getLogger("pypdf")
    log.addHandler(handler)
    propagate, log.propagate = log.propagate, False  # its messages are ours to word
    try:  # the layout mode keeps the gap between paragraphs as a blank line
        pages = [page.extract_text(extraction_mode="layout") or ""
                 for page in PdfReader(str(path)).pages]
    except LimitReachedError:
        raise ImportFailed(path, "too large: the PDF's text is beyond what the PDF reader "
                                 "unpacks (a page of many megabytes); nothing was "
                                 "imported") from None
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ImportFailed(path, f"not a readable PDF ({exc})") from None
    finally:
        log.removeHandler(handler)
        log.propagate = propagate
    if not any(p.strip() for p in pages):
        raise ImportFailed(path, "the PDF has no text layer (a scan?); run OCR on it first, "
                                 "for example with ocrmypdf, then import the result")
    # lines of a paragraph are joined: a PDF breaks them where the page ended, not the
    # writer; the layout mode's runs of spaces (column gaps, centring) are one space
    return [_GAPS.sub(" ", " ".join(line.strip() for line in p.split("\n")))
            for page in pages for p in re.split(r"\n\s*\n", page)]


class _Collect(logging.Handler):
    """Keeps pypdf's messages ("Circular xref chain detected…") instead of printing them
    beside ours; the import's notes say them, once each."""

    def __init__(self, said: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.said = said

    def emit(self, record: logging.LogRecord) -> None:
        if (message := record.getMessage()) not in self.said:
            self.said.append(message)
