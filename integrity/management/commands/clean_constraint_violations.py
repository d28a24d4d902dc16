from __future__ import annotations

import sys
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import BaseConstraint, Model
from tqdm import tqdm

from integrity.cleanup import BATCH_SIZE, clean_violations


class Command(BaseCommand):
    help = (
        "Delete the rows of a model that break one of its CHECK or UNIQUE constraints (of a "
        "UNIQUE, every row of a duplicate group but the first), or give a CHECK's rows new "
        "values with --set, in batches that are each their own transaction. Interrupted, "
        "it can be run again: what was done stays done."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model", metavar="app_label.Model")
        parser.add_argument("constraint", help="the constraint's name")
        parser.add_argument(
            "--set",
            dest="assignments",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="a CHECK's rows get these values instead of being deleted (repeatable)",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--start-after", help="a CHECK's scan starts after this primary key (to resume)"
        )
        parser.add_argument("--database", default="default")

    def handle(
        self,
        *args: Any,
        model: str,
        constraint: str,
        assignments: list[str],
        batch_size: int,
        start_after: str | None,
        database: str,
        **options: Any,
    ) -> None:
        found_model = self._model(model)
        rule = self._constraint(found_model, constraint)
        update = self._update(found_model, assignments)
        start = found_model._meta.pk.to_python(start_after) if start_after is not None else None
        batches = clean_violations(
            found_model,
            rule,
            update=update,
            batch_size=batch_size,
            start_after=start,
            using=database,
        )
        changed, last = 0, None
        verb = "updated" if update else "deleted"
        bar = tqdm(
            desc=rule.name,
            unit=" rows",
            file=sys.stderr,
            disable=None,  # a bar on a terminal only
        )
        try:
            for batch in batches:
                changed += batch.changed
                last = batch.last_pk
                bar.total = batch.total
                bar.n = batch.done
                bar.set_postfix({verb: changed}, refresh=False)
                bar.refresh()
        except (TypeError, ValueError) as exc:
            bar.close()
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            bar.close()
            resume = f" --start-after {last}" if last is not None else ""
            raise CommandError(
                f"Interrupted after {changed} rows {verb}; "
                f"the batches done are kept. Resume with: clean_constraint_violations "
                f"{model} {constraint}{resume}",
                returncode=130,
            ) from None
        bar.close()
        self.stdout.write(f"{found_model._meta.label}: {rule.name}: {changed} rows {verb}.")

    def _model(self, label: str) -> type[Model]:
        try:
            return apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from None

    def _constraint(self, model: type[Model], name: str) -> BaseConstraint:
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return constraint
        names = ", ".join(c.name for c in model._meta.constraints) or "none"
        raise CommandError(f"{model._meta.label} has no constraint {name!r} (it has: {names}).")

    def _update(self, model: type[Model], assignments: list[str]) -> dict[str, Any] | None:
        if not assignments:
            return None
        values: dict[str, Any] = {}
        for assignment in assignments:
            name, sep, raw = assignment.partition("=")
            if not sep:
                raise CommandError(f"--set takes FIELD=VALUE, not {assignment!r}.")
            try:
                field = model._meta.get_field(name)
                values[name] = None if raw == "" and field.null else field.to_python(raw)  # type: ignore[union-attr]
            except Exception as exc:
                raise CommandError(f"--set {assignment}: {exc}") from None
        return values
