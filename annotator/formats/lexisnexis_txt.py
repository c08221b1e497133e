"""Splitting LexisNexis Academic ``.txt`` batch downloads into one ``NewDocument`` per
article, in every interface language, and saying what a batch announced and what it held.

Layout: a request header, then each article from a centred marker ("N of M DOCUMENTS",
"1 of 1 DOCUMENT", "Dokument N von M", …): centred lines with the publication and the date
(a copyright notice may stand above the publication), perhaps edition lines, the headline
at the left margin, leading fields (BYLINE:, AUTOR:, LÄNGE:, KOP:, …), the body, and
trailing fields (LOAD-DATE:, SPRACHE:, …) with a centred copyright notice at the end.

An article that cannot be read whole is imported as far as it can be, with what is missing
named in its notes; one with no text at all is left out, with its position and reason.
``strict`` refuses the batch instead. The first article's notes also say how many articles
the markers announce, how many the file holds, and which numbers are missing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from annotator.domain.errors import ImportFailed
from annotator.domain.model import NewDocument
from annotator.formats.news_dates import month_only, news_date
from annotator.formats.nexis import HINT, article, key

MARKER = re.compile(
    r"^[ \t]*(?:(\d+)[ \t]+(?:of|von|de|sur|van|di|af|av)[ \t]+(\d+)[ \t]+"
    r"(?:DOCUMENTS?|DOKUMENTE?|DOCUMENTOS?|DOCUMENTEN|DOCUMENTI|DOKUMENTER)"
    r"|(?:Dokument|Document|Documento|Documenten)[ \t]+(\d+)[ \t]+"
    r"(?:von|de|of|van|di|af|av)[ \t]+(\d+))[ \t]*$", re.MULTILINE | re.IGNORECASE)
_FIELD = re.compile(r"^([^\W\d_][\w&-]*(?: [\w&-]+)?): ?(.*)$")
_CENTRED = 6  # leading spaces that mark a centred header line
_WORDS = re.compile(r"^\d[\d,.]* (?:words|Wörter|Woerter|mots|woorden|palabras|parole|"
                    r"palavras|ord)$", re.IGNORECASE)
# the interface languages' names of the fields annotator uses, as its own keys
_SAME_AS = {
    "length": ("LÄNGE", "LONGUEUR", "LENGTE", "LONGITUD", "LUNGHEZZA", "COMPRIMENTO", "LÆNGDE"),
    "section": ("RUBRIK", "RUBRIQUE", "SECTIE", "SECCIÓN", "SEZIONE", "SEÇÃO", "SEKTION"),
    "byline": ("AUTOR", "AUTEUR", "AUTEURS", "AUTORE", "SIGNATURE"),
    "headline": ("KOP", "TITEL", "TITLE", "TITRE", "TITULAR", "TITOLO", "OVERSKRIFT"),
    "language": ("SPRACHE", "LANGUE", "TAAL", "IDIOMA", "LINGUA", "SPROG"),
    "load_date": ("DATE-CHARGEMENT", "LAADDATUM", "UPDATE", "FECHA-CARGA"),
    "publication_type": ("TYPE-PUBLICATION", "PUB-TYPE", "PUBLIKATIONSTYP"),
}
_KEYS = {name: canonical for canonical, names in _SAME_AS.items() for name in names}
# fields about an article, not of its text: anything else alone in an article is its text
_KNOWN = {*_SAME_AS, "dateline", "highlight", "document_type", "journal_code", "graphic",
          "series", "type", "source", "correction_date", "correction", "url", "subject",
          "company", "organization", "person", "geographic", "city", "state", "country",
          "industry", "ticker", "notes", "distribution", "edition", "pub_subject", "show",
          "guests", "anchors", "transcript", "bio", "issue", "code_revue", "signature",
          "copyright", "header", "month", "byline", "length", "section", "language",
          "load_date", "publication_type", "subtitle", "leadall"}
_NOTICE = re.compile(r"^(copyright|©|\(c\))|rights reserved|rechte vorbehalten|droits "
                     r"réservés|derechos reservados|diritti riservati|permission of|accuracy "
                     r"of transcription|republish|reproduc|takes sole responsibility",
                     re.IGNORECASE)


# MARKER after a newline: a pattern that opens with a literal, which the regular expression
# engine finds by a fast scan, where MARKER's "^" is tried at every character (5x slower)
_MARKER_AFTER_NEWLINE = re.compile("\n" + MARKER.pattern.removeprefix("^"),
                                   re.MULTILINE | re.IGNORECASE)


def is_lexisnexis_txt(text: str) -> bool:
    """A marker line ("1 of 25 DOCUMENTS", "Document 1 of 25") in the first 20,000
    characters: the same as ``MARKER.search``, at the start or after a newline."""
    head = text[:20_000]
    return bool(MARKER.match(head) or _MARKER_AFTER_NEWLINE.search(head))


def _numbers(marker: re.Match[str]) -> tuple[int, int]:
    if marker.group(1):
        return int(marker.group(1)), int(marker.group(2))
    return int(marker.group(3)), int(marker.group(4))


def split_lexisnexis_txt(text: str, path: Path | str, *, strict: bool = False
                         ) -> list[NewDocument]:
    markers = list(MARKER.finditer(text))
    documents, left_out = [], []
    for number, marker in enumerate(markers):
        end = markers[number + 1].start() if number + 1 < len(markers) else len(text)
        line = text.count("\n", 0, marker.start()) + 1
        where = f"article {number + 1} ('{marker.group(0).strip()}', line {line})"
        document, missing = _article(text[marker.end():end], marker, path)
        if missing and strict:
            raise ImportFailed(path, f"{where}: {'; '.join(missing)}; {HINT}", line=line)
        if document is None:
            left_out.append(f"{where} left out: {'; '.join(missing)}")
            continue
        document.notes.extend(f"{where}: {m}" for m in missing)
        documents.append(document)
    batch = _announced(markers) + left_out
    if documents:
        documents[0].notes[:0] = batch
    elif batch:
        raise ImportFailed(path, "; ".join(batch))
    return documents


def _announced(markers: list[re.Match[str]]) -> list[str]:
    """What the markers announce against what the file holds, per announced total."""
    seen: dict[int, Counter[int]] = {}
    for marker in markers:
        number, total = _numbers(marker)
        seen.setdefault(total, Counter())[number] += 1
    said = []
    for total, numbers in sorted(seen.items()):
        missing = [n for n in range(1, total + 1) if n not in numbers]
        if missing:
            shown = ", ".join(map(str, missing[:12])) + (", …" if len(missing) > 12 else "")
            said.append(f"the file announces {total} article(s) of one request and holds "
                        f"{sum(numbers.values())} of them: missing number(s) {shown} "
                        f"({len(missing)} in all)")
    if len(said) > 3:  # articles gathered from many requests: one line, not one per request
        short = [f"{t} (holds {sum(n.values())})" for t, n in sorted(seen.items())
                 if len(n) < t]
        said = [f"the file gathers articles from {len(seen)} requests and holds only some "
                f"of what {len(short)} of them announce: totals {', '.join(short)}"]
    return said


def _article(block: str, marker: re.Match[str], path: Path | str
             ) -> tuple[NewDocument | None, list[str]]:
    number, total = _numbers(marker)
    metadata = {"document": f"{number} of {total}"}
    missing: list[str] = []
    paragraphs = _paragraphs(block.split("\n"))
    for i in range(len(paragraphs) - 2, -1, -1):  # "HIGHLIGHT:" alone: its value follows
        if len(paragraphs[i]) == 1 and (field := _field(paragraphs[i][0])) and \
                not field[1].strip():
            paragraphs[i:i + 2] = [paragraphs[i] + paragraphs[i + 1]]
    outlet, date, title, rest = _header(paragraphs, metadata, missing)
    if not title and rest and not _leading_field(rest[0]):
        title = _joined(rest.pop(0))
    # a line or two before the fields: an unlabelled byline ("Sylvia Maier") or length
    ahead = next((i for i, p in enumerate(rest[:3]) if _leading_field(p)), 0)
    if all(len(p) == 1 and len(p[0].strip()) <= 80 for p in rest[:ahead]):
        for paragraph in rest[:ahead]:
            line = paragraph[0].strip()
            label = "length" if _WORDS.match(line) else "byline" if "byline" not in \
                metadata else "subtitle"
            metadata[label] = line
        del rest[:ahead]
    while rest and (field := _leading_field(rest[0])):
        metadata[field[0]] = _joined([field[1], *rest.pop(0)[1:]])
    if rest and len(rest[0]) == 1 and _WORDS.match(rest[0][0].strip()):
        metadata["length"] = rest.pop(0)[0].strip()  # "184 words", no label
    trailing = len(rest)  # the fields and notice after the body, found from the end
    while trailing and (_field(rest[trailing - 1][0]) or any(
            _centred(line) or _NOTICE.search(line) for line in rest[trailing - 1])):
        trailing -= 1
    for paragraph in rest[trailing:]:
        if field := _field(paragraph[0]):
            metadata[field[0]] = _joined([field[1], *paragraph[1:]])
        else:
            metadata["copyright"] = " ".join(filter(None, [metadata.get("copyright"),
                                                           _joined(paragraph)]))
    body = [_joined(p) for p in rest[:trailing]]
    if not title and (headline := metadata.pop("headline", "")):
        title = headline  # Dutch and German downloads: the headline is a field (KOP:)
    if not body:  # an article that is only a flash ("FLASH: …"): its fields are its text
        body = [f"{label.upper()}: {value}" for label, value in metadata.items()
                if label not in _KNOWN and label != "document"]
    if not title:
        missing.append("no headline")
    if not title and not body:
        return None, [*missing, "no text"]
    if not body:
        missing.append("no body text")
    return article(title, outlet, date, body, metadata, path), missing


def _dated(line: str) -> bool:
    return bool(news_date(line) or month_only(line))


def _header(paragraphs: list[list[str]], metadata: dict[str, str], missing: list[str]
            ) -> tuple[str | None, str | None, str, list[list[str]]]:
    """(outlet, date, headline, the paragraphs after the header). The header runs to the
    line with the date (in the first few short paragraphs, centred or not); before it: the
    publication, notices, perhaps a headline or a field; after it, centred lines are the
    edition. Without a date line: the centred paragraphs at the top."""
    short = [(i, p) for i, p in enumerate(paragraphs[:6]) if len(p) <= 4]
    at = next((i for i, p in short if any(_dated(x) and _centred(x) for x in p)),
              next((i for i, p in short if any(map(_dated, p))), None))
    date_line, after = None, []
    if at is None:
        at = next((i for i, p in enumerate(paragraphs) if not all(map(_centred, p))),
                  len(paragraphs))
        head = [line for p in paragraphs[:at] for line in p]
    else:
        dated = [i for i, line in enumerate(paragraphs[at]) if _dated(line)]
        line_at = next((i for i in dated if _centred(paragraphs[at][i])), dated[0])
        head = [line for p in paragraphs[:at] for line in p] + paragraphs[at][:line_at]
        date_line, after = paragraphs[at][line_at].strip(), paragraphs[at][line_at + 1:]
        at += 1
    title, plain = "", list[str]()
    for line in head:
        text = line.strip()
        if _NOTICE.search(text):
            metadata["copyright"] = " ".join(filter(None, [metadata.get("copyright"), text]))
        elif field := _field(text):
            metadata[field[0]] = field[1]
            title = title or field[1]  # "LEADALL: …" where a headline would stand
        elif text.startswith(("http://", "https://", "-")) and "url" in metadata or \
                text.startswith(("http://", "https://")):
            metadata["url"] = metadata.get("url", "") + text
        elif plain and not _centred(line) and not title:
            title = text  # a headline above the date (Wirtschaftsblatt)
        else:
            plain.append(text)
    while at < len(paragraphs) and all(map(_centred, paragraphs[at])):
        after += paragraphs[at]
        at += 1
    for line in after:
        if field := _field(line.strip()):
            metadata[field[0]] = field[1]
        else:
            metadata["edition"] = "; ".join(filter(None, [metadata.get("edition"),
                                                          line.strip().rstrip(";")]))
    if len(plain) > 1:  # a subtitle or report name under the publication
        metadata["header"] = "; ".join(plain[1:])
    date = news_date(date_line) if date_line else None
    if date is None:
        month = month_only(date_line) if date_line else None
        if month:
            metadata["month"] = month
        missing.append(f"only a month ({month}), no day: date left empty" if month
                       else "no date line: date left empty")
    if not plain:
        missing.append("no publication line: outlet left empty")
    return (plain[0] if plain else None), date, title, paragraphs[at:]


def _centred(line: str) -> bool:
    return line.startswith(" " * _CENTRED)


def _leading_field(paragraph: list[str]) -> tuple[str, str] | None:
    """A field before the body: a label the databases use, or any upper-case label with a
    short value ("FLASH: …"); "OFFERROLLER: Jeg har lært…" opens the body."""
    field = _field(paragraph[0])
    if field is None or field[0] in _KNOWN:
        return field
    return field if len(paragraph) == 1 and len(field[1]) <= 100 else None


def _field(line: str) -> tuple[str, str] | None:
    """An upper-case field label in any language ("LÄNGE: 306 Wörter") as (key, value)."""
    match = _FIELD.match(line)
    if match is None or not match.group(1).isupper():
        return None
    label = match.group(1)
    return _KEYS.get(label, key(label)), match.group(2)


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
