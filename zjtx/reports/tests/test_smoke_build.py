import pytest

from zjtx.reports.services import annual_report_start

pytestmark = pytest.mark.django_db


def test_empty_city_builds(city_officer, units):
    report = annual_report_start(year=2025, actor=city_officer)
    assert report.status == "done", report.error
    assert report.docx and report.pdf


def test_city_builds(city_data):
    report = annual_report_start(year=2025, actor=city_data["city"])
    assert report.status == "done", report.error
    figs = {f["key"]: f for f in report.snapshot.data["figures"]}
    for k, f in figs.items():
        print(k, f["value"], f["display"], f["records"])
    open("/tmp/report_test.pdf", "wb").write(report.pdf.read())
    open("/tmp/report_test.docx", "wb").write(report.docx.open("rb").read())
