"""Case.decided_onsite (现场办结's second half, issue 20): stamped by decide_case from now on; for the cases decided
before, taken once from the decide event's actor as the monthly indicators read it until now (their staff record's
window authorisation and window as they stand today — the best the past holds)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def stamp_decided_cases(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    decided_at_a_window = CaseEvent.objects.filter(
        case=OuterRef("pk"),
        action="decide",
        actor__staff__window_authorised=True,
        actor__staff__window__isnull=False,
    )
    Case.objects.filter(decided_at__isnull=False).filter(Exists(decided_at_a_window)).update(decided_onsite=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_number_sequence_race"),
        ("core", "0006_window_collects_fees"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="decided_onsite",
            field=models.BooleanField(default=False, verbose_name="窗口现场决定"),
        ),
        migrations.RunPython(stamp_decided_cases, migrations.RunPython.noop, elidable=True),
    ]
