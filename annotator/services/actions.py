"""Project tasks shared by the command line and the window: create, import, and the sample.

Each takes plain callbacks for progress and cancelling, so the CLI can draw a bar and the UI
can run it on a worker thread with a progress dialog, both over the same code.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import paths
from annotator.domain.errors import AnnotatorError, Cancelled, shown_name
from annotator.domain.model import DocumentRecord, NewDocument, Status
from annotator.domain.scheme import CodingScheme
from annotator.storage import ImportResult, Project, remove_files
from annotator.storage.documents import FileImport

if TYPE_CHECKING:  # imported where they are used: start-up needs none of them (numpy,
    # jsonschema and every writer cost ~0.2 s before the window could show)
    from annotator.agreement.report import AgreementInput, AgreementReport

Progress = Callable[[int, int], None]  # (done, total)


def new_project(path: Path | str, scheme_path: Path | None = None) -> Project:
    from annotator.domain.scheme_loader import load_scheme

    scheme: CodingScheme = load_scheme(scheme_path or paths.default_scheme_path())
    return Project.create(path, scheme)


def import_paths(project: Project, sources: list[Path], *, encoding: str | None = None,
                 text_field: str | None = None, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 as_one_document: bool = False, strict: bool = False) -> ImportResult:
    """Import files and folders in one transaction: all of them, or (on any error) none."""
    from annotator.formats.importers import collect_files  # not at the start
    from annotator.services.reading import read_files

    files = collect_files(sources)
    summaries = [FileImport(shown_name(path.name)) for path in files]
    origin: list[tuple[int, str]] = []  # (file, title) of each document given, in order

    def documents() -> Iterator[NewDocument]:
        for done, found in enumerate(read_files(
                files, encoding=encoding, text_field=text_field, scheme=project.scheme,
                as_one_document=as_one_document, strict=strict, cancelled=cancelled),
                start=1):
            for document in found:
                summaries[done - 1].notes.extend(document.notes)
                summaries[done - 1].found += 1
                origin.append((done - 1, document.title))
                yield document
            if progress:
                progress(done, len(files))

    result = project.import_documents(documents(), cancelled=cancelled)
    for position, existing in result.skipped:
        number, title = origin[position]
        summaries[number].duplicates += 1
        if summaries[number].duplicates <= 10:
            summaries[number].notes.append(f"{title[:60]!r} is already in the project "
                                           f"(document {existing}): skipped")
    _name_twins(project, result, origin, summaries)
    for summary in summaries:
        summary.imported = summary.found - summary.duplicates
        result.notes.extend(f"{summary.name}: {note}" for note in summary.notes)
    result.files = summaries
    project.checkpoint()  # the project file alone holds the import, not only its -wal
    return result


def _name_twins(project: Project, result: ImportResult, origin: list[tuple[int, str]],
                summaries: list[FileImport]) -> None:
    """Each document imported with a text the project held under another outlet or date
    is counted, and named with its twin in its file's notes (the first ten of a file)."""
    named = []
    for position, new, old in result.twins:
        number, title = origin[position]
        summaries[number].twins += 1
        if summaries[number].twins <= 10:
            named.append((number, title, new, old))
    rows = {r.id: r for r in project.document_rows(sorted({n[3] for n in named}), None)}
    for number, title, new, old in named:
        row = rows.get(old)
        where = ", ".join(x for x in (row.outlet, row.date) if x) if row else ""
        summaries[number].notes.append(
            f"{title[:60]!r} (document {new}) has the same text as document {old}"
            + (f" ({where})" if where else "") + ": imported as a publication of its "
            "own; 'annotator duplicates' groups the two")


def copy_project(source: str | Path, target: str | Path,
                 progress: Progress | None = None) -> None:
    """Copy the project at ``source`` to a new project at ``target`` (a file or a server),
    table by table; the copy begins a line of work of its own (a package's merges can tell
    it from its source)."""
    from annotator.storage.copy import copy_rows

    with Project.open(source, read_only=True) as project:
        copy_rows(project.db, target, progress)
    with Project.open(target) as copy:
        copy.new_lineage()


def preview_import(sources: list[Path], *, encoding: str | None = None,
                   text_field: str | None = None, as_one_document: bool = False,
                   strict: bool = False,
                   scheme: CodingScheme | None = None) -> list[tuple[Path, list[NewDocument]]]:
    """What an import would add, per file, read but not written anywhere."""
    from annotator.formats.importers import collect_files, read_file

    return [(path, list(read_file(path, encoding, text_field, scheme,
                                  as_one_document=as_one_document, strict=strict)))
            for path in collect_files(sources)]


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
        remove_files(path)
        raise
    return project


GOLD = "gold"


def _check_meanwhile(project: Project) -> Callable[[], list[tuple[str, int]]]:
    """Whether every span's text is its document's text at its offsets, asked of a second
    connection to the file on a thread while the spans are written (SQLite works without
    the GIL: the check, which reads every text, no longer adds its seconds); on a server,
    asked when called."""
    if project.on_server:
        return project.spans_off_their_text
    found: list[list[tuple[str, int]] | BaseException] = []

    def check() -> None:
        try:
            with Project.open(project.path, read_only=True) as other:
                found.append(other.spans_off_their_text())
        except BaseException as exc:  # handed to the caller, raised there
            found.append(exc)

    thread = threading.Thread(target=check, name="span text check", daemon=True)
    thread.start()

    def result() -> list[tuple[str, int]]:
        thread.join()
        if isinstance(found[0], BaseException):
            raise found[0]
        return found[0]

    return result


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while rows stream: a million spans make three million
    tuples, none in a cycle, and the collector walked them some 2,000 times (7 % of the
    spans CSV's time). On again after, as it was, whatever happens."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _off_text(spans: list[tuple[str, int]]) -> None:
    shown = ", ".join(f"span {s} in document {d}" for s, d in spans)
    raise AnnotatorError(f"nothing was exported: {shown}: its stored text is not the "
                         f"document's text at its offsets (the project was changed outside "
                         f"annotator). Run 'annotator check' and 'annotator check --repair' "
                         f"on it first")


def write_atomically(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write the whole file or nothing (the exports' temporary-file-and-rename)."""
    from annotator.formats.export import atomic_file

    with atomic_file(path, encoding=encoding, newline="") as out:
        out.write(text)


def agreement_input(project: Project, coders: list[str] | None = None,
                    scope: str = "done", continuum: str = "separate",
                    documents: set[int] | None = None,
                    without_assisted: bool = False) -> AgreementInput:
    """What the agreement report needs, read once from the project.

    ``scope`` "done": per document, the chosen coders who marked it done; "all": those who
    coded it at all. A coder who did not is missing there, not "no spans". Documents with
    fewer than two such coders are left out, and counted. Without ``coders``: every coder
    but gold who has a document in scope (one who coded nothing must not void the report).
    ``without_assisted``: spans made with help (``Span.origin``: auto-coding, an accepted
    suggestion) are left out, and counted.
    """
    from annotator.agreement.report import AgreementInput

    known = project.coders()
    if coders is not None and len(set(coders)) != len(coders):
        twice = sorted({c for c in coders if coders.count(c) > 1})
        raise AnnotatorError(f"coder {', '.join(map(repr, twice))} is named twice; agreement "
                             f"compares different coders")
    unknown = [c for c in coders or () if c not in known]
    if unknown:
        raise AnnotatorError(f"no coder named {', '.join(map(repr, unknown))} in the project "
                             f"(coders: {', '.join(known) or 'none'})")
    if scope not in ("done", "all"):
        raise AnnotatorError(f"scope must be 'done' or 'all', not {scope!r}")
    if continuum not in ("separate", "joined"):
        raise AnnotatorError(f"continuum must be 'separate' or 'joined', not {continuum!r}")
    statuses = {k: v for k, v in project.statuses().items()
                if documents is None or k[0] in documents}
    counted = {c for (_, c), st in statuses.items() if scope == "all" or st is Status.DONE}
    chosen = coders or [c for c in known if c != GOLD and c in counted]
    if len(chosen) < 2:
        hint = ""
        if scope == "done" and not any(st is Status.DONE for st in statuses.values()):
            hint = "; no document is marked done yet: --scope all uses every coded document"
        raise AnnotatorError("agreement needs at least two coders with documents in scope; "
                             f"the project has {', '.join(known) or 'none'}{hint}")
    in_scope: dict[int, list[str]] = {}
    for (doc, coder), status in statuses.items():
        if coder in chosen and (scope == "all" or status is Status.DONE):
            in_scope.setdefault(doc, []).append(coder)
    single = sum(1 for c in in_scope.values() if len(c) == 1)
    in_scope = {d: sorted(c, key=chosen.index) for d, c in in_scope.items() if len(c) >= 2}
    if not in_scope and scope == "done" and not any(
            st is Status.DONE for st in statuses.values()):
        raise AnnotatorError("no document is marked done yet, so there is nothing to compare; "
                             "--scope all uses every document two coders coded")
    summaries = project.document_summaries()
    variables: dict[int, dict[str, dict[str, object]]] = {}
    for doc, coder, key, value in project.all_variables():
        if doc in in_scope:
            variables.setdefault(doc, {}).setdefault(coder, {})[key] = value
    spans = list(project.iter_spans(document_ids=in_scope, coders=chosen))
    assisted = sum(1 for s in spans if s.origin)
    if without_assisted:
        spans = [s for s in spans if not s.origin]
    left_out = {"coded by only one of the chosen coders": single} if single else {}
    return AgreementInput(
        scheme=project.scheme, coders=chosen,
        lengths={d: summaries[d][0] for d in in_scope},
        titles={d: summaries[d][1] for d in in_scope},
        in_scope=in_scope, spans=spans, variables=variables, scope=scope,
        left_out=left_out, continuum=continuum, assisted=assisted,
        assisted_left_out=without_assisted)


def agreement_report(project: Project, coders: list[str] | None = None, scope: str = "done",
                     category: str | None = None, bootstrap_samples: int = 1000,
                     continuum: str = "separate", training: bool = False, *,
                     gamma_samples: int = 0, gamma_seed: int = 0,
                     without_assisted: bool = False,
                     progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None) -> AgreementReport:
    """``training``: only the practice documents (a trainee against gold, say);
    ``gamma_samples``: Mathet's γ from that many sampled corpora (0: none)."""
    from annotator.agreement.report import build_report

    documents = None
    if training:
        documents = set(project.study_setting("training_documents", []))
        if not documents:
            raise AnnotatorError("no documents are marked as training: annotator study "
                                 "PROJECT --training ID,ID,…")
    if category is not None and project.scheme.category(category) is None:
        raise AnnotatorError(f"no category {category!r} in the scheme (categories: "
                             f"{', '.join(c.key for c in project.scheme.categories)})")
    data = agreement_input(project, coders, scope, continuum, documents, without_assisted)
    report = build_report(data, bootstrap_samples=bootstrap_samples,
                          gamma_samples=gamma_samples, gamma_seed=gamma_seed,
                          progress=progress, cancelled=cancelled)
    if data.assisted:  # a reviewer asks whether the machine coded any of it
        help_ = f"{data.assisted} span{'s' * (data.assisted != 1)} made with help " \
                f"(auto-coding, accepted suggestions)"
        report.rules += (f" {help_} left out, as asked." if without_assisted else
                         f" {help_} are counted; --without-assisted leaves them out.")
    if category is not None:
        report.rows = [r for r in report.rows if r.section == "spans" and (
            r.target == category or r.target.startswith((f"{category}/", f"{category}:")))]
        report.disagreements = [d for d in report.disagreements if d.category == category]
    return report


EXPORT_FORMATS = ("spans-csv", "matrix-csv", "spss", "stata", "jsonl", "brat", "qdpx",
                  "codebook-md", "codebook-html")


PROGRESS_EVERY = 5000


def _counted(batches: Iterable[list[Any]], total: int, progress: Progress | None,
             cancelled: Callable[[], bool] | None) -> Iterator[list[Any]]:
    """Lists of rows passed on, with a chance to cancel after each and progress told
    every ``PROGRESS_EVERY`` rows (the lists are small: a dialog need not hear of each)."""
    done = told = 0
    for rows in batches:
        if cancelled and cancelled():
            raise Cancelled()
        yield rows
        done += len(rows)
        if progress and done - told >= PROGRESS_EVERY:
            told = done
            progress(done, max(total, done))
    if progress:
        progress(done, max(done, 1))


def export(project: Project, fmt: str, path: Path, *, coders: list[str] | None = None,
           documents: str = "all", excel: bool = False, line_endings: str = "lf",
           progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
           ) -> int:
    """Write the project (or its codebook) in ``fmt``; returns rows, lines or files written."""
    if fmt not in EXPORT_FORMATS:
        raise AnnotatorError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if documents not in ("done", "all"):
        raise AnnotatorError(f"documents must be 'done' or 'all', not {documents!r}")
    known = project.coders()
    if coders:
        unknown = [c for c in coders if c not in known]
        if unknown:
            raise AnnotatorError(f"no coder named {', '.join(map(repr, unknown))} in the "
                                 f"project (coders: {', '.join(known) or 'none'})")
    from annotator.formats.brat import write_brat
    from annotator.formats.codebook import codebook_html, codebook_markdown
    from annotator.formats.export import attribute_cells, write_jsonl, write_spans_csv
    from annotator.formats.refiqda import write_qdpx
    from annotator.formats.tables import write_matrix_csv, write_statistics_file

    scheme = project.scheme
    if fmt == "codebook-md":
        write_atomically(path, codebook_markdown(scheme))
        return 1
    if fmt == "codebook-html":
        write_atomically(path, codebook_html(scheme))
        return 1
    # tables and brat hold only coded documents; JSONL and REFI-QDA carry the whole corpus
    coded_only = fmt in ("spans-csv", "matrix-csv", "spss", "stata", "brat")

    def records() -> Iterator[DocumentRecord]:
        total = len({d for d, _ in project.statuses()}) if coded_only \
            else project.document_count()  # (asked here: the spans CSV counts spans)
        for done, record in enumerate(project.iter_records(coders, documents,
                                                           coded_only=coded_only), start=1):
            if cancelled and cancelled():
                raise Cancelled()
            if progress and (done % 100 == 0 or done == total):
                progress(done, total)
            text = record.document.text
            for work in record.coding.values():  # a slice each: cheap beside the writing
                for span in work.spans:
                    if text[span.start:span.end] != span.text:
                        _off_text([(span.id, record.document.id)])
            yield record

    if fmt == "spans-csv":  # one joined query streamed: no texts, no objects per span
        checked = _check_meanwhile(project)
        batches = project.span_rows(coders, documents, attribute_cells(scheme))

        def then_checked() -> Iterator[list[Any]]:
            yield from _counted(batches, project.count_spans(), progress, cancelled)
            if off := checked():  # before the file is put in place: a failed check leaves none
                _off_text(off)

        with _no_cycle_collection():
            return write_spans_csv(then_checked(), path, scheme, excel=excel)
    if fmt == "matrix-csv":
        return write_matrix_csv(records(), path, scheme, excel=excel,
                                metadata_keys=project.metadata_keys())
    if fmt in ("spss", "stata"):
        return write_statistics_file(records(), path, scheme, fmt,
                                     metadata_keys=project.metadata_keys())
    if fmt == "jsonl":
        return write_jsonl(records(), path, scheme)
    if fmt == "brat":
        return write_brat(records(), path, scheme)
    return write_qdpx(records(), path, scheme, project.name, line_endings=line_endings)
