"""Just enough of a Dockerfile reader to check the final stage's instructions."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def final_stage(path: Path) -> list[Instruction]:
    instructions = _instructions(path.read_text())
    starts = [index for index, each in enumerate(instructions) if each.keyword == "FROM"]
    return instructions[starts[-1] :]


def only(stage: list[Instruction], keyword: str) -> Instruction:
    # Docker silently keeps the last of several CMDs or HEALTHCHECKs: more than one is a mistake.
    found = [each for each in stage if each.keyword == keyword]
    if len(found) != 1:
        raise ValueError(f"expected one {keyword} in the final stage, found {len(found)}")
    return found[0]


def exec_form(arguments: str) -> list[str]:
    command = json.loads(arguments)
    if not (isinstance(command, list) and all(isinstance(part, str) for part in command)):
        raise ValueError(f"not an exec-form command: {arguments}")
    return command


def healthcheck_command(instruction: Instruction) -> list[str]:
    _options, separator, command = instruction.arguments.partition("CMD ")
    if not separator:
        raise ValueError(f"HEALTHCHECK without CMD: {instruction.arguments}")
    return exec_form(command)


def environment(stage: list[Instruction]) -> dict[str, str]:
    variables: dict[str, str] = {}
    for each in stage:
        if each.keyword == "ENV":
            for assignment in shlex.split(each.arguments):
                key, _, value = assignment.partition("=")
                variables[key] = value
    return variables


def _instructions(text: str) -> list[Instruction]:
    logical: list[str] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    return [
        Instruction(keyword.upper(), arguments.strip())
        for keyword, _, arguments in (line.partition(" ") for line in logical)
    ]
