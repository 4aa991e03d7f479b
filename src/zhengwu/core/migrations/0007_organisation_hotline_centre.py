"""The 12345 hotline centre is marked on its organisation (Organisation.is_hotline_centre) instead of being inferred
from its staff's role: existing data keeps what the inference said — every organisation with a staff member who
takes the calls (热线话务员) is the hotline centre."""

from django.db import migrations, models


def mark_hotline_centres(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    StaffRole = apps.get_model("core", "StaffRole")
    inferred = StaffRole.objects.filter(role="hotline_operator").values("staff__organisation")
    Organisation.objects.filter(pk__in=inferred).update(is_hotline_centre=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_window_collects_fees"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="is_hotline_centre",
            field=models.BooleanField(
                default=False,
                help_text="受理12345热线来电并派单的机构;不作为承办单位接收派单",
                verbose_name="12345热线中心",
            ),
        ),
        migrations.RunPython(mark_hotline_centres, migrations.RunPython.noop),
    ]
