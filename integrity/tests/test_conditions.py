from __future__ import annotations

import sys

from integrity.conditions import WHITESPACE


def test_whitespace_is_what_python_calls_whitespace() -> None:
    found = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())

    assert found == WHITESPACE
