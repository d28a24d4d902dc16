from __future__ import annotations

from django.db import migrations, models

from integrity.operations import AddCheckConstraintNotValid, CleanViolations, ValidateConstraint

# Added to a table that may hold rows, while writes go on (docs/deploying.md): in
# force for new writes first, then the rows written before it are deleted in
# batches, then the table is validated. Each step is its own transaction.
PREVENT_SELF_FOLLOW = "social_follow_prevent_self_follow"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("social", "0001_initial"),
    ]

    operations = [
        AddCheckConstraintNotValid(
            model_name="follow",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_user", models.F("to_user")), _negated=True),
                name=PREVENT_SELF_FOLLOW,
                violation_error_message="Users cannot follow themselves.",
            ),
        ),
        CleanViolations(model_name="follow", constraint=PREVENT_SELF_FOLLOW),
        ValidateConstraint(model_name="follow", name=PREVENT_SELF_FOLLOW),
    ]
