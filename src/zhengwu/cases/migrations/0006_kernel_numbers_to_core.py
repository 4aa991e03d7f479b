"""Numbering is core's (core.numbering, one counter table for cases, tickets and orders): the cases' counters move
to core.NumberSequence with their last number, then cases' own table goes."""

from django.db import migrations


def forwards(apps, schema_editor):
    Old = apps.get_model("cases", "NumberSequence")
    New = apps.get_model("core", "NumberSequence")
    for prefix, last in Old.objects.values_list("prefix", "last"):
        row, _ = New.objects.get_or_create(prefix=prefix)
        if row.last < last:
            row.last = last
            row.save(update_fields=["last"])


def backwards(apps, schema_editor):
    Old = apps.get_model("cases", "NumberSequence")
    New = apps.get_model("core", "NumberSequence")
    for prefix, last in New.objects.filter(prefix__regex=r"^\d{6}-\d{4}$").values_list("prefix", "last"):
        Old.objects.update_or_create(prefix=prefix, defaults={"last": last})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_kernel_drop_case_alert"),
        ("core", "0004_kernel_number_sequence"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="NumberSequence"),
    ]
