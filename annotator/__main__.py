"""``python -m annotator``: the same as the ``annotator`` command."""

import sys

from annotator.cli import main

if __name__ == "__main__":  # not when an import's reader process loads this module
    sys.exit(main())
