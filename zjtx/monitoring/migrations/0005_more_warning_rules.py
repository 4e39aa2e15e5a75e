from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = "DOMAIN.md §8 typical early-warning rules (design suggestion; thresholds configurable)"
RULES = [
    # headcount YoY change in %, at or below
    ("headcount_yoy", Decimal("-10"), Decimal("-20"), Decimal("-30")),
    # months of decline in a row, above: 3 → yellow, 4 → orange, 6 → red
    ("revenue_decline", Decimal("2"), Decimal("3"), Decimal("5")),
    # standard deviations from the firm's own 12 months, above
    ("revenue_outlier", Decimal("3"), Decimal("4"), Decimal("5")),
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
    dependencies = [("monitoring", "0004_warning_rule_codes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
