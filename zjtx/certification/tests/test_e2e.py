"""Browser test: one round from opening to certificate, with every role (issue 4 "Done means").

Playwright drives Debian's chromium; the test is marked e2e like tests/e2e.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import PDF

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "Zjtx#2026demo"


# `browser` is the shared session fixture of the root conftest.py.


def _page(browser, live_server, username, user=None):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    if user is not None and user.needs_second_factor:
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        page.wait_for_url(re.compile(r"/accounts/otp/"))
        device = TOTPDevice.objects.get(user=user)
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        page.fill("form input[type=text], form input[inputmode=numeric]", code)
        page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).first.click()


def test_one_round_from_opening_to_certificate(
    live_server, browser, policies, make_user, make_applicant, make_expert, units, tmp_path
):
    from zjtx.accounts.services import otp_device_ensure
    from zjtx.certification.models import Application, Notice, Round

    today = timezone.localdate()
    city = make_user("city_officer", username="city_cert")
    otp_device_ensure(city)
    make_user("unit_officer", username="jinghu_cert", unit=units["镜湖区"])
    ent_user = make_applicant()
    experts = [make_expert(), make_expert()]
    pdf = tmp_path / "材料.pdf"
    pdf.write_bytes(PDF)

    # City officer opens the round.
    officer = _page(browser, live_server, "city_cert", city)
    officer.goto(f"{live_server.url}/certification/rounds/new/")
    officer.fill("input[name=title]", f"{today.year}年度市级专精特新中小企业认定")
    officer.select_option("select[name=program_id]", "miit2026.zjtx_sme")
    officer.fill("input[name=opens_on]", str(today - timedelta(days=1)))
    officer.fill("input[name=closes_on]", str(today + timedelta(days=20)))
    officer.fill("textarea[name=required_materials]", "business_licence|营业执照|1")
    _submit(officer, "创建")
    _submit(officer, "开放申报")
    rnd = Round.objects.get()
    assert rnd.status == Round.Status.OPEN

    # Enterprise applies, uploads the licence and the commitment letter, submits.
    ent = _page(browser, live_server, ent_user.username)
    ent.goto(f"{live_server.url}/certification/rounds/{rnd.pk}/")
    _submit(ent, "申报")
    assert "企业库" in ent.inner_text("main")
    for kind in ("business_licence", "commitment_letter"):
        form = ent.locator(f"form:has(input[name=kind][value={kind}])")
        form.locator("input[type=file]").set_input_files(str(pdf))
        with ent.expect_navigation():
            form.get_by_role("button", name="上传").click()
    _submit(ent, "提交申报")
    assert "待县区初审" in ent.inner_text("#status")
    app = Application.objects.get()

    # Unit officer recommends from the queue.
    unit = _page(browser, live_server, "jinghu_cert")
    unit.goto(f"{live_server.url}/certification/")
    unit.get_by_role("link", name=app.enterprise.name).click()
    unit.fill("input[name=rank]", "1")
    _submit(unit, "推荐")
    assert "县区已推荐" in unit.inner_text("#status")

    # City officer closes the window (review cannot start before), assigns experts
    # automatically and starts the review.
    officer.goto(f"{live_server.url}/certification/rounds/{rnd.pk}/")
    _submit(officer, "截止申报")
    _submit(officer, "自动分配专家")
    _submit(officer, "开始专家评审")

    # Two experts score every indicator.
    for e in experts:
        ex = _page(browser, live_server, e.user.username)
        ex.goto(f"{live_server.url}/certification/")
        ex.get_by_role("link", name=app.enterprise.name).click()
        for item in app.form_schema["rubric"]:
            ex.fill(f"input[name=score_{item['id']}]", "18")
            ex.fill(f"input[name=comment_{item['id']}]", "较好")
        ex.check("#undertaking")
        _submit(ex, "提交评分")
        ex.context.close()

    # City officer closes the review, decides on the ranked list, publishes the 公示.
    officer.goto(f"{live_server.url}/certification/rounds/{rnd.pk}/")
    _submit(officer, "结束专家评审")
    assert "排名与名额线" in officer.inner_text("main")
    _submit(officer, "保存决定")
    _submit(officer, "发布拟认定名单公示")
    notice = Notice.objects.get()

    # An objector uses the public page without logging in.
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/public/notices/{notice.pk}/")
    assert "剩余" in public.inner_text("#countdown")
    public.select_option("select[name=application]", str(app.pk))
    public.fill("input[name=name]", "王五")
    public.fill("input[name=phone]", "13900000000")
    public.fill("textarea[name=text]", "请核实该企业研发投入数据是否真实。")
    _submit(public, "提交异议")
    assert "已收到" in public.inner_text("main")

    # City officer handles the objection, and after the notice ends certifies.
    officer.goto(f"{live_server.url}/certification/objections/")
    officer.fill("textarea[name=outcome]", "经核实研发投入属实")
    _submit(officer, "记录处理结果")
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=today - timedelta(days=14), ends_on=today - timedelta(days=1)
    )
    officer.goto(f"{live_server.url}/certification/rounds/{rnd.pk}/")
    _submit(officer, "发文认定")
    assert f"芜经信〔{today.year}〕1号" in officer.inner_text("main")
    app.refresh_from_db()
    officer.goto(f"{live_server.url}/certification/applications/{app.pk}/certificate/")
    assert officer.locator("img.certificate-qr").is_visible()

    public.goto(f"{live_server.url}/public/certificates/{app.certificate_number}/")
    assert "真实有效" in public.inner_text("main")
