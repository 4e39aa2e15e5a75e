"""Deterministic demo data: one user per role and a small city (or `--scale city`: 20,000 firms)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zjtx.demo import (
    assessment,
    cultivation,
    financing,
    portal,
    programme,
    reports,
    seeding,
    servicedesk,
)


class Command(BaseCommand):
    help = "Load demo users and enterprises once (deterministic); --scale city adds 20,000 firms."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=["small", "city"], default="small")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if not seeding.reference_ready():
            raise CommandError("参考数据尚未加载：请先运行 python manage.py load_reference")
        with transaction.atomic():
            created_users = seeding.ensure_demo_users()
        if created_users:
            self.stdout.write(f"已创建演示用户 {created_users} 个")
        target = seeding.CITY_SCALE if options["scale"] == "city" else seeding.SMALL_SCALE
        added = seeding.ensure_enterprises(target, seed=options["seed"], progress=self._progress)
        seeding.ensure_showcase()
        extra = programme.ensure_programme_data()
        servicedesk.ensure_servicedesk_data(seed=options["seed"])
        financing.ensure_financing_data(seed=options["seed"])
        cultivation.ensure_cultivation_data(seed=options["seed"])
        assessment.ensure_assessment_data(seed=options["seed"])
        portal.ensure_portal_data(seed=options["seed"])
        reports.ensure_reports_data(seed=options["seed"])
        if any(extra.values()):
            self.stdout.write(
                "已写入：年度预算 {budgets} 项，认定批次 {round}，运行监测月报/季报 {monitoring_months} 期".format(
                    budgets=extra["budgets"],
                    round="1 个" if extra["round"] else "0 个",
                    monitoring_months=extra["monitoring_months"],
                )
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪：新增企业 {added} 家，共 {seeding.enterprise_count()} 家，用时 {elapsed:.1f} 秒"
            )
        )

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  已写入 {done}/{total} 家企业…")
