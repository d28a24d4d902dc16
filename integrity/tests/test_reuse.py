from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

from django.db import connection
from django.test import SimpleTestCase

import integrity
from integrity.tests.databases import fresh_database

# Where integrity is imported from: the source tree, or an installed wheel.
IMPORTED_FROM = Path(integrity.__file__).resolve().parents[1]
PROJECT = Path(__file__).resolve().parent / "reuse"


class ReuseTests(SimpleTestCase):
    """integrity in a project of its own, which knows nothing of this service."""

    def test_a_separate_project_gets_the_same_codes(self) -> None:
        scratch = Path(self.enterContext(TemporaryDirectory(prefix="integrity-reuse-")))
        shutil.copytree(PROJECT, scratch, dirs_exist_ok=True)
        if IMPORTED_FROM.name not in ("site-packages", "dist-packages"):
            # The source tree: integrity alone beside the project, none of the service.
            ignored = shutil.ignore_patterns("tests", "__pycache__", "pyproject.toml")
            shutil.copytree(IMPORTED_FROM / "integrity", scratch / "integrity", ignore=ignored)
        server = os.environ.get("DATABASE_URL") if connection.vendor == "postgresql" else None
        database_url = self.enterContext(fresh_database(server, scratch))
        env = {"PATH": os.environ["PATH"], "DATABASE_URL": database_url}
        result = subprocess.run(
            [sys.executable, "-E", "client.py"],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == [
            [201, []],
            [400, [["shop_item_unique_sku", "sku"]]],
            [400, [["negative_quantity", "quantity"]]],
            [400, [["does_not_exist", "bundle"]]],
        ]
