"""Corpus search: the query language, its agreement with the FTS5 index, keyword-in-context
lines, a coder's assignment, auto-coding proposals and their one-step add, coded segments,
and ``annotator search`` / ``autocode`` / ``segments``."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from annotator.domain.assignment import Plan
from annotator.domain.corpus_query import QueryError, context, fold, parse
from annotator.domain.errors import AnnotatorError, ProjectError
from annotator.domain.model import NewDocument
from annotator.services import search
from tests.conftest import run_cli

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

TEXTS = [
    "Jens Stoltenberg said NATO 🙂 would not bargain. Stoltenberg's line held.",
    "Zélensky met Stoltenberg in Kyiv; the café\u0301 was closed.",
    "Putin demanded legally-binding guarantees, not “verbal assurances”.",
    "🇺🇦 Zelenskyy: NATO's door stays open, said Jens\r\nStoltenberg.",
    "Nothing about anyone here.",
]


@pytest.fixture
def corpus(empty_project):  # type: ignore[no-untyped-def]
    empty_project.import_documents(
        [NewDocument(t.replace("\r\n", "\n"), title=f"t{i}", date=f"2022-0{5 - i}-01",
                     outlet=f"o{i % 2}") for i, t in enumerate(TEXTS)])
    return empty_project


def test_the_query_language_becomes_an_fts5_query() -> None:
    q = parse('"Jens Stoltenberg" OR Zelensk* NOT (putin OR kremlin)')
    assert q.fts == '("jens stoltenberg" OR ("zelensk"* NOT ("putin" OR "kremlin")))'
    assert [t.shown() for t in q.terms] == ['"jens stoltenberg"', "zelensk*"]  # not NOT's
    assert parse("nato russia").fts == '("nato" AND "russia")'  # side by side is AND
    assert parse("a OR b c").fts == '("a" OR ("b" AND "c"))'  # AND binds tighter than OR
    assert parse("NATO's").terms[0].words == ("nato", "s")  # a word is the index's tokens
    assert parse('"legally binding"*').terms[0].prefix


@pytest.mark.parametrize(("text", "says"), [
    ("", "type a word"), ("NOT x", "NOT needs a word before it"), ("(a", "no closing ')'"),
    ("a)", "without its '('"), ('"abc', "no closing quotation mark"),
    ("a AND", "where a word should follow"), ("!!!", "holds no letter or digit")])
def test_a_query_it_cannot_read_says_what_to_write(text: str, says: str) -> None:
    with pytest.raises(QueryError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_folding_keeps_every_offset() -> None:
    for text in TEXTS + ["ß İ ﬁ Ø ǅ e\u0301 👩‍👩‍👧"]:
        assert len(fold(text)) == len(text)


def test_matches_are_python_offsets_across_emoji_accents_and_newlines() -> None:
    text = TEXTS[3].replace("\r\n", "\n")
    q = parse('"jens stoltenberg" OR nato')
    assert [text[a:b] for a, b in q.matches(text)] == ["NATO", "Jens\nStoltenberg"]
    cafe = TEXTS[1]
    (start, end), = parse("cafe").matches(cafe)
    assert cafe[start:end] == "café\u0301"  # the accent after it belongs to the word
    assert [TEXTS[0][a:b] for a, b in parse("stolten*").matches(TEXTS[0])] == [
        "Stoltenberg", "Stoltenberg"]


def test_the_python_matcher_finds_what_the_index_finds() -> None:
    """The index picks the documents and Python finds the places: both must agree on every
    word, or a document would be listed without a line (or missed)."""
    rng = random.Random(3)
    pieces = ["Stoltenberg", "stoltenbergs", "Zélensky", "ZELENSKY", "café", "cafe\u0301",
              "NATO's", "nato_summit", "straße", "İstanbul", "Ørsted", "１２３", "123", "x-ray",
              "🙂", "ﬁne", "fine", ",", "—", "Kyiv", "kyiv."]
    docs = [" ".join(rng.choice(pieces) for _ in range(6)) for _ in range(400)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(t, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO f (rowid, t) VALUES (?, ?)", enumerate(docs))
    for word in ["stoltenberg", "stolten*", "zelensky", "cafe", "nato", "s", "summit",
                 "straße", "istanbul", "ørsted", "123", "１２３", "ray", "fine", "ﬁne", "kyiv",
                 '"nato s"', '"x ray"', "kyi*"]:
        q = parse(word)
        indexed = {r[0] for r in db.execute("SELECT rowid FROM f WHERE f MATCH ?", [q.fts])}
        found = {i for i, d in enumerate(docs) if q.matches(d)}
        assert indexed == found, word


def test_context_is_one_line_around_the_match() -> None:
    text = "one two\nthree FOUR five\n\nsix"
    c = context(text, 14, 18, width=8)
    assert (c.left, c.match, c.right) == ("o three ", "FOUR", " five s")
    assert (c.left_word, c.right_word) == ("three", "five")


def test_search_reads_every_match_with_context_and_counts(corpus) -> None:  # type: ignore[no-untyped-def]
    result = search.search(corpus, "Stoltenberg", width=10)
    assert result.documents == 3
    assert result.per_document == {1: 2, 2: 1, 4: 1}
    first = result.hits[0]
    assert (first.document_id, first.match, first.title) == (1, "Stoltenberg", "t0")
    text = corpus.document(4).text
    last = result.hits[-1]
    assert text[last.start:last.end] == "Stoltenberg"  # after a flag emoji: code points
    assert last.left.endswith("said Jens ")
    by_date = search.sort_hits(result.hits, "date")
    assert [h.date for h in by_date] == sorted(h.date for h in result.hits)
    lefts = [h.left_word for h in search.sort_hits(result.hits, "left")]
    assert lefts == ["bargain", "jens", "jens", "met"]  # the word just before each match


def test_search_stops_at_its_limit_but_counts_every_document(corpus) -> None:  # type: ignore[no-untyped-def]
    result = search.search(corpus, "stoltenberg OR nato", limit=2)
    assert len(result.hits) == 2 and result.truncated and result.documents == 3


def test_a_coder_in_a_study_searches_only_their_documents(corpus) -> None:  # type: ignore[no-untyped-def]
    corpus.set_assignments(Plan(coders={2: ["ana"]}, order={"ana": [2], "ben": [1, 4]}))
    assert {h.document_id for h in search.search(corpus, "stoltenberg", coder="ana").hits} == {2}
    assert search.search(corpus, "stoltenberg", coder="ben").documents == 2
    assert search.search(corpus, "stoltenberg").documents == 3


def test_autocode_proposes_whole_words_and_knows_what_exists(corpus) -> None:  # type: ignore[no-untyped-def]
    corpus.add_span(1, "ana", "speaker", 5, 16)  # the first "Stoltenberg" is coded
    hits = search.search(corpus, "stolt*").hits
    found = search.proposals(corpus, hits, "ana", "speaker")
    assert [(p.document_id, p.text, p.exists) for p in found] == [
        (1, "Stoltenberg", True), (1, "Stoltenberg's", False), (2, "Stoltenberg", False),
        (4, "Stoltenberg", False)]  # snapped like a selection: the 's goes with the word
    added = corpus.add_spans("ana", "speaker", search.places(found),
                             attributes={"actor": "stoltenberg"})
    assert len(added) == 3
    assert {s.text for s in corpus.spans(1, "ana")} == {"Stoltenberg", "Stoltenberg's"}
    again = search.proposals(corpus, search.search(corpus, "stolt*").hits, "ana", "speaker")
    assert search.places(again) == []  # a second run adds nothing
    assert corpus.status(2, "ana").value == "in_progress"


def test_auto_coding_is_all_or_nothing(corpus) -> None:  # type: ignore[no-untyped-def]
    places = [(1, 5, 16), (2, 0, 10_000)]  # the second does not fit its document
    with pytest.raises(ProjectError, match="does not lie inside"):
        corpus.add_spans("ana", "speaker", places)
    assert corpus.spans(1) == []
    with pytest.raises(AnnotatorError, match="not an option"):
        corpus.add_spans("ana", "speaker", places[:1], attributes={"actor": "Nobody"})
    assert corpus.spans(1) == []


def test_many_spans_leave_and_come_back_in_one_step(corpus) -> None:  # type: ignore[no-untyped-def]
    added = corpus.add_spans("ana", "demand", [(3, 0, 5), (3, 6, 14)], label=None)
    deleted = corpus.delete_spans([s.id for s in added])
    assert corpus.spans(3) == []
    corpus.restore_spans(deleted)
    assert [s.id for s in corpus.spans(3)] == [s.id for s in added]


def test_segments_read_context_by_code_points(corpus) -> None:  # type: ignore[no-untyped-def]
    text = corpus.document(1).text
    start = text.index("NATO")
    corpus.add_span(1, "ana", "speaker", start, start + 4)
    corpus.add_span(1, "ben", "speaker", 0, 4)
    corpus.add_span(2, "ana", "demand", 0, 8)
    found = corpus.segments("speaker", coder="ana", width=6)
    assert len(found) == 1
    s = found[0]
    assert (s.left, s.span.text, s.right) == (text[start - 6:start], "NATO", text[start + 4:
                                                                                start + 10])
    assert s.right.startswith(" 🙂")  # SQLite's substr counts characters, as Python does
    assert len(corpus.segments("speaker")) == 2
    assert corpus.segments("speaker", coder="ben")[0].left == ""
    assert [g.span.category for g in corpus.segments()] == ["speaker", "speaker", "demand"]


def test_documents_by_a_variable_value(corpus) -> None:  # type: ignore[no-untyped-def]
    corpus.set_variable(1, "ana", "tone", "negative")
    corpus.set_variable(2, "ben", "tone", "negative")
    corpus.set_variable(3, "ana", "tone", "neutral")
    assert [r[0] for r in corpus.documents_with_value("tone", "negative")] == [1, 2]
    assert corpus.documents_with_value("tone", "negative", "ben")[0][4] == "ben"


def test_search_autocode_and_segments_on_the_command_line(corpus) -> None:  # type: ignore[no-untyped-def]
    path = corpus.location
    code, out, err = run_cli("search", path, '"Jens Stoltenberg"')
    assert code == 0, err
    assert "[Jens Stoltenberg]" in out and "2 matches in 2 documents" in out
    code, out, _ = run_cli("search", path, "stolten*", "--format", "json", "--sort", "date")
    rows = json.loads(out)
    assert [r["document"] for r in rows] == [4, 2, 1, 1]
    assert rows[-1]["matches_in_document"] == 2
    code, _, err = run_cli("search", path, "NOT nato")
    assert code == 1 and "NOT needs a word before it" in err
    code, out, err = run_cli("autocode", path, "--coder", "ana", "--query", "stoltenberg",
                             "--category", "speaker", "--attribute", "actor=stoltenberg",
                             "--dry-run")
    assert code == 0, err
    assert "would add 4 speaker spans for ana in 3 documents" in out
    assert corpus.spans(1) == []  # a dry run adds nothing
    code, out, err = run_cli("autocode", path, "--coder", "ana", "--query", "stoltenberg",
                             "--category", "speaker", "--attribute", "actor=stoltenberg")
    assert code == 0 and "added 4 speaker spans" in out, err
    assert {s.attributes["actor"] for s in corpus.spans(2)} == {"stoltenberg"}
    code, out, _ = run_cli("autocode", path, "--coder", "ana", "--query", "stoltenberg",
                           "--category", "speaker")
    assert "added 0 speaker spans for ana in 0 documents; 4 already coded" in out
    code, out, _ = run_cli("segments", path, "--category", "speaker", "--format", "csv")
    assert out.count("\n") == 1 + 4 and out.startswith("span,document,coder,category")
    code, _, err = run_cli("autocode", path, "--coder", "ana", "--query", "nato",
                           "--category", "nonsense")
    assert code == 1 and "'nonsense' is not in the coding scheme" in err
