"""The pages of a certified round read in Chinese: the certificate, the public decision and
certificate verification, the 公示 and the application as the enterprise, the unit and the
city see them. The zh-hans page walk (core/tests/test_zh_pages.py) runs on the demo, which has
no certified round yet, so these pages are read here with its checker."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from zjtx.certification.models import Application, Notice
from zjtx.core.tests.test_zh_pages import data_words, problems, read

from .test_services import _certified

pytestmark = pytest.mark.django_db


def _findings(client, url: str) -> list[str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    text, _links = read(response.content.decode())
    # "ok" is the comment the test experts typed
    return [f"{f} ← {url}" for f in problems(text, data_words() | {"ok"})]


def test_certified_round_pages_read_in_chinese(
    client, login, rnd, city, unit_officer, make_applicant, submit_ready, advance, travel
):
    with translation.override("zh-hans"):
        app = _certified(rnd, city, make_applicant, submit_ready, advance, travel)
    assert app.status == Application.Status.CERTIFIED and app.certificate_number
    notice = Notice.objects.get(round=rnd)
    public = [
        reverse("certification_public:notices"),
        reverse("certification_public:notice", args=[notice.pk]),
        reverse("certification_public:certificate", args=[app.certificate_number]),
    ]
    if app.decision_document_id:
        public.append(reverse("certification_public:decision", args=[app.decision_document_id]))
    found: list[str] = []
    for url in public:
        found += _findings(client, url)
    pages = [
        reverse("certification:application-detail", args=[app.pk]),
        reverse("certification:certificate", args=[app.pk]),
        reverse("certification:round-detail", args=[rnd.pk]),
    ]
    for user in (app.enterprise.users.get(), unit_officer, city):
        c = login(user)
        for url in pages:
            if user.role == "enterprise" and "rounds" in url:
                continue
            found += _findings(c, url)
        c.logout()
    assert not found, "\n".join(found)
