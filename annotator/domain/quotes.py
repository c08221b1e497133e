"""Who speaks in a news text, found by rules, with no model to download: the person or body
a quote or a reported statement is attributed to, as printed ("Putin", "the Kremlin",
"Russian Foreign Minister Sergei Lavrov", "the official Kremlin note").

The rules, in English and German:

- a quote, then its speaker and a verb of saying: "…," Putin said; "…," said Lavrov;
  „…", sagte Scholz;
- a speaker and a verb of saying: Putin said the talks …; Lavrov told reporters that …;
  Peskow erklärte, …; weaker verbs (assured, insisted, warned, demanded …) only where a
  that-clause, a colon or a quote follows within a few words;
- a speaker between commas: This, the Russian president said, will …;
- attributions: according to the Kremlin; X reports that …; laut Scholz; so Peskow (after
  a quote).

A speaker is a run of capitalised words (names with von, van, de, al, bin; transliterated
Russian names are capitalised words too), optionally after a title, or a short description
ending in a speaking noun ("the Russian leader", "a French presidential official"). Pronouns
are never proposed: a coder codes the name. What the rules cannot see (a verb glued to the
name, "Putinsaid"; speech reported without a verb of saying) they miss; what they propose is
a suggestion a coder accepts or not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STRONG = ("said|says|told|tells|telling|added|adds|declared|declares|stated|wrote|writes|"
           "replied|replies|answered|announced|announces|reports|reported|"
           "sagte|sagt|sagten|erklärte|erklärt|betonte|betont|meinte|meint|schrieb|"
           "antwortete|kündigte")
_WEAK = ("assured|assures|insisted|insists|stressed|stresses|warned|warns|explained|"
         "explaining|demanded|demands|suggested|suggests|highlighted|mentioned|reiterated|"
         "maintained|argued|argues|claimed|claims|noted|notes|asked|asks|urged|"
         "emphasised|emphasized|confirmed|confirms|admitted|denied|pointed out|called|"
         "warnte|forderte|fordert|bekräftigte|unterstrich|versicherte")
_CAP = r"[A-ZÄÖÜ][\w.’'\-]*"
_PARTICLE = r"(?:von|van|de|der|den|al|bin|ibn|el|da|di|du|le|la)"
_GAP = "[ \u00a0]+"  # within a name: spaces, never a line break
_ROLE = (r"(?:spokesman|spokeswoman|spokesperson|minister|secretary|envoy|ambassador|"
         r"chief|adviser|advisor|aide|official|Sprecher|Sprecherin)")  # Kremlin spokesman X
_NAME = rf"{_CAP}(?:{_GAP}(?:(?:{_PARTICLE}|{_ROLE}){_GAP}){{0,2}}{_CAP}){{0,4}}"
_NOUNS = ("leader|president|President|minister|Minister|official|officials|spokesman|"
          "spokeswoman|spokesperson|journalists|reporters|note|statement|ministry|Ministry|"
          "agency|government|embassy|source|sources|diplomat|diplomats|analyst|analysts|"
          "chancellor|Chancellor|secretary|Secretary|envoy|ambassador|general|commander|"
          "Sprecher|Sprecherin|Regierung|Minister|Ministerin|Kanzler|Präsident")
_ARTICLE = r"(?:[Tt]he|[Aa]n?|[Dd]ie|[Dd]er|[Dd]as)"
_DESCRIPTION = rf"{_ARTICLE}{_GAP}(?:[\w’'\-]+{_GAP}){{0,3}}(?:{_NOUNS})\b"
_SPEAKER = rf"(?P<speaker>{_DESCRIPTION}|(?:[Tt]he{_GAP})?{_NAME})"
_OPEN, _CLOSE = "[\"“„«‘]", "[\"”“»’]"
# a quote that a speaker may follow: not one closed after a full stop (the sentence ended)
_QUOTE = rf"(?P<quote>{_OPEN}[^\"“”„«»]{{3,}}?(?<!\.){_CLOSE})"
_ADVERB = r"(?:\s+(?:also|then|later|again|once|further|has|had|have|was|is|flatly|"\
          r"consistently|repeatedly|today|on\s+\w+day|this\s+\w+))*"

# words that start a sentence but never a speaker's name
_NOT_NAMES = {"While", "But", "And", "So", "On", "In", "For", "After", "Since", "Last",
              "Therefore", "Furthermore", "However", "Then", "When", "As", "If", "Although",
              "Meanwhile", "This", "That", "It", "He", "She", "They", "We", "I", "You",
              "During", "At", "Both", "Still", "Yet", "Also", "Even", "Now", "Today",
              "Auch", "Doch", "Aber", "Und", "Am", "Im", "Es", "Er", "Sie", "Wir"}


_ABBREVIATION = re.compile(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.")  # U.S., J., Dr., Gen.


@dataclass(frozen=True)
class Proposal:
    """A proposed speaker span ``text[start:end]``, the rule that found it, and the quote
    it speaks (start, end) where there is one."""

    start: int
    end: int
    rule: str
    quote: tuple[int, int] | None = None


_RULES: list[tuple[str, re.Pattern[str]]] = [  # in order: the first kept where two meet
    ("quote, speaker, verb",
     re.compile(rf"{_QUOTE}\s*,?\s*{_SPEAKER}{_ADVERB}\s+(?:{_STRONG}|{_WEAK})\b")),
    ("quote, verb, speaker",
     re.compile(rf"{_QUOTE}\s*,?\s*(?:{_STRONG}|{_WEAK})\s+{_SPEAKER}")),
    ("between commas",
     re.compile(rf",\s*{_SPEAKER}\s+(?:said|says|added|adds|sagte|sagt)\s*,")),
    ("speaker, verb", re.compile(rf"{_SPEAKER}{_ADVERB}\s+(?:{_STRONG})\b")),
    ("speaker, weak verb, clause",
     re.compile(rf"{_SPEAKER}{_ADVERB}\s+(?:{_WEAK})\b(?:\s+[\w’'\-.]+){{0,6}}?"
                rf"\s*(?:that\b|dass\b|:|{_OPEN})")),
    ("who said",
     re.compile(rf"{_SPEAKER},\s+(?:who|der|die)\s+(?:{_STRONG}|{_WEAK})\b")),
    ("according to", re.compile(rf"\b(?:[Aa]ccording\s+to|[Ll]aut)\s+{_SPEAKER}")),
    ("so, after a quote", re.compile(rf"{_CLOSE}\s*,?\s*so\s+{_SPEAKER}")),
]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The speaker without sentence-opening words ("While Putin" → "Putin"); None when
    nothing of a name is left (a pronoun, "It")."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+",
                                                                          text[start:end])]
    for i in range(len(words) - 1, 0, -1):  # a sentence ended inside: the speaker is after
        word = text[words[i - 1][0]:words[i - 1][1]]
        if word.endswith(".") and not _ABBREVIATION.fullmatch(word):
            words = words[i:]
            break
    while words and text[words[0][0]:words[0][1]] in _NOT_NAMES:
        words.pop(0)
    if words and re.search(r"[’']s$", text[words[-1][0]:words[-1][1]]):
        return None  # "Biden’s claims": a possessive, not a speaker
    if not words:
        return None
    a, b = words[0][0], words[-1][1]
    while b > a and text[b - 1] in ",.;:’'":  # "Putin," "U.S." keeps its own dots
        if text[b - 1] == "." and re.search(r"\b[A-Z]\.[A-Z]\.?$", text[a:b]):
            break
        b -= 1
    return (a, b) if b > a else None


def find_speakers(text: str) -> list[Proposal]:
    """Every speaker the rules find, in text order; where rules overlap, the first rule in
    the list above (the one with the quote) is kept."""
    found: list[Proposal] = []
    taken: list[tuple[int, int]] = []
    for name, pattern in _RULES:
        for match in pattern.finditer(text):
            span = _trim(text, *match.span("speaker"))
            if span is None or any(a < span[1] and span[0] < b for a, b in taken):
                continue
            quote = match.span("quote") if "quote" in pattern.groupindex else None
            found.append(Proposal(span[0], span[1], name, quote))
            taken.append(span)
    return sorted(found, key=lambda p: (p.start, p.end))
