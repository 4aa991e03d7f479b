"""RectificationEvent: append-only in the database (UPDATE and DELETE refused by triggers on both
engines) and covered by the audit chain; an account that acted cannot be deleted (PROTECT)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from zhengwu.core.appendonly import protect


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
        ('evaluation', '0002_onetimenotice_sent_at_onetimenotice_sent_to_email_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='rectificationevent',
            options={'ordering': ['rectification', 'seq'], 'verbose_name': '整改记录', 'verbose_name_plural': '整改记录'},
        ),
        migrations.AlterField(
            model_name='rectificationevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        protect("evaluation", "RectificationEvent"),
    ]
