"""Reading an import's files: in this process, or, for many office files, on worker
processes (one a core), handed back in file order either way.

Only formats that are slow to read go to the workers (Word, OpenDocument, RTF, PDF, web
pages: 5–15 ms a file): 400 Word files import in half the time on two cores. Text, CSV and
JSONL files read in a tenth of a millisecond; sending their documents between processes
costs as much as reading them (10,000 .txt files measured alike either way), so they are read
here, streamed.

The writer (``Project.import_documents``) stays one: SQLite has one writer. A reader's error
comes back as it was raised (naming its file and line), and the import changes nothing; a
cancel stops the readers between files. In flight at once: a few chunks a worker, so memory
holds a few hundred documents, not the whole corpus.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from annotator.domain.errors import Cancelled
from annotator.domain.model import NewDocument
from annotator.domain.scheme import CodingScheme
from annotator.formats.office import SUFFIXES as OFFICE_SUFFIXES

SLOW_TO_READ = OFFICE_SUFFIXES  # Word, OpenDocument, RTF, web pages, PDF
PARALLEL_FILES = 24  # slow files from which the readers save more than starting them costs
CHUNK = 8  # files a reader is given at a time
IN_FLIGHT = 3  # chunks a reader may be ahead of the writer

_options: dict[str, Any] = {}  # a reader process's import options, set once as it starts


def readers() -> int:
    """Worker processes for reading: one a core (the writer mostly waits for them)."""
    return max(1, os.cpu_count() or 1)


def read_files(files: list[Path], *, encoding: str | None, text_field: str | None,
               scheme: CodingScheme | None, as_one_document: bool, strict: bool,
               cancelled: Callable[[], bool] | None = None,
               parallel_from: int | None = None) -> Iterator[Iterable[NewDocument]]:
    """Each file's documents, in the files' order: on the readers if at least
    ``parallel_from`` (default ``PARALLEL_FILES``) files are slow to read."""
    slow = sum(1 for path in files if path.suffix.lower() in SLOW_TO_READ)
    enough = PARALLEL_FILES if parallel_from is None else parallel_from
    if slow < enough or (os.cpu_count() or 1) < 2:
        from annotator.formats.importers import read_file

        for path in files:  # streamed: a large batch file is never held whole
            yield read_file(path, encoding, text_field, scheme,
                            as_one_document=as_one_document, strict=strict)
        return
    options = {"encoding": encoding, "text_field": text_field, "scheme": scheme,
               "as_one_document": as_one_document, "strict": strict}
    yield from _on_readers(files, options, cancelled)


def _on_readers(files: list[Path], options: dict[str, Any],
                cancelled: Callable[[], bool] | None) -> Iterator[list[NewDocument]]:
    workers = readers()
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    pool = ProcessPoolExecutor(workers, mp_context=_context(),
                               initializer=_start_reader, initargs=(options,))
    pending: deque[Future[list[list[NewDocument]]]] = deque()
    try:
        next_chunk = 0
        while next_chunk < len(chunks) or pending:
            while next_chunk < len(chunks) and len(pending) < workers * IN_FLIGHT:
                pending.append(pool.submit(_read_chunk, chunks[next_chunk]))
                next_chunk += 1
            for documents in pending.popleft().result():  # a reader's error is raised here
                if cancelled and cancelled():
                    raise Cancelled()
                yield documents
    finally:  # done, failed or cancelled: the readers stop, none is left behind
        pool.shutdown(wait=True, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """fork where this process is one thread without Qt (the command line): the readers
    start at once, with the importers already loaded. Elsewhere (the window: Qt's threads
    and the list's) spawn, since a fork copies other threads' locks in whatever state they
    are in; spawned readers load the importers themselves."""
    alone = threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules
    if alone and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_reader(options: dict[str, Any]) -> None:
    _options.update(options)


def _read_chunk(paths: list[Path]) -> list[list[NewDocument]]:
    from annotator.formats.importers import read_file

    out = []
    for path in paths:
        documents = list(read_file(path, _options["encoding"], _options["text_field"],
                                   _options["scheme"],
                                   as_one_document=_options["as_one_document"],
                                   strict=_options["strict"]))
        for document in documents:  # hashed here, on the reader's core; sent with the text
            _ = document.publication_key
        out.append(documents)
    return out
