from django.db import migrations


def setup(apps, schema_editor):
    from zhengwu.disclosure import search

    search.setup(schema_editor)


def teardown(apps, schema_editor):
    from zhengwu.disclosure import search

    search.teardown(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]
    operations = [migrations.RunPython(setup, teardown)]
