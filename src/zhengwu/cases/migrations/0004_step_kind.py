"""A case's steps carry their kind (受理, 审查, 决定, 制证, 送达), and a step not needed after a denial is 无需办理.
Steps stored before then get the kinds their names and roles give (catalog.rules.default_step_kinds), case by case:
the same kinds `history.derive` reads from the acceptance events, which carry none."""

from django.db import migrations, models


def name_the_kinds(apps, schema_editor):
    from zhengwu.catalog.rules import default_kinds_of_rows

    CaseStep = apps.get_model("cases", "CaseStep")
    rows = CaseStep.objects.order_by("case_id", "position").only("id", "case_id", "name", "role", "kind")
    CaseStep.objects.bulk_update(default_kinds_of_rows(rows, "case_id"), ["kind"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_append_only_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestep",
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
        migrations.AlterField(
            model_name="casestep",
            name="state",
            field=models.CharField(
                choices=[("pending", "未开始"), ("open", "办理中"), ("done", "已完成"), ("skipped", "无需办理")],
                default="pending",
                max_length=8,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(name_the_kinds, migrations.RunPython.noop),
    ]
