from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = "DOMAIN.md §8 title-maintenance warnings (design suggestion; thresholds configurable)"
RULES = [
    # days until the certificate expires, at or below: 90 → yellow, 60 → orange, 30 → red
    ("cert_expiry", Decimal("90"), Decimal("60"), Decimal("30")),
    # R&D expense / operating revenue in %, below: 3 → yellow, 2 → orange, 1 → red
    ("rd_ratio_low", Decimal("3"), Decimal("2"), Decimal("1")),
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
    dependencies = [("monitoring", "0006_warning_rule_codes_certification")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
