"""Word and OpenDocument files are zip archives: a small file can unpack to gigabytes (a
zip bomb) and the readers (python-docx, odfpy) would unpack it into memory before failing.
``check_archive`` streams every member once, counting what it really unpacks to (the sizes
an archive declares can lie), and refuses it past a fixed ceiling, in our words, before a
reader sees it. A Word document of text unpacks to a few megabytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from annotator.domain.errors import ImportFailed

CEILING = 256 * 1024 * 1024  # bytes unpacked, all members together
_CHUNK = 1024 * 1024


def check_archive(path: Path, ceiling: int | None = None) -> None:
    limit = CEILING if ceiling is None else ceiling
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return  # not a zip at all: the file's own reader says what it is not
    total = 0
    with archive:
        for info in archive.infolist():
            if total + info.file_size > limit:
                raise ImportFailed(path, _too_large(info.filename, limit))
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise ImportFailed(path, _too_large(info.filename, limit))
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise ImportFailed(path, f"not a readable {path.suffix} file: "
                                         f"{info.filename} is damaged ({exc})") from None


def _too_large(member: str, limit: int) -> str:
    return (f"too large: it unpacks to more than {limit // (1024 * 1024)} MB ({member} "
            f"alone is over what a document of text holds); nothing was imported")
