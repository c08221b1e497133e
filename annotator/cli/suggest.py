"""``suggest``: the speaker finder's proposals, measured on the team's coding
(``--evaluate``), beside the coders' own agreement on the same category."""

from __future__ import annotations

import argparse
import json
from typing import Any

from annotator.cli.registry import Command, arg, registrar
from annotator.paths import location

COMMANDS: dict[str, Command] = {}
command = registrar(COMMANDS)
PARSERS: dict[str, dict[str, Any]] = {
    "suggest": {"help": "measure the speaker finder or a learned model against a coder's "
                        "spans (--evaluate)",
                "args": [
                    arg("project", type=location),
                    arg("--category", default="speaker",
                        help="the category the finder proposes (default: speaker)"),
                    arg("--evaluate", action="store_true", required=True,
                        help="precision, recall and F1 on the coder's done documents"),
                    arg("--coder", help="whose coding is the reference (default: gold, or "
                                        "the one coder with done documents)"),
                    arg("--method", choices=("rules", "learned"), default="rules",
                        help="the speaker finder's rules, or a model learned from the coding "
                             "(measured k-fold by document)"),
                    arg("--folds", type=int, default=5, metavar="K",
                        help="folds for --method learned (default 5)"),
                    arg("--json", action="store_true", help="the figures as JSON")]},
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@command("suggest")
def _suggest(args: argparse.Namespace) -> int:
    from annotator.services.suggest import evaluate_speakers
    from annotator.storage import Project

    with Project.open(args.project, read_only=True) as project:
        result = evaluate_speakers(project, args.category, args.coder, args.method, args.folds)
    finder = result.finder
    who = "speaker finder (rules)" if result.method == "rules" else \
        f"learned ({result.folds}-fold)"
    rows = [(who, f"vs {result.coder}", result.documents, finder)]
    rows += [(f"coder {a}", f"vs {b}", n, scores) for (a, b), (n, scores)
             in result.coders.items()]
    if args.json:
        print(json.dumps({"category": result.category, "reference": result.coder,
                          "method": result.method, "folds": result.folds,
                          "train_seconds": result.train_seconds,
                          "propose_ms": result.propose_ms, "rows": [
            {"who": who, "against": against, "documents": n,
             "proposed": s.proposed, "reference": s.reference,
             **dict(zip(("precision", "recall", "f1"), s.figures(s.overlapping), strict=True)),
             **dict(zip(("exact_precision", "exact_recall", "exact_f1"),
                        s.figures(s.exact), strict=True))}
            for who, against, n, s in rows],
            "rules": {rule: {"proposed": n, "overlapping_a_span": hit}
                      for rule, (n, hit) in result.by_rule.items()}}, indent=2))
        return 0
    print(f"{result.category}: spans matched one to one by overlap (exact in brackets)")
    print(f"{'':<26}{'':<14}{'docs':>5} {'precision':>16} {'recall':>16} {'F1':>16}")
    for who, against, n, s in rows:
        overlap, exact = s.figures(s.overlapping), s.figures(s.exact)
        cells = [f"{_pct(o)} ({_pct(e)})" for o, e in zip(overlap, exact, strict=True)]
        print(f"{who:<26}{against:<14}{n:>5} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16}")
    for rule, (n, hit) in result.by_rule.items():
        print(f"  rule {rule!r}: {n} proposed, {hit} on a coded span")
    if result.method == "learned":
        print(f"  training: {result.train_seconds:.2f} s at most a fold; proposing: "
              f"{result.propose_ms:.1f} ms an article (median)")
    return 0
