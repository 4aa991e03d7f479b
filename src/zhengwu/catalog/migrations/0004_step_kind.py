"""Each handling step says what it is for (受理, 审查, 决定, 制证, 送达). Steps stored before then get the kinds their
names and roles give (catalog.rules.default_step_kinds), version by version."""

from django.db import migrations, models


def name_the_kinds(apps, schema_editor):
    from zhengwu.catalog.rules import default_kinds_of_rows

    Step = apps.get_model("catalog", "Step")
    rows = Step.objects.order_by("version_id", "position").only("id", "version_id", "name", "role", "kind")
    Step.objects.bulk_update(default_kinds_of_rows(rows, "version_id"), ["kind"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_form_schema"),
    ]

    operations = [
        migrations.AddField(
            model_name="step",
            name="kind",
            field=models.CharField(
                choices=[
                    ("accept", "受理"),
                    ("review", "审查"),
                    ("decide", "决定"),
                    ("produce", "制证"),
                    ("deliver", "送达"),
                ],
                default="review",
                max_length=8,
                verbose_name="环节类型",
            ),
        ),
        migrations.RunPython(name_the_kinds, migrations.RunPython.noop),
    ]
