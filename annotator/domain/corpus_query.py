"""Corpus search queries: parse what a researcher types, say it to SQLite's FTS5 index, and
find the matches' offsets in a document's text for keyword-in-context lines.

The grammar is FTS5's own, so a query means the same in the index and here:
``word``, ``"a phrase"``, ``prefix*``, ``AND`` / ``OR`` / ``NOT`` (upper case) and
parentheses; words side by side are joined by AND. NOT binds tightest, then AND, then OR.
Words match as the index tokenises them (``unicode61 remove_diacritics 2``): whole words,
case and diacritics ignored, so ``stoltenberg`` finds "Stoltenberg" and ``Zelenskyy`` does
not find "Zelensky" (but ``Zelensk*`` finds both).

Matching runs on the stored text itself, so its offsets are the stored offsets (Python
string indices): each letter of a term becomes the class of every character that folds to
it (e, é, è, É …), case is ignored, and combining accents may follow any letter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from annotator.domain.errors import AnnotatorError
from annotator.domain.text import snap_to_clusters

_TOKEN = re.compile(r"[^\W_]+")
_LEXEME = re.compile(r'\s*(?:(\()|(\))|"([^"]*)("?)|([^\s()"]+))')


class QueryError(AnnotatorError):
    """A query that cannot be understood, with what to write instead."""


@dataclass(frozen=True)
class Term:
    """A word, a prefix (``stolt*``) or a phrase: folded words, matched in order."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        return '"' + " ".join(self.words) + '"' + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        """The term in PostgreSQL's tsquery: the words in a row, the last one a prefix."""
        lexemes = [f"'{w}'" for w in self.words]
        if self.prefix:
            lexemes[-1] += ":*"
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"

    def shown(self) -> str:
        text = " ".join(self.words)
        return (f'"{text}"' if len(self.words) > 1 else text) + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Node:
    """``op`` is AND, OR or NOT (left NOT right); ``parts`` its operands."""

    op: str
    parts: tuple[Node | Term, ...]


Expr = Node | Term


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one (the index's folding)."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


class _Folding(dict[int, str]):
    """A translation table that folds each character the first time it is seen."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch)
                       if not unicodedata.combining(c)).casefold()
        folded = base if len(base) == 1 else (ch.lower() if len(ch.lower()) == 1 else ch)
        self[code] = folded
        return folded


_FOLD = _Folding()


def _words(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text)))


def index_words(text: str) -> list[str]:
    """The words of ``text`` as the index holds them (as SQLite's unicode61 tokenizer with
    diacritics removed makes them): runs of letters and digits, folded. PostgreSQL's index
    is built from these, so both engines find the same documents."""
    return _TOKEN.findall(fold(text))


def prefix_query(text: str) -> Query | None:
    """The document filter's text as a query: every word a prefix ("Stolt" finds
    Stoltenberg), all of them required; ``None`` when it holds no word."""
    terms = tuple(Term(words, prefix=True) for chunk in re.findall(r"\w+", text)
                  if (words := _words(chunk)))
    if not terms:
        return None
    return Query(text, terms[0] if len(terms) == 1 else Node("AND", terms))


@dataclass(frozen=True)
class Query:
    """A parsed query: its expression, the FTS5 text and the terms that show as matches."""

    text: str
    expr: Expr

    @cached_property
    def fts(self) -> str:
        return _fts(self.expr)

    @cached_property
    def tsquery(self) -> str:
        """The query in PostgreSQL's tsquery syntax, for its index of ``index_words``."""
        return _tsquery(self.expr)

    @cached_property  # once per query, not once per document searched
    def terms(self) -> tuple[Term, ...]:
        """The terms a document's matches are shown for (none under NOT)."""
        found: list[Term] = []
        _positive(self.expr, found)
        return tuple(dict.fromkeys(found))

    def matches(self, text: str) -> list[tuple[int, int]]:
        """[start, end) of every match of a shown term in ``text``, in order, none overlapping."""
        lower = text.lower()
        if len(lower) == len(text):  # almost always: scan the lower-cased text (twice as
            pattern, scanned = _pattern(self.terms), lower  # fast as ignoring case)
        else:  # a letter whose lower case is longer (İ): offsets must stay the text's
            pattern, scanned = _pattern(self.terms, ignore_case=True), text
        out: list[tuple[int, int]] = []
        pos = 0
        while m := pattern.search(scanned, pos):
            if m.start() > 0 and _is_token_char(text[m.start() - 1]):
                pos = m.start() + 1  # inside a word: look again from the next character
                continue
            start, end = snap_to_clusters(text, m.start(), m.end())  # accents after the word
            if not out or start >= out[-1][1]:
                out.append((start, end))
            pos = m.end()
        return out


def parse(text: str) -> Query:
    """The query ``text`` parsed, or a ``QueryError`` saying what is wrong and how to fix it."""
    tokens = _lex(text)
    if not tokens:
        raise QueryError("type a word to search for, e.g. Stoltenberg, \"Jens Stoltenberg\" "
                         "or Stolten*")
    parser = _Parser(tokens)
    expr = parser.or_()
    if parser.pos < len(tokens):
        raise QueryError(f"unexpected {tokens[parser.pos][1]!r} in the query; "
                         f"a ')' without its '('?")
    return Query(text, expr)


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _LEXEME.match(text, pos)
        if m is None:  # only white space is left
            break
        pos = m.end()
        opening, closing, phrase, quote_end, word = m.groups()
        if opening:
            tokens.append(("(", "("))
        elif closing:
            tokens.append((")", ")"))
        elif phrase is not None:
            if not quote_end:
                raise QueryError(f"the phrase \"{phrase} has no closing quotation mark")
            star = text.startswith("*", pos)
            pos += star
            tokens.append(("phrase*" if star else "phrase", phrase))
        elif word in ("AND", "OR", "NOT"):
            tokens.append((word, word))
        elif word:
            tokens.append(("word", word))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.pos = tokens, 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def or_(self) -> Expr:
        parts = [self.and_()]
        while self._peek() == "OR":
            self.pos += 1
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Node("OR", tuple(parts))

    def and_(self) -> Expr:
        parts = [self.not_()]
        while self._peek() not in (None, "OR", ")"):
            if self._peek() == "AND":
                self.pos += 1
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else Node("AND", tuple(parts))

    def not_(self) -> Expr:
        left = self.atom()
        while self._peek() == "NOT":
            self.pos += 1
            left = Node("NOT", (left, self.atom()))
        return left

    def atom(self) -> Expr:
        kind = self._peek()
        if kind is None:
            raise QueryError("the query ends where a word should follow (after AND, OR, NOT "
                             "or '(')")
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "(":
            inner = self.or_()
            if self._peek() != ")":
                raise QueryError("a '(' in the query has no closing ')'")
            self.pos += 1
            return inner
        if kind in ("AND", "OR", "NOT"):
            raise QueryError(f"{kind} needs a word before it, e.g. nato {kind} russia "
                             f"(write it in lower case to search for the word itself)")
        if kind == ")":
            raise QueryError("a ')' in the query has no '(' before it")
        prefix = kind == "phrase*" or (kind == "word" and value.endswith("*"))
        words = _words(value.rstrip("*") if kind == "word" else value)
        if not words:
            raise QueryError(f"{value!r} holds no letter or digit to search for")
        return Term(words, prefix)


def _fts(expr: Expr) -> str:
    if isinstance(expr, Term):
        return expr.fts()
    return "(" + f" {expr.op} ".join(_fts(p) for p in expr.parts) + ")"


_TS_OPERATORS = {"AND": " & ", "OR": " | "}


def _tsquery(expr: Expr) -> str:
    if isinstance(expr, Term):
        return expr.tsquery()
    if expr.op == "NOT":  # FTS5's NOT is binary: left AND NOT right
        return "(" + _tsquery(expr.parts[0]) + "".join(
            f" & !{_tsquery(p)}" for p in expr.parts[1:]) + ")"
    return "(" + _TS_OPERATORS[expr.op].join(_tsquery(p) for p in expr.parts) + ")"


def _positive(expr: Expr, found: list[Term]) -> None:
    if isinstance(expr, Term):
        found.append(expr)
    elif expr.op == "NOT":
        _positive(expr.parts[0], found)
    else:
        for part in expr.parts:
            _positive(part, found)


_PATTERNS: dict[tuple[tuple[Term, ...], bool], re.Pattern[str]] = {}


def _pattern(terms: tuple[Term, ...], ignore_case: bool = False) -> re.Pattern[str]:
    """One regex for every term: words on token boundaries, anything but letters between;
    for lower-cased text unless ``ignore_case``."""
    if (terms, ignore_case) not in _PATTERNS:
        alternatives = []
        for term in sorted(terms, key=lambda t: -sum(map(len, t.words))):  # longest first
            body = r"[\W_]+".join("".join(_letter(ch) for ch in w) for w in term.words)
            tail = r"[^\W_]*" if term.prefix else r"(?![^\W_])"
            alternatives.append(body + tail)
        # no look-behind in front: the engine then scans for a term's first letter at C
        # speed, and ``matches`` checks that a word starts there
        _PATTERNS[terms, ignore_case] = re.compile(
            "|".join(alternatives), re.IGNORECASE if ignore_case else 0)
    return _PATTERNS[terms, ignore_case]


def _is_token_char(ch: str) -> bool:
    return ch.isalnum()


_MARKS = "[\u0300-\u036f]*"  # combining accents a decomposed text puts after a letter
_VARIANTS: dict[str, str] = {}


def _letter(ch: str) -> str:
    """``ch`` (folded) as a regex of every character that folds to it, accents allowed."""
    if not _VARIANTS:  # once: the scripts whose letters carry accents (Latin, Greek, Cyrillic)
        found: dict[str, list[str]] = {}
        for code in (*range(0xC0, 0x530), *range(0x1E00, 0x2000)):
            if (base := fold(chr(code))) != chr(code) and base.isalnum():
                found.setdefault(base, []).append(chr(code))
        _VARIANTS.update({base: "[" + re.escape(base + "".join(
            dict.fromkeys(c.lower() if len(c.lower()) == 1 else c for c in chars))) + "]"
            for base, chars in found.items()})  # lower case: what the scanned text has
    return _VARIANTS.get(ch, re.escape(ch)) + _MARKS


# -- keyword in context ----------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """One match with the text around it, on one line."""

    start: int
    end: int
    left: str
    match: str
    right: str

    @property
    def left_word(self) -> str:
        words = _TOKEN.findall(self.left)
        return words[-1].casefold() if words else ""

    @property
    def right_word(self) -> str:
        words = _TOKEN.findall(self.right)
        return words[0].casefold() if words else ""


def context(text: str, start: int, end: int, width: int = 60) -> Context:
    """``text[start:end]`` with up to ``width`` characters either side, white space flattened."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return Context(start, end, " ".join(left.split()) + (" " if left[-1:].isspace() else ""),
                   " ".join(text[start:end].split()),
                   (" " if right[:1].isspace() else "") + " ".join(right.split()))
