from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.models import Model
from django.utils.encoding import force_str

from integrity.cleanup import untimed
from integrity.datacheck import Finding, find_violations


class Command(BaseCommand):
    help = (
        "Report the rows that break the CHECK and UNIQUE constraints of the given apps or "
        "models (all by default). Exits 1 when any are found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("labels", nargs="*", metavar="app_label[.Model]")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--database", default="default")

    def handle(
        self, *args: Any, labels: list[str], format: str, database: str, **options: Any
    ) -> None:
        # Reads of whole tables, which block no writer: no statement timeout.
        with untimed(connections[database]):
            findings = [
                finding
                for model in self._models(labels)
                for finding in find_violations(model, using=database)
            ]
        if format == "json":
            self.stdout.write(json.dumps([asdict(f) for f in findings], default=force_str))
        else:
            for finding in findings:
                self.stdout.write(self._describe(finding))
            if not findings:
                self.stdout.write("No rows break a constraint.")
        if findings:
            raise CommandError(f"{len(findings)} constraint(s) broken.", returncode=1)

    def _models(self, labels: list[str]) -> list[type[Model]]:
        if not labels:
            models = list(apps.get_models())
        else:
            models = []
            for label in labels:
                try:
                    if "." in label:
                        models.append(apps.get_model(label))
                    else:
                        models.extend(apps.get_app_config(label).get_models())
                except LookupError as exc:
                    raise CommandError(str(exc)) from None
        return [m for m in models if m._meta.managed and not m._meta.proxy]

    def _describe(self, finding: Finding) -> str:
        head = f"{finding.model}: {finding.constraint} ({finding.kind}): {finding.count} rows"
        if finding.rows:
            return f"{head}: pk {', '.join(map(str, finding.rows))}"
        groups = "; ".join(
            f"{', '.join(f'{k}={v!r}' for k, v in g['values'].items())} (pk "
            f"{', '.join(map(str, g['rows']))})"
            for g in finding.groups
        )
        return f"{head} in duplicate groups: {groups}"
