"""User settings, each declared once with its type and default, stored as JSON under platformdirs.

The file carries a version; ``_UPGRADES`` moves an older file forward. Widgets read and write
settings only through ``Settings``, never through bare strings scattered around. Not a
dataclass: the settings are read before the first frame, which importing dataclasses (2 ms)
and generating a class from 13 fields would delay.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from annotator import paths

VERSION = 1
MAX_RECENT = 10


class Settings:
    """Each setting is a class attribute with its type and default; an instance starts with
    the defaults (a fresh copy of each list and dict) and takes keyword overrides."""

    coder: str = ""  # your name as a coder: what a project you have not coded in starts with
    coder_by_project: dict[str, str] = {}  # project key → coder
    snap_to_words: bool = True
    zoom: int = 0  # points added to the base font size
    geometry: str = ""  # base64 of QMainWindow.saveGeometry()
    window_state: str = ""  # base64 of QMainWindow.saveState()
    splitter_state: str = ""
    recent_projects: list[str] = []
    last_document: dict[str, int] = {}  # project path → document id
    blind_by_project: dict[str, bool] = {}  # "path|coder" → blind
    backups_keep: int = 10  # rotating backups made at open and daily while open
    backups_beside: bool = False  # in "<project>.backups" beside it, not the data folder
    keywords: list[str] = []  # View → Highlight keywords, per line

    def __init__(self, **values: Any) -> None:
        for name in _NAMES:
            default = getattr(Settings, name)
            setattr(self, name, type(default)(default) if isinstance(default, (dict, list))
                    else default)
        for name, value in values.items():
            if name not in _NAMES:
                raise TypeError(f"no setting named {name!r}")
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _NAMES}

    @staticmethod
    def path() -> Path:
        return paths.user_config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            data = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        data = _upgrade(data)
        settings = cls()
        for key, value in data.items():
            if key in _NAMES and isinstance(value, type(getattr(settings, key))):
                setattr(settings, key, value)
        return settings

    def save(self) -> None:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": VERSION, **self.as_dict()}, indent=2),
                       encoding="utf-8")
        os.replace(tmp, path)  # never a half-written settings file

    def add_recent(self, project: str) -> None:
        """``project``: a project's ``key`` (a file's full path, or a server location)."""
        name = project
        self.recent_projects = [name] + [p for p in self.recent_projects if p != name]
        del self.recent_projects[MAX_RECENT:]


_NAMES = tuple(Settings.__annotations__)  # every setting, in the order declared


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    for version in range(int(data.get("version", 1)), VERSION):
        data = _UPGRADES[version](data)
    return data


_UPGRADES: dict[int, Any] = {}
