"""Project tasks shared by the command line and the window: create, import, and the sample.

Each takes plain callbacks for progress and cancelling, so the CLI can draw a bar and the UI
can run it on a worker thread with a progress dialog, both over the same code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator import paths
from annotator.agreement.report import AgreementInput, AgreementReport, build_report
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import NewDocument, Status
from annotator.domain.scheme import CodingScheme
from annotator.domain.scheme_loader import load_scheme
from annotator.formats.importers import collect_files, read_file
from annotator.storage import ImportResult, Project

Progress = Callable[[int, int], None]  # (done, total)


def new_project(path: Path, scheme_path: Path | None = None) -> Project:
    scheme: CodingScheme = load_scheme(scheme_path or paths.default_scheme_path())
    return Project.create(path, scheme)


def import_paths(project: Project, sources: list[Path], *, encoding: str | None = None,
                 text_field: str | None = None, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Import files and folders in one transaction: all of them, or (on any error) none."""
    files = collect_files(sources)

    def documents() -> Iterator[NewDocument]:
        for done, path in enumerate(files, start=1):
            yield from read_file(path, encoding, text_field)
            if progress:
                progress(done, len(files))

    return project.import_documents(documents(), cancelled=cancelled)


def open_or_create_sample(path: Path | None = None) -> Project:
    """The sample project under the user's data folder, made from ``seeds/`` on first use."""
    path = path or paths.default_project_path()
    if path.exists():
        return Project.open(path)
    project = new_project(path)
    try:
        import_paths(project, [paths.seeds_dir()])
    except BaseException:
        project.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return project


GOLD = "gold"


def write_atomically(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write the whole file or nothing: a temporary file renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding=encoding, newline="")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AnnotatorError(f"{path}: cannot write ({exc.strerror or exc})") from None


def agreement_input(project: Project, coders: list[str] | None = None,
                    scope: str = "done") -> AgreementInput:
    """What the agreement report needs, read once from the project.

    ``scope`` "done": per document, the chosen coders who marked it done; "all": those who
    coded it at all. Documents with fewer than two such coders are left out by the report.
    """
    known = project.coders()
    chosen = coders or [c for c in known if c != GOLD]
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise AnnotatorError(f"no coder named {', '.join(map(repr, unknown))} in the project "
                             f"(coders: {', '.join(known) or 'none'})")
    if len(chosen) < 2:
        raise AnnotatorError("agreement needs at least two coders; the project has "
                             f"{', '.join(known) or 'none'}")
    if scope not in ("done", "all"):
        raise AnnotatorError(f"scope must be 'done' or 'all', not {scope!r}")
    in_scope: dict[int, list[str]] = {}
    for (doc, coder), status in project.statuses().items():
        if coder in chosen and (scope == "all" or status is Status.DONE):
            in_scope.setdefault(doc, []).append(coder)
    in_scope = {d: sorted(c, key=chosen.index) for d, c in in_scope.items() if len(c) >= 2}
    summaries = project.document_summaries()
    variables: dict[int, dict[str, dict[str, object]]] = {}
    for doc, coder, key, value in project.all_variables():
        if doc in in_scope:
            variables.setdefault(doc, {}).setdefault(coder, {})[key] = value
    spans = list(project.iter_spans(document_ids=in_scope, coders=chosen))
    return AgreementInput(
        scheme=project.scheme, coders=chosen,
        lengths={d: summaries[d][0] for d in in_scope},
        titles={d: summaries[d][1] for d in in_scope},
        in_scope=in_scope, spans=spans, variables=variables, scope=scope)


def agreement_report(project: Project, coders: list[str] | None = None, scope: str = "done",
                     category: str | None = None, bootstrap_samples: int = 1000
                     ) -> AgreementReport:
    if category is not None and project.scheme.category(category) is None:
        raise AnnotatorError(f"no category {category!r} in the scheme (categories: "
                             f"{', '.join(c.key for c in project.scheme.categories)})")
    report = build_report(agreement_input(project, coders, scope),
                          bootstrap_samples=bootstrap_samples)
    if category is not None:
        report.rows = [r for r in report.rows if r.section == "spans" and (
            r.target == category or r.target.startswith((f"{category}/", f"{category}:")))]
        report.disagreements = [d for d in report.disagreements if d.category == category]
    return report
