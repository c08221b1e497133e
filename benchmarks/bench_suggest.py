"""Suggestions measured on a generated corpus of news-like articles whose speakers are coded
by construction: the speaker finder's rules and the learned model (k-fold by document)
against that coding, the model's training time on 1,000 articles, and its time to propose
in one.

    python benchmarks/bench_suggest.py [--documents 1000] [--quick]

The articles mix attributions (direct quotes, reported speech, according to, between
commas; names, titles, descriptions) with sentences that name people who do not speak, so
a proposer that marks every name is wrong there.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

NAMES = ["Vladimir Putin", "Sergei Lavrov", "Dmitry Peskov", "Maria Zakharova", "Joe Biden",
         "Antony Blinken", "Jens Stoltenberg", "Olaf Scholz", "Emmanuel Macron",
         "Volodymyr Zelensky", "Dmytro Kuleba", "Ursula von der Leyen", "Boris Johnson"]
BODIES = ["the Kremlin", "the White House", "the Pentagon", "the Foreign Ministry"]
DESCRIPTIONS = ["the Russian president", "a senior US official", "the German chancellor",
                "a NATO spokesman", "the Ukrainian foreign minister"]
QUOTES = ["We will not accept any expansion of the alliance",
          "There is no military solution to this crisis",
          "The door to diplomacy remains open", "Our patience is not unlimited",
          "Sanctions will follow any further aggression"]
CLAUSES = ["the talks would continue next week", "the troops would stay at the border",
           "the proposals had been ignored", "the security guarantees were essential",
           "a summit was not planned"]
PLACES = ["in Geneva", "in Moscow", "on Tuesday", "after the meeting", "late on Friday"]


def sentence(rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """One sentence and the speaker spans in it (offsets within the sentence)."""
    who = rng.choice(NAMES + BODIES + DESCRIPTIONS)
    quote, clause, place = rng.choice(QUOTES), rng.choice(CLAUSES), rng.choice(PLACES)
    kind = rng.randrange(7)
    if kind == 0:
        text = f"“{quote},” {who} said {place}."
    elif kind == 1:
        text = f"“{quote},” said {who}."
    elif kind == 2:
        text = f"{who[0].upper() + who[1:]} told reporters {place} that {clause}."
    elif kind == 3:
        text = f"According to {who}, {clause}."
    elif kind == 4:
        text = f"The alliance, {who} said, {clause[4:]}."
    elif kind == 5:  # names that do not speak
        other = rng.choice(NAMES)
        return f"{who[0].upper() + who[1:]} met {other} {place} to discuss the crisis.", []
    else:
        return f"Analysts expect that {clause} {place}.", []
    at = text.find(who) if kind != 2 else 0
    return text, [(at, at + len(who))]


def article(rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    text, spans = "", []
    for _ in range(rng.randrange(6, 14)):
        piece, found = sentence(rng)
        if text:
            text += " " if rng.random() < 0.7 else "\n\n"
        spans += [(text_len + a, text_len + b) for a, b in found for text_len in [len(text)]]
        text += piece
    return text, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 80 if args.quick else args.documents
    from annotator.domain.model import NewDocument, Status
    from annotator.services import actions
    from annotator.services.learned import train
    from annotator.services.suggest import evaluate_speakers

    rng = random.Random(29)
    corpus = [article(rng) for _ in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        project = actions.new_project(Path(tmp) / "generated.annotator")
        project.import_documents([NewDocument(text=t, title=f"Article {i}")
                                  for i, (t, _) in enumerate(corpus)])
        with project.transaction():
            for document, (_, spans) in zip(project.all_document_ids(), corpus, strict=True):
                for start, end in spans:
                    project.add_span(document, "gold", "speaker", start, end)
                project.set_status(document, "gold", Status.DONE)
        coded = sum(len(s) for _, s in corpus)
        print(f"{n:,} generated articles, {coded:,} coded speaker spans")
        for method in ("rules", "learned"):
            result = evaluate_speakers(project, method=method)
            p, r, f1 = result.finder.figures(result.finder.overlapping)
            ep, er, ef = result.finder.figures(result.finder.exact)
            print(f"{method:<8} precision {p:.3f} recall {r:.3f} F1 {f1:.3f}  (exact: {ep:.3f} "
                  f"{er:.3f} {ef:.3f})" + (f"  {result.folds}-fold" if result.folds else ""))
        started = time.perf_counter()
        model = train(corpus, "speaker")
        trained = time.perf_counter() - started
        times = []
        for text, _ in corpus[:200]:
            started = time.perf_counter()
            model.propose(text)
            times.append(time.perf_counter() - started)
        print(f"training on all {n:,} articles: {trained:.2f} s; proposing in one: "
              f"{statistics.median(times) * 1000:.1f} ms median, {max(times) * 1000:.1f} ms "
              f"longest")
        project.close()


if __name__ == "__main__":
    sys.exit(main())
