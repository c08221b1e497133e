"""Merging coders' projects (packages, copies, laptops) into one, shared by the command line
and the window: first a plan that says, for every document × coder, what the merge would do,
then (unless it is a dry run, or something is left to decide) one transaction that does it.

A coder owns their work on a document. The plan compares each side's work (its hash), and
what the last merge brought (the merge base):

- the same on both sides, or nothing new since the last merge: nothing to do;
- the target has none: **add** it;
- the target holds what the last merge brought, or one side's work holds all of the other's:
  **replace** the target's with the source's (a later round: new, changed and deleted
  spans, values, status) — unless that would put unfinished work over finished work, or
  older work over newer: then it is a **conflict**;
- the target's work already holds all of the source's: **keep** it;
- both changed since they were one: a **conflict**, with what differs.

A package knows its coder: work in it by anyone else (coded under the wrong name) is a
conflict too. Conflicts are never settled silently: nothing is written until each is
settled by ``theirs`` (take the source's work of that coder), ``ours`` (keep the target's)
or a rename. A merge that replaces work the target holds leaves a backup first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import NewDocument, Status
from annotator.domain.scheme_change import plan_change
from annotator.formats.export import span_json
from annotator.paths import is_server, shown_location
from annotator.storage import CodingResult, Project
from annotator.storage.study import NO_WORK

_RANK = {Status.NOT_STARTED: 0, Status.IN_PROGRESS: 1, Status.DONE: 2}
ACTIONS = ("add", "replace", "keep", "conflict")


@dataclass
class Decision:
    """What the merge does with one coder's work on one document from one source."""

    source: str
    document: str  # as shown: "document 3 ('Putin warns…')"
    coder: str  # the coder in the target (after a rename)
    action: str  # add, replace, keep, conflict
    why: str = ""
    settled: str = ""  # "theirs" or "ours" where the user settled a conflict
    source_document_id: int = 0
    source_coder: str = ""
    work_hash: str = ""
    changed_at: str = ""  # when the source's work last changed

    def __str__(self) -> str:
        what = {"add": "add", "replace": "replace the target's", "keep": "keep the target's",
                "conflict": "CONFLICT"}[self.action]
        settled = f" (settled: {self.settled})" if self.settled else ""
        return (f"{self.source}: {self.document}, {self.coder}: {what}{settled}"
                + (f" — {self.why}" if self.why else ""))


@dataclass
class MergeResult:
    documents_added: int = 0
    spans_added: int = 0
    values_added: int = 0
    replaced: int = 0  # coders' documents whose work the target held, replaced
    scheme_notes: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    backup: str | None = None  # where the work a merge replaced was saved first

    def counts(self) -> dict[str, int]:
        return {a: sum(d.action == a for d in self.decisions) for a in ACTIONS}


def parse_renames(items: list[str]) -> dict[str | None, dict[str, str]]:
    """``OLD=NEW`` (every source) or ``SOURCE:OLD=NEW`` (one source, by its file name)."""
    renames: dict[str | None, dict[str, str]] = {}
    for item in items:
        head, sep, new = item.rpartition("=")
        source, colon, old = head.rpartition(":") if ":" in head else ("", "", head)
        if not sep or not old.strip() or not new.strip():
            raise AnnotatorError(f"--rename takes OLD=NEW or SOURCE:OLD=NEW, not {item!r}")
        renames.setdefault(source.strip() or None, {})[old.strip()] = new.strip()
    return renames


def merge_projects(target: Project, sources: list[Path | str],
                   renames: dict[str | None, dict[str, str]] | dict[str, str] | None = None,
                   *, theirs: list[str] | tuple[str, ...] = (),
                   ours: list[str] | tuple[str, ...] = (), dry_run: bool = False,
                   backup_keep: int = 10) -> MergeResult:
    """Plan the merge of ``sources`` into ``target``; unless ``dry_run``, carry it out in one
    transaction. Raises (writing nothing) while any conflict is left to settle."""
    both = set(theirs) & set(ours)
    if both:
        raise AnnotatorError(f"{', '.join(sorted(both))}: take theirs or keep ours, not both")
    per_source = _normalise(renames)
    result = MergeResult()
    opened: list[Project] = []
    try:
        for source in sources:
            opened.append(_open_source(target, source, result))
        plans = [(project, _names(per_source, project)) for project in opened]
        new: set[str] = set()  # publications the target lacks, found while planning
        for project, names in plans:
            result.decisions += _plan(target, project, names, set(theirs), set(ours), new)
        conflicts = [d for d in result.decisions if d.action == "conflict"]
        if dry_run:
            result.documents_added = len(new)
            return result
        if conflicts:
            raise AnnotatorError(_refusal(conflicts))
        replacing = [d for d in result.decisions if d.action == "replace"]
        if replacing:
            result.backup = _backup(target, backup_keep)
        with target.transaction(whole=True):
            for project, _ in plans:
                _apply(target, project, [d for d in result.decisions
                                         if d.source == _shown(project)], result)
    finally:
        for project in opened:
            project.close()
    target.checkpoint()
    return result


def _open_source(target: Project, source: Path | str, result: MergeResult) -> Project:
    if shown_location(source) == target.location or (
            not target.on_server and not is_server(source)
            and Path(source).resolve() == target.path.resolve()):
        raise AnnotatorError(f"{source}: cannot merge a project into itself")
    project = Project.open(source, read_only=True)
    try:
        plan_change(target.scheme, project.scheme_usage(), source)  # coded keys need a home
    except BaseException:
        project.close()
        raise
    if project.scheme.data != target.scheme.data:
        result.scheme_notes.append(
            f"{source}: its scheme ({project.scheme.name} v{project.scheme.version}) "
            f"differs from this project's; every key its spans use exists here")
    return project


def _normalise(renames: dict[str | None, dict[str, str]] | dict[str, str] | None
               ) -> dict[str | None, dict[str, str]]:
    if not renames:
        return {}
    if all(isinstance(v, str) for v in renames.values()):
        return {None: dict(renames)}  # type: ignore[arg-type]
    return renames  # type: ignore[return-value]


def _names(per_source: dict[str | None, dict[str, str]], project: Project) -> dict[str, str]:
    where = project.location
    return {**per_source.get(None, {}),
            **per_source.get(project.path.name if not project.on_server else where, {}),
            **per_source.get(where, {})}


def _shown(project: Project) -> str:
    return project.location if project.on_server else project.path.name


def _plan(target: Project, source: Project, names: dict[str, str], theirs: set[str],
          ours: set[str], new: set[str]) -> list[Decision]:
    """Every decision for ``source``; the publication keys of its documents that the
    target lacks go into ``new``."""
    package_of = source.study_setting("package_of")
    decisions = []
    for record in source.iter_records():
        doc = record.document
        if NewDocument(text=doc.text).content_hash != doc.content_hash:
            raise AnnotatorError(f"{source.path}: document {doc.id} was changed outside "
                                 f"annotator (its text no longer matches its hash); nothing "
                                 f"was merged. Run 'annotator check' on it")
        here = target.document_id_by_key(doc.publication_key)
        if here is None:
            new.add(doc.publication_key)
        shown = f"document {here if here is not None else f'new ({doc.id} there)'}" + (
            f" ({doc.title[:40]!r})" if doc.title else "")
        for coder in record.coding:
            name = names.get(coder, coder)
            decision = Decision(_shown(source), shown, name, "", source_document_id=doc.id,
                                source_coder=coder, work_hash=source.work_hash(doc.id, coder),
                                changed_at=source.work_changed_at(doc.id, coder))
            if not _decide(target, source, here, decision):
                continue  # nothing new from them since the last merge
            if package_of and coder != package_of and coder not in names:
                decision.action, decision.why = "conflict", (
                    f"{source.path.name} is {package_of}'s package, but this is {coder}'s "
                    f"work (coded under the wrong name?)")
            if decision.action == "conflict" and name in theirs:
                decision.action, decision.settled = "replace", "theirs"
            elif decision.action == "conflict" and name in ours:
                decision.action, decision.settled = "keep", "ours"
            decisions.append(decision)
    return decisions


def _decide(target: Project, source: Project, here: int | None, d: Decision) -> bool:
    """Fill in the decision's action; False where there is nothing to do at all."""
    theirs = d.work_hash
    mine = target.work_hash(here, d.coder) if here is not None else NO_WORK
    base = target.merge_base_of(here, d.coder) if here is not None else None
    if theirs == mine:
        d.action, d.why = "keep", "the same on both sides"
        return base is None or base[0] != theirs  # the same: only the base is new
    if base is not None and theirs == base[0]:
        return False  # what the last merge brought; ours may have moved on since
    if mine == NO_WORK:
        d.action = "add"
        return True
    assert here is not None
    their_parts = source.work_parts(d.source_document_id, d.source_coder)
    my_parts = target.work_parts(here, d.coder)
    their_base = source.merge_base_of(d.source_document_id, d.source_coder)
    if base is not None and base[0] == mine and base[1] == source.lineage:
        d.why = "a later round of the same work"
    elif their_base is not None and their_base[0] == mine:
        d.why = "theirs started from ours"
    elif _holds(their_parts, my_parts):
        d.why = "theirs holds all of ours and more"
    elif _holds(my_parts, their_parts):
        d.action, d.why = "keep", "ours holds all of theirs"
        return True
    else:
        d.action, d.why = "conflict", "changed on both sides: " + _differences(
            my_parts, their_parts, here, d.coder)
        return True
    d.action = "replace"
    if my_parts[2] is Status.DONE and their_parts[2] is not Status.DONE:
        d.action, d.why = "conflict", (f"would put unfinished work ({their_parts[2].display}) "
                                       f"over finished work")
    elif base is not None and base[2] and d.changed_at < base[2]:
        d.action, d.why = "conflict", (f"would put older work (changed {d.changed_at}) over "
                                       f"newer that an earlier merge brought (changed "
                                       f"{base[2]})")
    return True


def _holds(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether work ``a`` holds all of work ``b``: b's spans as they are, its values, its
    memo, and a status at least as far along."""
    spans_a, values_a, status_a, memo_a = a
    spans_b, values_b, status_b, memo_b = b
    return (all(spans_a.get(k) == v for k, v in spans_b.items())
            and all(values_a.get(k) == v for k, v in values_b.items())
            and (not memo_b or memo_a == memo_b) and _RANK[status_a] >= _RANK[status_b])


def _differences(mine: tuple[Any, ...], theirs: tuple[Any, ...], doc: int, coder: str) -> str:
    said = []
    only_here = len(set(mine[0]) - set(theirs[0]))
    only_there = len(set(theirs[0]) - set(mine[0]))
    changed = sum(1 for k in set(mine[0]) & set(theirs[0]) if mine[0][k] != theirs[0][k])
    if only_here or only_there or changed:
        said.append(f"spans: {only_here} only here, {only_there} only there, {changed} "
                    f"changed")
    values = sorted(k for k in set(mine[1]) | set(theirs[1]) if mine[1].get(k) != theirs[1].get(k))
    if values:
        said.append(f"values differ: {', '.join(values)}")
    if mine[3] != theirs[3]:
        said.append(f"{coder}'s memo on document {doc} differs on the two sides")
    if mine[2] is not theirs[2]:
        said.append(f"status {mine[2].display} here, {theirs[2].display} there")
    return "; ".join(said)


def _refusal(conflicts: list[Decision]) -> str:
    shown = "; ".join(map(str, conflicts[:8])) + ("; …" if len(conflicts) > 8 else "")
    coders = sorted({d.coder for d in conflicts})
    return (f"nothing was merged: {len(conflicts)} conflict(s) between the coders' work on "
            f"the two sides: {shown}. Settle each coder's: take the source's with --theirs "
            f"{coders[0]}, keep this project's with --ours {coders[0]}, or bring a coder in "
            f"under another name with --rename OLD=NEW (or SOURCE:OLD=NEW); --dry-run lists "
            f"every decision.")


def _backup(target: Project, keep: int) -> str:
    """A copy of the target before work is replaced: a backup of the file, or on a server
    a JSONL file of the whole project that ``annotator import`` reads back."""
    if not target.on_server:
        from annotator.storage.sqlite.backup import make_backup

        made = make_backup(target.path, keep=keep)
        assert made is not None
        return str(made.path)
    import datetime as dt

    from annotator import paths
    from annotator.formats.export import write_jsonl

    folder = paths.user_data_dir() / "backups" / "server"
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() else "-" for c in target.location.rsplit("/", 1)[-1])
    path = folder / f"{name}-before-merge-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.jsonl"
    write_jsonl(target.iter_records(), path, target.scheme)
    return str(path)


def _apply(target: Project, source: Project, decisions: list[Decision],
           result: MergeResult) -> None:
    wanted = {(d.source_document_id, d.source_coder): d for d in decisions}
    conflicts: list[str] = []
    for record in source.iter_records():
        doc = record.document
        new = NewDocument(text=doc.text, title=doc.title, date=doc.date, outlet=doc.outlet,
                          url=doc.url, source_path=doc.source_path, metadata=doc.metadata)
        result.documents_added += target.import_documents([new]).added
        document_id = target.document_id_by_key(new.publication_key)
        if document_id is None:
            raise AnnotatorError(f"{source.path}: document {doc.id} could not be matched; "
                                 f"nothing was merged")
        for coder, work in record.coding.items():
            decision = wanted.get((doc.id, coder))
            if decision is None:
                continue
            if decision.action in ("add", "replace"):
                spans, values, _, _ = target.work_parts(document_id, decision.coder)
                coding = CodingResult()
                target.replace_coding(document_id, decision.coder, {
                    "status": work.status.value, "variables": work.variables,
                    "spans": [span_json(s) for s in work.spans], "memo": work.memo}, coding)
                # what is new to the target, not what was written again
                result.spans_added += sum(s.id not in spans for s in work.spans)
                result.values_added += sum(values.get(k, object()) != v
                                           for k, v in work.variables.items())
                result.replaced += decision.action == "replace"
                conflicts += [f"{source.path.name}: {c}" for c in coding.conflicts]
            target.set_merge_base(document_id, decision.coder, decision.work_hash,
                                  source.lineage, decision.changed_at)
    if conflicts:
        raise AnnotatorError(f"nothing was merged: {len(conflicts)} conflict(s): "
                             + "; ".join(conflicts[:8]))
