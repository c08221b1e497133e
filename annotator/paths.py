"""Where the bundled files (schemas, resources, seeds) and the user's files live.

A wheel carries the bundled folders inside the package as ``annotator/_data``; a source
checkout (or an editable install) has them at the repository root. Everything that needs a
bundled file asks this module, so both layouts work.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
    known = _xdg("XDG_DATA_HOME", ".local/share")
    if known is None:
        import platformdirs

        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return Path(known)


def user_config_dir() -> Path:
    known = _xdg("XDG_CONFIG_HOME", ".config")
    if known is None:
        import platformdirs

        return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    return Path(known)


def _xdg(variable: str, under_home: str) -> str | None:
    """platformdirs' answer on Linux where every version of it gives the same one (the
    variable absolute or unset, ``HOME`` absolute), without importing it: its classes cost
    7 ms of every start, before the first frame. None elsewhere: platformdirs answers."""
    if not sys.platform.startswith("linux") or hasattr(sys, "getandroidapilevel") \
            or os.environ.get("ANDROID_ROOT"):
        return None
    chosen = os.environ.get(variable, "")
    home = os.environ.get("HOME", "")
    if os.path.isabs(chosen):
        return os.path.join(chosen, APP_NAME)
    if chosen.strip() or not os.path.isabs(home):
        return None  # a relative variable or home: platformdirs' versions differ
    return os.path.join(os.path.expanduser("~"), under_home, APP_NAME)


def default_project_path() -> Path:
    return user_data_dir() / "sample.annotator"


SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(location: object) -> bool:
    """Whether a project location names a PostgreSQL database, not a file."""
    return isinstance(location, str) and location.startswith(SERVER_SCHEMES)


def location(text: str) -> Path | str:
    """A project's location as the user wrote it: a server URL as it is, else a file path
    (the command line's type for every PROJECT argument)."""
    return text if is_server(text) else Path(text)


def shown_location(where: object) -> str:
    """A location to show: a server URL without its password."""
    text = str(where)
    if not is_server(text):
        return text
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(text)
    if has_password(text):
        query = "&".join(p for p in parts.query.split("&")
                         if p.split("=", 1)[0].lower() != "password")
        parts = parts._replace(query=query)
    if parts.password is not None:
        host = parts.netloc.rsplit("@", 1)[1]
        parts = parts._replace(netloc=f"{parts.username or ''}@{host}")
    return urlunsplit(parts)


def has_password(url: str) -> bool:
    """Whether a server URL carries a password, in its user part or as ``password=`` in
    its query (libpq reads both; an empty one is none)."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    return bool(parts.password) or any(
        key.lower() == "password" and value for key, value in parse_qsl(parts.query))
