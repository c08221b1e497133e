"""Where the bundled files (schemas, resources, seeds) and the user's files live.

A wheel carries the bundled folders inside the package as ``annotator/_data``; a source
checkout (or an editable install) has them at the repository root. Everything that needs a
bundled file asks this module, so both layouts work.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "annotator"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the installation")


def schemas_dir() -> Path:
    return _bundled("schemas")


def resources_dir() -> Path:
    return _bundled("resources")


def seeds_dir() -> Path:
    return _bundled("seeds")


def scheme_json_schema() -> Path:
    return schemas_dir() / "coding-scheme.schema.json"


def default_scheme_path() -> Path:
    return schemas_dir() / "russia-nato.yaml"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return user_data_dir() / "sample.annotator"
