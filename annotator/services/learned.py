"""Learned proposals: a linear-chain CRF (CRFsuite) trained on the team's own coding of one
category, proposing spans of it in other articles; and its measure, k-fold by document.

Words are tokens (``\\w+`` or one other character), labelled B, I or O by the spans. A token's
features: the word lower-cased, its shape and capitals, three-letter prefix and suffix,
whether it is a verb of saying, whether it lies inside a quote, whether the speaker finder
(``domain.quotes``) proposes it, and the same for the two words either side. CRFsuite was
chosen over a classifier per token because a span is a sequence (B then I): it installs in
5 MB, trains a thousand articles in seconds and labels one in milliseconds.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.domain.errors import AnnotatorError
from annotator.domain.quotes import find_speakers

Range = tuple[int, int]
Token = tuple[int, int, str]  # start, end, text
MIN_SPANS = 50  # coded spans of a category before a model is worth training

_TOKEN = re.compile(r"\w+|[^\w\s]")
_SAYING = {"said", "says", "told", "added", "declared", "stated", "wrote", "replied",
           "assured", "insisted", "stressed", "warned", "explained", "demanded", "suggested",
           "according", "sagte", "sagt", "erklärte", "betonte", "warnte", "laut", "reports"}
_QUOTES = "\"“”„«»"


def tokens(text: str) -> list[Token]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _shape(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[A-ZÄÖÜ]", "A", re.sub(
        r"[a-zäöüß]", "a", re.sub(r"\d", "0", word))))


def features(text: str, toks: Sequence[Token]) -> list[list[str]]:
    """Each token's features, its neighbours' folded in (CRFsuite's string features)."""
    proposed = [(p.start, p.end) for p in find_speakers(text)]
    inside, depth = [], 0
    for _, _, word in toks:
        if word in _QUOTES:
            depth = 0 if depth else 1
        inside.append(depth)
    own: list[list[str]] = []
    j = 0
    for i, (start, _end, word) in enumerate(toks):
        while j < len(proposed) and proposed[j][1] <= start:
            j += 1
        found = j < len(proposed) and proposed[j][0] <= start < proposed[j][1]
        lower = word.lower()
        own.append([f"w={lower}", f"shape={_shape(word)}", f"p3={lower[:3]}", f"s3={lower[-3:]}",
                    f"title={word[:1].isupper()}", f"upper={word.isupper()}",
                    f"say={lower in _SAYING}", f"quoted={inside[i]}", f"finder={found}"])
    out = []
    for i, mine in enumerate(own):
        feats = ["bias", *mine]
        for offset in (-2, -1, 1, 2):
            k = i + offset
            if 0 <= k < len(own):
                feats += [f"{offset}:{f}" for f in own[k][:1] + own[k][4:]]
            else:
                feats.append(f"{offset}:edge")
        out.append(feats)
    return out


def labels(toks: Sequence[Token], spans: Sequence[Range]) -> list[str]:
    """B, I or O for each token, from the spans (a token is in a span if it starts in it)."""
    out = []
    ordered = sorted(spans)
    for start, _end, _word in toks:
        inside = next(((a, b) for a, b in ordered if a <= start < b), None)
        if inside is None:
            out.append("O")
        else:
            out.append("B" if not out or out[-1] == "O" or start == inside[0] else "I")
    return out


def spans_of(toks: Sequence[Token], tags: Sequence[str]) -> list[Range]:
    out: list[Range] = []
    for (start, end, _), tag in zip(toks, tags, strict=True):
        if tag == "B" or (tag == "I" and not out):
            out.append((start, end))
        elif tag == "I":
            out[-1] = (out[-1][0], end)
    return out


@dataclass
class Model:
    """A trained CRF, kept in a file of its own (CRFsuite's tagger reads a file)."""

    path: Path
    category: str
    trained_on: int  # spans

    def uncertainty(self, text: str) -> float:
        """How unsure the model is of an article: 1 less its confidence in the token it is
        least sure of (the largest of that token's label probabilities)."""
        import pycrfsuite

        toks = tokens(text)
        if not toks:
            return 0.0
        tagger = pycrfsuite.Tagger()
        tagger.open(str(self.path))
        try:
            tagger.set(features(text, toks))
            return 1.0 - min(max(tagger.marginal(label, i) for label in ("B", "I", "O")
                                 if label in tagger.labels())
                             for i in range(len(toks)))
        finally:
            tagger.close()

    def propose(self, text: str) -> list[Range]:
        import pycrfsuite

        toks = tokens(text)
        if not toks:
            return []
        tagger = pycrfsuite.Tagger()
        tagger.open(str(self.path))
        try:
            return spans_of(toks, tagger.tag(features(text, toks)))
        finally:
            tagger.close()


def train(examples: Sequence[tuple[str, Sequence[Range]]], category: str,
          folder: Path | None = None) -> Model:
    """A model of ``category`` from (text, its spans) pairs; refused below ``MIN_SPANS``."""
    import pycrfsuite

    coded = sum(len(spans) for _, spans in examples)
    if coded < MIN_SPANS:
        raise AnnotatorError(f"{coded} coded {category} spans: a model needs at least "
                             f"{MIN_SPANS} to learn from")
    trainer = pycrfsuite.Trainer(verbose=False)
    for text, spans in examples:
        toks = tokens(text)
        if toks:
            trainer.append(features(text, toks), labels(toks, spans))
    trainer.set_params({"c1": 0.1, "c2": 0.05, "max_iterations": 50,
                        "feature.possible_transitions": True})
    where = Path(tempfile.mkdtemp(prefix="annotator-model-")) if folder is None else folder
    path = where / f"{category}.crfsuite"
    trainer.train(str(path))
    return Model(path, category, coded)


def folds(documents: Sequence[int], k: int) -> list[list[int]]:
    """``k`` folds of the documents, every k-th to the same fold (deterministic)."""
    return [list(documents[i::k]) for i in range(k)]


def coded_examples(project: Any, coder: str, blind: bool, category: str = "speaker"
                   ) -> list[tuple[str, list[Range]]]:
    """What a coder's model learns from: the documents they marked done with their spans of
    ``category``, and (unless they code blind) gold's done documents with gold's."""
    from annotator.domain.model import Status

    whose = {coder} if blind else {coder, "gold"}
    done = sorted({(d, c) for (d, c), st in project.statuses().items()
                   if c in whose and st is Status.DONE})
    spans: dict[tuple[int, str], list[Range]] = {key: [] for key in done}
    for span in project.iter_spans(sorted({d for d, _ in done}), sorted(whose)):
        if span.category == category and (span.document_id, span.coder) in spans:
            spans[(span.document_id, span.coder)].append((span.start, span.end))
    return [(project.document(d).text, spans[(d, c)]) for d, c in done]


UNCERTAIN_LIMIT = 2_000  # uncoded documents an ordering looks at (in list order)


def train_all(project: Any, coder: str, blind: bool) -> dict[str, Model]:
    """A model for every category of the scheme with ``MIN_SPANS`` coded spans or more (the
    coder's done documents, and gold's unless blind); refused, with the counts, if none."""
    models: dict[str, Model] = {}
    counts: dict[str, int] = {}
    for category in project.scheme.categories:
        examples = coded_examples(project, coder, blind, category.key)
        counts[category.key] = sum(len(spans) for _, spans in examples)
        if counts[category.key] >= MIN_SPANS:
            models[category.key] = train(examples, category.key)
    if not models:
        said = ", ".join(f"{key} {n}" for key, n in counts.items())
        raise AnnotatorError(f"no category has {MIN_SPANS} coded spans to learn from yet "
                             f"({said})")
    return models


def least_sure(project: Any, models: dict[str, Model], coder: str,
               limit: int = UNCERTAIN_LIMIT) -> list[int]:
    """The coder's uncoded documents (no status of theirs), outside the reliability sample
    (whose documents every coder must code as drawn, not as a model prefers), the models'
    least sure first (the least sure of any category's model): active learning's next
    documents. The first ``limit`` uncoded documents are looked at, so a large corpus is
    ordered in seconds."""
    started = {d for (d, c) in project.statuses() if c == coder}
    sample = {d for d, _c, reliability in project.assignment_rows() if reliability}
    candidates = [d for d in project.all_document_ids()
                  if d not in started and d not in sample][:limit]
    scored = [(max(m.uncertainty(text) for m in models.values()), d) for d in candidates
              for text in [project.document(d).text]]
    return [d for _, d in sorted(scored, key=lambda pair: (-pair[0], pair[1]))]
