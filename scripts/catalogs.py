"""
The message catalogs: the service's (locale/) and the integrity core's
(integrity/locale/), German and French.

    python scripts/catalogs.py compile   # each .po to the .mo Django reads (polib)
    python scripts/catalogs.py check     # every message of the code is translated

``compile`` runs in every script (scripts/bootstrap) and in the image build;
the .mo files are build output, never committed. ``check`` runs Django's
``makemessages`` (GNU xgettext) on a copy of the tracked tree, so the catalogs
it reads hold every message the code marks for translation as of now, then
fails on any message without a translation, a fuzzy one, or one whose
placeholders differ from the English. Exit status 1 names each.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIRS = ("locale", "integrity/locale")
LANGUAGES = ("de", "fr")
_PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|%d|\{\w*\}")


def catalogs(root: Path = ROOT) -> Iterator[Path]:
    for directory in CATALOG_DIRS:
        yield from sorted((root / directory).glob("*/LC_MESSAGES/*.po"))


def compile_all(root: Path = ROOT) -> int:
    for po in catalogs(root):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            polib.pofile(str(po)).save_as_mofile(str(mo))
    return 0


def problems(root: Path) -> Iterator[str]:
    for po in catalogs(root):
        name = po.relative_to(root)
        for entry in polib.pofile(str(po)):
            if entry.obsolete:
                continue
            where = f"{name}: {entry.msgid!r}"
            if not entry.msgstr:
                yield f"{where} has no translation"
            elif entry.fuzzy:
                yield f"{where} is fuzzy (the English changed): check its translation"
            elif sorted(_PLACEHOLDER.findall(entry.msgid)) != sorted(
                _PLACEHOLDER.findall(entry.msgstr)
            ):
                yield f"{where}: the translation's placeholders differ"


def check(root: Path = ROOT) -> int:
    tracked = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch)
        for name in tracked:
            if (root / name).is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / name, copy / name)
        for directory in CATALOG_DIRS:
            for language in LANGUAGES:
                (copy / directory / language / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "catalogs")}
        env.pop("DATABASE_URL", None)
        command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v0"]
        command += [f"--locale={language}" for language in LANGUAGES]
        for ignored in ("tests", "*/tests/*", "e2e", "bench", "tools", "sdk", "build"):
            command.append(f"--ignore={ignored}")
        subprocess.run(command, cwd=copy, env=env, check=True)  # noqa: S603
        found = list(problems(copy))
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(
            f"{len(found)} message(s) to translate: run the same makemessages in the tree "
            "and fill in locale/*/LC_MESSAGES/django.po",
            file=sys.stderr,
        )
    return 1 if found else 0


if __name__ == "__main__":
    verbs = {"compile": compile_all, "check": check}
    if len(sys.argv) != 2 or sys.argv[1] not in verbs:
        sys.exit(f"usage: {sys.argv[0]} compile|check")
    sys.exit(verbs[sys.argv[1]]())
