from django.db import migrations

from journal.catalogue import load_catalogue


def seed(apps, schema_editor):
    load_catalogue(apps.get_model("journal", "Condition"), apps.get_model("journal", "Symptom"))


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
