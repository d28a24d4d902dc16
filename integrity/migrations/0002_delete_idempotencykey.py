from django.db import migrations


class Migration(migrations.Migration):
    """Idempotency keys are no rule of integrity's: they live in their own app now."""

    dependencies = [
        ("integrity", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="IdempotencyKey"),
    ]
