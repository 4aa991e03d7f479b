"""cases.CaseAlert is gone: supervision's rules are the only alerts (its rows were moved by supervision.0006)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_step_kind"),
        ("supervision", "0006_kernel_fold_case_alerts"),
    ]

    operations = [migrations.DeleteModel(name="CaseAlert")]
