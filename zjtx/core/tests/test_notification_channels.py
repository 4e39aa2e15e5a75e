"""Notices by channel: in-app always; e-mail and SMS after the commit, as each person chooses."""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from zjtx.core.models import AuditEvent, Notification, NotificationPreference, OutboundMessage
from zjtx.core.notifications import KINDS, notify, preferences_for, preferences_save

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"[A-Za-z]")
CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def latin_in(text: str) -> list[str]:
    """Latin letters left once credit codes (allowed: they are identifiers) are taken out."""
    return LATIN.findall(CREDIT_CODE.sub("", text))


class FailingSms:
    def send(self, **kwargs):
        raise ConnectionError("gateway down")


@pytest.fixture
def officer(make_user, units):
    return make_user(
        "unit_officer", unit=units["镜湖区"], email="officer@example.gov.cn", phone="13800000001"
    )


def test_email_leaves_only_after_the_commit(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[officer], title="甲公司的认定申报被退回修改", url="/x/", kind="returned")
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.subject for m in mail.outbox] == ["甲公司的认定申报被退回修改"]
    assert mail.outbox[0].to == ["officer@example.gov.cn"]
    assert OutboundMessage.objects.get(channel="email").status == OutboundMessage.Status.SENT


def test_a_rolled_back_change_sends_no_email(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[officer], title="已退回", kind="returned")
            raise RuntimeError
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_defaults_email_on_outcomes_and_off_for_queue_notices(
    officer, django_capture_on_commit_callbacks
):
    assert KINDS["deadline_reminder"].email and not KINDS["deadline_reminder"].sms
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[officer], title="待初审", kind="submitted")
    assert mail.outbox == []
    assert not OutboundMessage.objects.exists()


def test_preferences_are_respected(officer, django_capture_on_commit_callbacks):
    preferences_save(user=officer, actor=officer, choices={"returned": (False, True)})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[officer], title="申报被退回修改", kind="returned")
    assert mail.outbox == []
    sms = OutboundMessage.objects.get(channel="sms")
    assert (sms.status, sms.address, sms.body) == ("logged", "13800000001", "申报被退回修改")


def test_no_address_means_no_email_and_no_phone_no_sms(
    make_user, units, django_capture_on_commit_callbacks
):
    user = make_user("unit_officer", unit=units["镜湖区"])
    preferences_save(user=user, actor=user, choices={"returned": (True, True)})
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(recipients=[user], title="申报被退回修改", kind="returned") == 1
    assert mail.outbox == [] and not OutboundMessage.objects.exists()


def test_a_failing_sms_backend_does_not_break_the_transaction(
    officer, settings, django_capture_on_commit_callbacks
):
    settings.ZJTX_SMS_BACKEND = f"{__name__}.FailingSms"
    preferences_save(user=officer, actor=officer, choices={"returned": (True, True)})
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(recipients=[officer], title="申报被退回修改", kind="returned")
    assert Notification.objects.filter(recipient=officer).exists()
    assert len(mail.outbox) == 1  # the other channel still went out
    failed = OutboundMessage.objects.get(channel="sms")
    assert failed.status == "failed" and "gateway down" in failed.error


def test_a_failing_mail_server_is_recorded_not_raised(officer, django_capture_on_commit_callbacks):
    with mock.patch("zjtx.core.notifications.send_mail", side_effect=OSError("smtp down")):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[officer], title="申报被退回修改", kind="returned")
    assert OutboundMessage.objects.get(channel="email").status == "failed"


def test_unknown_kind_is_a_programming_error(officer):
    with pytest.raises(ValueError):
        notify(recipients=[officer], title="x", kind="no_such_kind")


def test_notice_text_is_chinese_whatever_the_request_language(officer):
    with translation.override("en"):
        notify(
            recipients=[officer],
            title=gettext_lazy("%(name)s has registered on the platform; verify its registration."),
            params={"name": "芜湖甲精密机械有限公司"},
            kind="registration",
        )
    assert (
        Notification.objects.get().title == "芜湖甲精密机械有限公司已在平台自助注册，请核实注册信息"
    )


def test_settings_page_saves_choices_and_audits_them(login, officer):
    client = login(officer)
    page = client.get(reverse("core:notification-settings"))
    assert page.status_code == 200 and "通知设置" in page.content.decode()
    assert "截止日期提醒" in page.content.decode()
    form = {f"email_{row.kind}": "on" for row in preferences_for(user=officer) if row.email}
    form.pop("email_deadline_reminder")
    form["sms_deadline_reminder"] = "on"
    response = client.post(reverse("core:notification-settings"), form)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=officer, kind="deadline_reminder")
    assert (pref.email, pref.sms) == (False, True)
    event = AuditEvent.objects.get(action="notification.preferences_change")
    assert event.after == {"deadline_reminder": {"email": False, "sms": True}}
    # Saving the same choices again changes nothing and writes no second event.
    client.post(reverse("core:notification-settings"), form)
    assert AuditEvent.objects.filter(action="notification.preferences_change").count() == 1


def test_notification_centre_links_to_the_settings(login, officer):
    page = login(officer).get(reverse("core:notifications")).content.decode()
    assert reverse("core:notification-settings") in page


# ------------------------------------------------------------------ hand-off texts


@pytest.fixture
def firm(make_enterprise, make_user, units):
    ent = make_enterprise(name="芜湖甲精密机械有限公司", unit=units["镜湖区"])
    make_user("enterprise", enterprise=ent, email="a@example.com")
    return ent


def _texts(recipient_filter=None):
    notes = Notification.objects.all()
    return [n.title + n.body for n in notes]


def test_certification_hand_offs_speak_chinese_with_names(firm, officer, city_officer):
    from zjtx.certification.notices_text import (
        ENTERPRISE_TEXT,
        STAFF_TEXT,
        application_notify,
        assignment_notify,
        expiry_notify,
    )

    notices = mock.MagicMock()
    notices.order_by.return_value.first.return_value = SimpleNamespace(
        ends_on=__import__("datetime").date(2026, 7, 10)
    )
    app = SimpleNamespace(
        pk=7,
        enterprise=firm,
        enterprise_id=firm.pk,
        round=SimpleNamespace(notices=notices),
        valid_until=__import__("datetime").date(2029, 6, 30),
    )
    with translation.override("en"):
        for action in sorted(set(STAFF_TEXT) | set(ENTERPRISE_TEXT)):
            application_notify(app, action, "缺少审计报告", next_actors=[officer, city_officer])
        assignment_notify(
            SimpleNamespace(application=app, expert=SimpleNamespace(user=city_officer))
        )
        expiry_notify(app, 30)
    titles = list(Notification.objects.values_list("title", flat=True))
    assert "芜湖甲精密机械有限公司的认定申报已提交，待县区初审" in titles
    assert "芜湖甲精密机械有限公司已列入拟认定名单并进行公示，公示期至2026-07-10" in titles
    for text in _texts():
        assert "芜湖甲精密机械有限公司" in text
        assert latin_in(text) == [], text
    kinds = {"submitted", "returned", "recommended", "notice_published", "certified", "rejected"}
    assert kinds <= {k for k, _t in ENTERPRISE_TEXT.values()} | {"submitted"}


def test_subsidy_hand_offs_speak_chinese(firm, officer, city_officer):
    from zjtx.subsidies.workflow import NOTICE_TEXT, notify_next

    for action in NOTICE_TEXT:
        for status in ("submitted", "forwarded", "returned", "approved"):
            application = SimpleNamespace(
                pk=3,
                status=status,
                enterprise=firm,
                enterprise_id=firm.pk,
                program=SimpleNamespace(title="技术改造奖补"),
                approved_amount_yuan=Decimal("100000.00"),
            )
            with translation.override("en"):
                notify_next(SimpleNamespace(obj=application, action=action, reason=""))
    titles = set(Notification.objects.values_list("title", flat=True))
    assert "芜湖甲精密机械有限公司提交了技术改造奖补资金申请，待县区初审" in titles
    assert "芜湖甲精密机械有限公司的技术改造奖补资金申请已获批准，核定金额100000.00元" in titles
    for text in _texts():
        assert latin_in(text) == [], text


def test_registration_tells_the_units_officers_in_chinese(officer, make_user, units):
    from zjtx.core.credit_code import make_valid_code
    from zjtx.enterprises.services import enterprise_register

    other = make_user("unit_officer", unit=units["无为市"])
    code = make_valid_code("91340200MA2W00001")
    with translation.override("en"):
        enterprise_register(
            credit_code=code,
            name="芜湖乙新材料有限公司",
            unit=units["镜湖区"],
            contact_name="王经理",
            contact_phone="13900000000",
            contact_email="",
            username="yi_new_material",
            password="Zjtx#2026demo-strong",
        )
    note = Notification.objects.get(recipient=officer)
    assert note.title == "芜湖乙新材料有限公司已在平台自助注册，请核实注册信息"
    assert not Notification.objects.filter(recipient=other).exists()
    assert latin_in(note.title + note.body) == []


def test_workflow_hooks_of_other_apps_speak_chinese(firm, officer, make_user):
    from zjtx.enterprises.workflow import notify_enterprise
    from zjtx.monitoring.workflow import notify_units

    period = SimpleNamespace(label="2026年5月", code="2026-05")
    with translation.override("en"):
        notify_units(SimpleNamespace(obj=period, action="unlock", reason="企业更正数据"))
        notify_enterprise(SimpleNamespace(obj=firm, action="verify", reason=""))
        notify_enterprise(SimpleNamespace(obj=firm, action="reject", reason="信用代码不符"))
    titles = list(Notification.objects.values_list("title", flat=True))
    assert "2026年5月监测期已重新开放，请重新确认本单位数据" in titles
    assert "芜湖甲精密机械有限公司的注册未通过核实" in titles
    for text in _texts():
        assert latin_in(text) == [], text
