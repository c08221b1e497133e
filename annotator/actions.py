"""Project tasks shared by the command line and the window: create, import, and the sample.

Each takes plain callbacks for progress and cancelling, so the CLI can draw a bar and the UI
can run it on a worker thread with a progress dialog, both over the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from annotator import paths
from annotator.domain.model import NewDocument
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
