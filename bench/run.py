"""The benchmark: ``.venv/bin/python bench/run.py [--smoke] [--duration S] [--follows N]``."""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    # Run as a script, sys.path[0] is this directory, whose modules would shadow
    # top-level ones (database, server, ...): the repository root replaces it.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    from bench.runner import main as run

    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
