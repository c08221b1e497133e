"""Near-duplicate documents in a project: finding the groups, keeping one document per
group, or marking every group in the imported metadata. ``annotator duplicates`` and the
window's Near-duplicates dialog call these same functions.

Which document a group keeps: every member somebody has worked on (coded, given a status,
assigned: those are never removed), else the earliest dated, else the first imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.domain.near_duplicates import DuplicateGroup, DuplicatePair, find_near_duplicates
from annotator.storage import Project

GROUP_FIELD = "near_duplicate_group"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Member:
    """What a coordinator needs to choose within a group."""

    id: int
    title: str
    date: str | None
    outlet: str | None
    length: int
    similarity: float  # the highest exact Jaccard similarity to another member
    has_work: bool


@dataclass(frozen=True)
class Group:
    number: int  # 1, 2, … in the order of the groups' first documents
    members: tuple[Member, ...]
    keep: frozenset[int]  # the suggested documents to keep
    pairs: tuple[DuplicatePair, ...]  # the checked pairs that joined them, exact similarity

    @property
    def label(self) -> str:
        """The value marked in the metadata: the group's first document id."""
        return str(self.members[0].id)


def find(project: Project, threshold: float = 0.9, *, progress: Progress | None = None,
         cancelled: Callable[[], bool] | None = None) -> list[Group]:
    """The project's near-duplicate groups, each with its members described and a
    suggestion of which to keep."""
    found = find_near_duplicates(project.texts, threshold, total=project.document_count(),
                                 progress=progress, cancelled=cancelled)
    return describe(project, found)


def describe(project: Project, found: list[DuplicateGroup]) -> list[Group]:
    ids = sorted({m for g in found for m in g.members})
    rows = {}
    for i in range(0, len(ids), 500):
        rows.update({r.id: r for r in project.document_rows(ids[i: i + 500], None)})
    lengths = project.document_lengths(ids)
    busy = project.documents_with_work(ids)
    groups = []
    for number, g in enumerate(found, 1):
        members = tuple(Member(d, rows[d].title, rows[d].date, rows[d].outlet,
                               lengths[d], g.similarity_to_group(d), d in busy)
                        for d in g.members)
        groups.append(Group(number, members, frozenset(suggest_keep(members)), g.pairs))
    return groups


def suggest_keep(members: tuple[Member, ...]) -> set[int]:
    worked = {m.id for m in members if m.has_work}
    if worked:
        return worked
    first = min(members, key=lambda m: (m.date is None, m.date or "", m.id))
    return {first.id}


def removable(groups: list[Group], keep: dict[int, set[int]] | None = None) -> list[int]:
    """The documents that keeping one per group removes: every member not kept (``keep``
    maps a group's number to the ids chosen; otherwise the suggestion), never one with
    work on it."""
    out = []
    for g in groups:
        kept = keep.get(g.number, set(g.keep)) if keep else g.keep
        out += [m.id for m in g.members if m.id not in kept and not m.has_work]
    return sorted(out)


def marks(groups: list[Group], project: Project) -> dict[int, str | None]:
    """What marking the groups writes into ``GROUP_FIELD``: each member gets its group's
    label, and a document marked by an earlier run but no longer in a group loses it."""
    values: dict[int, str | None] = {d: None for d in project.documents_with_metadata(GROUP_FIELD)}
    for g in groups:
        values.update({m.id: g.label for m in g.members})
    return values
