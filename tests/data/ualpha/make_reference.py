"""Writes reference.json: what an independent implementation of the u-alpha family says
of each continuum: Linda Anna's unitized_alpha.py (github.com/lindanna/unitized_alpha,
commit 11637e7), which follows the equations of Krippendorff et al. (2016). Not a
dependency of annotator; fetch it and run

    python tests/data/ualpha/make_reference.py /path/to/unitized_alpha.py

The continua: that file's own example (Alex, Paul and Susan on a continuum of 20) and the
gamma test continua (``tests/data/gamma/vectors.json``), each on a continuum ending ten
characters after its last unit.
"""

import contextlib
import importlib.util
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
EXAMPLE = [["Alex", "1", 2, 5], ["Alex", "1", 9, 11], ["Alex", "2", 12, 20],
           ["Paul", "1", 2, 5], ["Paul", "2", 7, 15],
           ["Susan", "1", 2, 5], ["Susan", "2", 10, 15]]


def main(path: str) -> None:
    spec = importlib.util.spec_from_file_location("unitized_alpha", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    continua = {"lindanna_example": (EXAMPLE, 20)}
    vectors = json.loads((HERE.parent / "gamma" / "vectors.json").read_text())
    for name, units in vectors.items():
        continua[name] = ([[c, k, s, e] for c, s, e, k in units], max(u[2] for u in units) + 10)
    out = {"implementation": "lindanna/unitized_alpha@11637e7", "continua": {}}
    for name, (units, length) in continua.items():
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                binary, u, (cu, coverage), per_value = module.u_alpha(
                    [list(map(str, row)) for row in units], length, "nominal")
        except ZeroDivisionError:  # no units intersect: it divides by zero
            out["continua"][name] = {"length": length, "units": units, "fails": True}
            continue
        labels = sorted({row[1] for row in units})
        out["continua"][name] = {
            "length": length, "units": units, "u_alpha": u,
            "binary_u_alpha": None if binary == "NA" else binary,
            "cu_alpha": None if cu == "NA" else cu,
            "k_u_alpha": {labels[k - 1]: (None if v == "NA" else v)
                          for k, (v, _) in per_value.items()}}
    (HERE / "reference.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
