"""
``python -m bench.add_rule_path live|plain [batch size]``: the follows' two
rules added to their table, as ``manage.py migrate`` applies a migration
(``Migration.apply`` in the migration's schema editor), from the state of a
table that lacks them (bench/add_rule.py drops them and fills it).

``live``: the documented path (docs/deploying.md), a migration with atomic =
False: the CHECK in force for new writes, the rows breaking either rule
deleted in batches, the UNIQUE built concurrently, then the CHECK validated.
``plain``: what the seed's migration did, in one transaction: the rows
deleted, then AddConstraint for each rule.
"""

from __future__ import annotations

import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django.db import connection, migrations
    from django.db.migrations.loader import MigrationLoader
    from django.db.models import CheckConstraint, UniqueConstraint

    from integrity.operations import (
        AddCheckConstraintNotValid,
        AddUniqueConstraintConcurrently,
        CleanViolations,
        ValidateConstraint,
    )
    from social.models import Follow

    path, batch_size = argv[0], int(argv[1]) if len(argv) > 1 else 10_000
    rules = {c.name: c for c in Follow._meta.constraints}
    check = rules["social_follow_prevent_self_follow"]
    unique = rules["social_follow_unique_relationships"]
    assert isinstance(check, CheckConstraint)
    assert isinstance(unique, UniqueConstraint)
    if path == "live":
        atomic = False
        operations = [
            AddCheckConstraintNotValid("follow", check),
            CleanViolations("follow", check.name, batch_size=batch_size),
            CleanViolations("follow", unique, batch_size=batch_size),
            AddUniqueConstraintConcurrently("follow", unique),
            ValidateConstraint("follow", check.name),
        ]
    else:
        atomic = True
        everything = 2**62
        operations = [
            CleanViolations("follow", check, batch_size=everything),
            CleanViolations("follow", unique, batch_size=everything),
            migrations.AddConstraint("follow", check),
            migrations.AddConstraint("follow", unique),
        ]
    migration = type(
        "Migration",
        (migrations.Migration,),
        {"atomic": atomic, "operations": operations, "dependencies": []},
    )("0099_add_rules", "social")
    state = MigrationLoader(connection).project_state()
    for constraint in (check, unique):
        state.remove_constraint("social", "follow", constraint.name)
    with connection.schema_editor(atomic=migration.atomic) as editor:
        migration.apply(state, editor)


if __name__ == "__main__":
    main(sys.argv[1:])
