"""Import files: stored under generated names, and gone again when the import rolls back."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError

from zjtx.core.errors import DomainError
from zjtx.core.files import _walk
from zjtx.monitoring import services
from zjtx.monitoring.models import ImportRun
from zjtx.monitoring.services import imports as import_service

from . import xlsx_files as X
from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def stored_files() -> set[str]:
    return set(_walk(default_storage, "monitoring"))


def upload(actor, data, name="<script>.html"):
    return services.import_upload(actor=actor, period_code=PERIOD, data=data, original_name=name)


def test_import_file_is_stored_under_a_generated_name(unit_officer, firms):
    run = upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    assert run.status == "committed", run.errors
    assert run.file.name.startswith("monitoring/imports/") and run.file.name.endswith(".xlsx")
    assert "script" not in run.file.name and run.sha256[:16] not in run.file.name
    assert run.original_name.startswith("<script>.html")  # display only


def test_rolled_back_import_leaves_no_file(unit_officer, firms, monkeypatch):
    before = stored_files()

    def clash(**kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(import_service, "write_diff", clash)
    with pytest.raises(DomainError) as caught:
        upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    assert caught.value.code == "concurrent_import"
    assert not ImportRun.objects.exists()
    assert stored_files() == before


def test_failed_import_leaves_no_file(unit_officer, firms, monkeypatch):
    before = stored_files()

    def broken(*args, **kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(import_service, "validate_rows", broken)
    with pytest.raises(RuntimeError):
        upload(unit_officer, X.workbook([X.row(firms["a"].credit_code)]))
    assert stored_files() == before


def test_rejected_import_keeps_its_file_for_the_record(unit_officer, firms):
    before = stored_files()
    run = upload(unit_officer, X.workbook([X.row("not-a-code")]))
    assert run.status == "rejected"
    assert stored_files() - before == {run.file.name}
