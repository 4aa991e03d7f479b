"""Issue 13: a version replaced by a renewal that has not started yet is valid again — it is the licence in force
until the new version starts (services._replace keeps it so from now on; the nightly job marks it replaced then)."""

import datetime as dt

from django.db import migrations


def restore(apps, schema_editor):
    from zhengwu.core import clock

    Licence = apps.get_model("licences", "Licence")
    today = clock.today()
    rows = Licence.objects.filter(status="replaced", valid_from__lte=today, valid_until__gte=today)
    for old in rows:
        following = Licence.objects.filter(previous=old).first()
        if (
            following is not None
            and following.status == "valid"
            and following.valid_from > today
            and following.valid_from == old.valid_until + dt.timedelta(days=1)
        ):
            old.status, old.ended_at = "valid", None
            old.save(update_fields=["status", "ended_at"])


class Migration(migrations.Migration):
    dependencies = [("licences", "0008_licence_end_document")]

    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
