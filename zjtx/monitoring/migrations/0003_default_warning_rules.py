from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = "DOMAIN.md §8 typical early-warning rules (design suggestion; thresholds configurable)"
RULES = [
    ("revenue_yoy", Decimal("-20"), Decimal("-30"), Decimal("-50")),
    ("electricity_yoy", Decimal("-30"), Decimal("-40"), Decimal("-60")),
    ("debt_ratio", Decimal("80"), Decimal("90"), Decimal("100")),
    ("missing_report", Decimal("0"), Decimal("1"), Decimal("2")),
]


def load(apps, schema_editor):
    WarningRule = apps.get_model("monitoring", "WarningRule")
    for code, yellow, orange, red in RULES:
        WarningRule.objects.get_or_create(
            code=code,
            valid_from=date(2020, 1, 1),
            defaults={"yellow": yellow, "orange": orange, "red": red, "source": SOURCE},
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_default_indicators")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
