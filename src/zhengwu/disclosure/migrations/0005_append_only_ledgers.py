"""ReviewEntry, RequestEvent: append-only in the database (UPDATE and DELETE refused by triggers on both
engines) and covered by the audit chain; an account that acted cannot be deleted (PROTECT)."""

from django.db import migrations

from zhengwu.core.appendonly import protect


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
        ('disclosure', '0004_attachment_details'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='requestevent',
            options={'ordering': ['at', 'id'], 'verbose_name': '申请处理记录', 'verbose_name_plural': '申请处理记录'},
        ),
        protect("disclosure", "ReviewEntry"),
        protect("disclosure", "RequestEvent"),
    ]
