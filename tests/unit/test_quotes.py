"""The speaker finder: who is quoted, in English and German news sentences (names as printed,
transliterated Russian names among them), what it must not propose (pronouns, possessives,
words across a sentence's end), and its evaluation against hand-coded speakers of the sample
articles (``tests/data/quotes/seeds_speakers.json``, origin there), beside two coders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.domain.model import Status
from annotator.domain.quotes import find_speakers
from annotator.services import actions
from annotator.services.suggest import Scores, evaluate_speakers
from tests.conftest import SEEDS, run_cli

GOLD = Path(__file__).parent.parent / "data" / "quotes" / "seeds_speakers.json"


def speakers(text: str) -> list[str]:
    return [text[p.start:p.end] for p in find_speakers(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("“We will not retreat,” Putin said on Tuesday.", ["Putin"]),
    ("\"There is no plan B,\" said Sergei Lavrov.", ["Sergei Lavrov"]),
    ("Kremlin spokesman Dmitry Peskov told reporters that talks would go on.",
     ["Kremlin spokesman Dmitry Peskov"]),
    ("This, the Russian president said, will decide everything.", ["the Russian president"]),
    ("According to the Kremlin, the call lasted an hour.", ["the Kremlin"]),
    ("Maria Zakharova insisted that the West had lied.", ["Maria Zakharova"]),
    ("The talks failed, NATO Secretary General Jens Stoltenberg said.",
     ["NATO Secretary General Jens Stoltenberg"]),
    ("„Wir stehen an der Seite der Ukraine“, sagte Olaf Scholz am Montag.", ["Olaf Scholz"]),
    ("Ursula von der Leyen erklärte, die Sanktionen würden verschärft.",
     ["Ursula von der Leyen"]),
    ("Laut Peskow ist ein Treffen nicht geplant.", ["Peskow"]),
])
def test_speakers_are_found_as_printed(text: str, expected: list[str]) -> None:
    assert speakers(text) == expected


@pytest.mark.parametrize("text", [
    "“We will not retreat,” he said.",  # a pronoun: the coder codes the name
    "Putin thus responded to Biden’s claims about the troops.",  # a possessive
    "He met Poland, Romania and the Baltic States. They said nothing.",  # across a sentence
    "Putin warned of the threat to Moscow.",  # a weak verb without what was said
    "The former Warsaw Pact states in Eastern Europe joined.",  # 'states' is not said
])
def test_what_is_not_a_speaker_is_not_proposed(text: str) -> None:
    assert speakers(text) == []


def test_a_quote_is_kept_with_its_speaker() -> None:
    text = "“We will not retreat,” Putin said."
    (proposal,) = find_speakers(text)
    assert proposal.quote is not None and text[slice(*proposal.quote)] == \
        "“We will not retreat,”"


def _seeds_coded(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = actions.new_project(tmp_path / "seeds.annotator")
    actions.import_paths(project, [SEEDS])
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    by_file = {Path(project.document(d).source_path or "").name[:3]: d
               for d in project.all_document_ids()}
    for file, context, speaker, *occurrence in gold["spans"]:
        document = by_file[file]
        text = project.document(document).text
        at = -1
        for _ in range(occurrence[0] if occurrence else 1):
            at = text.index(context, at + 1)
        start = at + context.index(speaker)
        project.add_span(document, "gold", "speaker", start, start + len(speaker))
    for document in by_file.values():
        project.set_status(document, "gold", Status.DONE)
    return project, by_file, len(gold["spans"])


def test_the_finder_measured_on_the_hand_coded_sample_articles(tmp_path: Path) -> None:
    project, by_file, coded = _seeds_coded(tmp_path)
    # a second coder who found only the direct quotes of the first article
    first = by_file["000"]
    for span in project.spans(first, "gold")[:3]:
        project.add_span(first, "ana", "speaker", span.start, span.end)
    project.set_status(first, "ana", Status.DONE)
    result = evaluate_speakers(project)
    assert result.coder == "gold" and result.documents == 5
    assert result.finder.reference == coded == 37
    precision, recall, f1 = result.finder.figures(result.finder.overlapping)
    # in-sample: the rules were written reading these articles (README says so); a floor
    # that a broken rule falls through
    assert precision is not None and precision >= 0.9
    assert recall is not None and recall >= 0.85
    assert sum(n for n, _ in result.by_rule.values()) == result.finder.proposed
    n, pair = result.coders[("ana", "gold")]
    assert n == 1 and pair.figures(pair.overlapping) == (1.0, 3 / 5, 2 * 3 / 8)


def test_scores_match_one_to_one_and_exactly() -> None:
    scores = Scores()
    scores.add([(0, 10), (20, 25)], [(0, 4), (5, 10), (20, 25), (30, 40)])
    assert (scores.overlapping, scores.exact) == (2, 1)  # one long span is one match
    assert scores.figures(scores.overlapping) == (1.0, 0.5, 2 * 2 / 6)


def test_the_command_line_reports_the_finder_and_the_coders(tmp_path: Path) -> None:
    project, _, _ = _seeds_coded(tmp_path)
    project.close()
    code, out, err = run_cli("suggest", str(tmp_path / "seeds.annotator"), "--evaluate",
                             "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["reference"] == "gold" and report["rows"][0]["reference"] == 37
    code, out, err = run_cli("suggest", str(tmp_path / "seeds.annotator"), "--evaluate",
                             "--category", "nonsense")
    assert code != 0 and "no category 'nonsense'" in err


def test_a_model_learns_speakers_from_the_coding_and_proposes_them() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent.parent / "benchmarks"))
    import random

    from bench_suggest import article

    from annotator.services.learned import MIN_SPANS, labels, spans_of, tokens, train

    rng = random.Random(7)
    corpus = [article(rng) for _ in range(40)]
    model = train(corpus[:30], "speaker")
    assert model.trained_on >= MIN_SPANS
    held = Scores()
    for text, spans in corpus[30:]:
        held.add(model.propose(text), spans)
    precision, recall, _ = held.figures(held.overlapping)
    assert precision is not None and precision > 0.8 and recall is not None and recall > 0.8
    text = "“No,” Putin said. Lavrov met Blinken."
    toks = tokens(text)
    assert spans_of(toks, labels(toks, [(6, 11)])) == [(6, 11)]  # B/I round trip


def test_too_little_coding_is_refused_with_the_count() -> None:
    from annotator.domain.errors import AnnotatorError
    from annotator.services.learned import train

    with pytest.raises(AnnotatorError, match="3 coded speaker spans"):
        train([("“No,” Putin said.", [(6, 11)])] * 3, "speaker")
