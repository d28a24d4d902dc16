"""
The wheel's message catalogs: each ``locale/*/LC_MESSAGES/django.po`` compiled
to the ``.mo`` Django reads (with polib), so the source tree holds only the
``.po`` files. Not part of the package (pyproject.toml excludes it).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import polib
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._compiled = Path(tempfile.mkdtemp(prefix="integrity-catalogs-"))
        root = Path(self.root)
        for po in sorted(root.glob("locale/*/LC_MESSAGES/*.po")):
            relative = po.relative_to(root).with_suffix(".mo")
            mo = self._compiled / relative
            mo.parent.mkdir(parents=True, exist_ok=True)
            polib.pofile(str(po)).save_as_mofile(str(mo))
            # The wheel's sources mapping puts it under integrity/.
            build_data["force_include"][str(mo)] = relative.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        shutil.rmtree(self._compiled, ignore_errors=True)
