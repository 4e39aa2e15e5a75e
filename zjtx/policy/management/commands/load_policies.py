"""python manage.py load_policies — validate, test and load the rule packages in policies/."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zjtx.policy.errors import PolicyLoadError
from zjtx.policy.services import POLICIES_DIR, LoadReport, policies_load


class Command(BaseCommand):
    help = "Validate every package in policies/, run its test cases, load changed ones."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dir", default=str(POLICIES_DIR), help="directory of packages")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = policies_load(directory=Path(options["dir"]))
        except PolicyLoadError as exc:
            if exc.report is not None:
                self._summary(exc.report)
            self.stdout.write("Some packages were refused and NOT loaded:")
            for name, problems in exc.problems.items():
                self.stdout.write(f"  {name}:")
                for problem in problems:
                    self.stdout.write(f"    - {problem}")
            raise CommandError(f"{len(exc.problems)} package(s) refused") from exc
        self._summary(report)

    def _summary(self, report: LoadReport) -> None:
        for item in report.created:
            self.stdout.write(f"loaded {item}")
        self.stdout.write(
            f"{len(report.created)} new version(s), {len(report.unchanged)} unchanged, "
            f"{report.cases} test case(s) passed"
        )
