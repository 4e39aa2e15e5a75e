from django.db import migrations


def load(apps, schema_editor):
    from zjtx.monitoring.catalogue import load_default_indicators

    load_default_indicators(apps.get_model("monitoring", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
