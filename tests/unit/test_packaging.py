"""An installed annotator (a wheel, not the source tree) finds its schemas, resources and seeds."""

from __future__ import annotations

import subprocess
import sys
import tempfile

import pytest

PROBE = ("import annotator.paths as p; "
         "print(p.schemas_dir()); print(p.resources_dir()); print(p.seeds_dir()); "
         "print(p.default_scheme_path().is_file()); print(len(list(p.seeds_dir().glob('*.txt'))))")


def test_bundled_folders_are_found_outside_the_source_tree() -> None:
    with tempfile.TemporaryDirectory() as elsewhere:
        proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                              cwd=elsewhere)
    if proc.returncode != 0 and "No module named 'annotator'" in proc.stderr:
        pytest.skip("annotator is not installed in this interpreter")
    assert proc.returncode == 0, proc.stderr
    schemas, resources, seeds, scheme_ok, n_seeds = proc.stdout.split()
    assert scheme_ok == "True" and n_seeds == "5"
    if "site-packages" in schemas:  # a wheel install: the data travelled inside the package
        for folder in (schemas, resources, seeds):
            assert folder.endswith(("_data/schemas", "_data/resources", "_data/seeds"))
