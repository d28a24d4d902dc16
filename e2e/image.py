"""
The image's file tree without a Docker engine: the build context as .dockerignore
leaves it, and the final stage's RUN steps that follow copying it in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from e2e import dockerfile
from e2e.live import ROOT, process_env


def ignore_rules(root: Path = ROOT) -> Callable[[PurePosixPath], bool]:
    patterns = [
        line.strip()
        for line in (root / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if any(pattern.startswith("!") for pattern in patterns):
        raise NotImplementedError("exceptions (!pattern) are not read here")
    compiled = [_regex(pattern.strip("/")) for pattern in patterns]

    def ignored(path: PurePosixPath) -> bool:
        # Docker leaves out everything under an ignored directory.
        candidates = [path, *list(path.parents)[:-1]]
        return any(rule.fullmatch(str(each)) for each in candidates for rule in compiled)

    return ignored


def build_context(destination: Path) -> Path:
    ignored = ignore_rules()
    for directory, subdirectories, files in os.walk(ROOT):
        relative = PurePosixPath(Path(directory).relative_to(ROOT).as_posix())
        subdirectories[:] = [name for name in subdirectories if not ignored(relative / name)]
        for name in files:
            if not ignored(relative / name):
                target = destination / relative / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(directory) / name, target)
    return destination


def run_build_steps(tree: Path) -> None:
    stage = dockerfile.final_stage(ROOT / "Dockerfile")
    workdir = dockerfile.only(stage, "WORKDIR").arguments
    copy_context = next(
        index
        for index, each in enumerate(stage)
        if (each.keyword, each.arguments) == ("COPY", ". .")
    )
    env = dockerfile.environment(stage)
    env.pop("PATH")  # the image's virtualenv: this one's is first on process_env's PATH
    for step in stage[copy_context + 1 :]:
        if step.keyword == "RUN":
            # The tree stands in for the WORKDIR that the image copies the context to.
            command = step.arguments.replace(workdir, str(tree))
            subprocess.run(  # noqa: S603 (the Dockerfile's own RUN step)
                ["/bin/sh", "-c", command], cwd=tree, env=process_env(**env), check=True
            )


def _regex(pattern: str) -> re.Pattern[str]:
    # Docker's (Go filepath.Match) syntax: * and ? stop at "/", ** crosses directories.
    parts = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] in "*?":
            parts.append("[^/]*" if pattern[index] == "*" else "[^/]")
            index += 1
        elif pattern[index] == "[":
            end = pattern.index("]", index)
            parts.append(pattern[index : end + 1])
            index = end + 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts))
