from django.db import migrations

from journal.catalogue import CONDITIONS, SYMPTOMS


def seed(apps, schema_editor):
    Condition = apps.get_model("journal", "Condition")
    Symptom = apps.get_model("journal", "Symptom")
    for name in CONDITIONS:
        Condition.objects.get_or_create(name=name, clinic=None)
    for name, higher_is_better in SYMPTOMS:
        Symptom.objects.get_or_create(
            name=name, clinic=None, defaults={"higher_is_better": higher_is_better}
        )


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
