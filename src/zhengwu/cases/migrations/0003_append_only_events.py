"""CaseEvent: append-only in the database (UPDATE and DELETE refused by triggers on both
engines) and covered by the audit chain; an account that acted cannot be deleted (PROTECT)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from zhengwu.core.appendonly import protect


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
        ('cases', '0002_indicator_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='caseevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        protect("cases", "CaseEvent"),
    ]
