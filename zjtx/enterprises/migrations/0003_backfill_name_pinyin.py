"""Fill the pinyin search keys of enterprises written before they were derived on save."""

from django.db import migrations


def backfill(apps, schema_editor):
    from zjtx.enterprises.pinyin import pinyin_for

    Enterprise = apps.get_model("enterprises", "Enterprise")
    for enterprise in Enterprise.objects.only("pk", "name", "name_pinyin", "name_initials").iterator():
        pinyin, initials = pinyin_for(enterprise.name)
        if (pinyin, initials) != (enterprise.name_pinyin, enterprise.name_initials):
            Enterprise.objects.filter(pk=enterprise.pk).update(
                name_pinyin=pinyin, name_initials=initials
            )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_size_class_and_labels")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
