"""``python -m sphinx_jointassessment``: the same command line as ``sphinx-jointassessment``."""

import sys

from sphinx_jointassessment.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
