"""The core is Django only: its DRF layer builds on it, never the other way."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import SimpleTestCase

import integrity

PACKAGE = Path(integrity.__file__).parent
DRF = ("rest_framework", "drf_spectacular", "drf_standardized_errors", "integrity.rest_framework")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def core_modules() -> list[Path]:
    layers = {"rest_framework", "tests"}
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not layers & set(path.relative_to(PACKAGE).parts)
    ]


class CoreLayerTests(SimpleTestCase):
    def test_core_imports_nothing_of_drf(self) -> None:
        offending = {
            str(path.relative_to(PACKAGE)): sorted(
                name for name in imported_modules(path) if name.startswith(DRF)
            )
            for path in core_modules()
        }

        assert len(offending) > 10  # the core's modules were found
        assert {name: found for name, found in offending.items() if found} == {}
