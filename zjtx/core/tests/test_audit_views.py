"""The audit administrator's pages: filters, detail, verify, Excel export (等保2.0 8.1.4.3)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zjtx.core.audit import audit_record
from zjtx.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user: Any) -> Any:
    return make_user("auditor", username="aud")


@pytest.fixture
def sample(make_user: Any) -> Any:
    actor = make_user("sysadmin", username="sys_a")
    audit_record(
        actor=actor,
        action="user.role_change",
        obj=actor,
        before={"role": "expert", "unit": None},
        after={"role": "unit_officer", "unit": "镜湖区"},
    )
    audit_record(actor=None, action="auth.login_failed", username="ghost", success=False)
    return actor


def test_audit_list_shows_and_filters_events(auditor: Any, login: Any, sample: Any) -> None:
    c = login(auditor)
    page = c.get(reverse("audit:list"))
    text = page.content.decode()
    assert "审计日志" in text and "ghost" in text and "sys_a" in text
    failed = c.get(reverse("audit:list"), {"result": "failure"}).content.decode()
    assert "ghost" in failed and "sys_a" not in failed
    by_user = c.get(reverse("audit:list"), {"username": "sys_a"}).content.decode()
    assert "sys_a" in by_user and "ghost" not in by_user
    by_action = c.get(reverse("audit:list"), {"action": "auth.login_failed"})
    assert list(by_action.context["page"].object_list) == list(
        AuditEvent.objects.filter(action="auth.login_failed")
    )
    by_type = c.get(reverse("audit:list"), {"object_type": "accounts.user"})
    assert all(e.object_type == "accounts.user" for e in by_type.context["page"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = c.get(reverse("audit:list"), {"date_from": tomorrow})
    assert future.context["page"].paginator.count == 0
    today = timezone.localdate().isoformat()
    now = c.get(reverse("audit:list"), {"date_from": today, "date_to": today})
    assert now.context["page"].paginator.count == AuditEvent.objects.count()


def test_bad_date_range_is_a_form_error(auditor: Any, login: Any) -> None:
    response = login(auditor).get(
        reverse("audit:list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors


def test_audit_list_paginates(auditor: Any, login: Any) -> None:
    for i in range(60):
        audit_record(actor=None, action="auth.login_failed", username=f"u{i}", success=False)
    c = login(auditor)
    first = c.get(reverse("audit:list"))
    assert len(first.context["page"]) == 50
    second = c.get(reverse("audit:list"), {"page": 2})
    assert len(second.context["page"]) >= 10


def test_detail_shows_before_and_after(auditor: Any, login: Any, sample: Any) -> None:
    event = AuditEvent.objects.get(action="user.role_change")
    response = login(auditor).get(reverse("audit:detail", args=[event.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "变更前" in text and "变更后" in text
    assert "unit_officer" in text and "镜湖区" in text
    changed = {row["key"]: row["changed"] for row in response.context["changes"]}
    assert changed == {"role": True, "unit": True}


def test_export_reads_back_with_chinese_headers_and_is_audited(
    auditor: Any, login: Any, sample: Any
) -> None:
    c = login(auditor)
    response = c.get(reverse("audit:export"), {"result": "failure"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    data = rows.to_python()
    assert data[0][0] == "审计日志"
    assert data[2][:4] == ["序号", "时间", "用户名", "操作"]
    body = data[3:]
    assert len(body) == 1 and body[0][2] == "ghost"
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_id == auditor.pk
    assert export.after == {"filters": {"result": "failure"}, "rows": 1}


def test_verify_button_reports_an_intact_chain(auditor: Any, login: Any, sample: Any) -> None:
    response = login(auditor).post(reverse("audit:verify"), follow=True)
    assert "审计链完整" in response.content.decode()
    assert AuditEvent.objects.get(action="audit.verify").result == "success"


@pytest.mark.parametrize("role", ["city_officer", "sysadmin", "secadmin", "expert"])
def test_only_the_auditor_sees_audit_pages(
    make_user: Any, login: Any, role: str, sample: Any
) -> None:
    c = login(make_user(role))
    event = AuditEvent.objects.first()
    assert event is not None
    for url in [
        reverse("audit:list"),
        reverse("audit:export"),
        reverse("audit:detail", args=[event.pk]),
    ]:
        assert c.get(url).status_code == 404
    assert c.post(reverse("audit:verify")).status_code == 404
