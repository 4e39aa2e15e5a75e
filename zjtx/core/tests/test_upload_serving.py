"""The upload helpers: generated storage names, typed attachments, ZIP names, orphan cleanup."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from zjtx.core.files import (
    name_stem,
    orphan_uploads_delete,
    safe_storage_name,
    sniff_stored,
    storage_path,
    zip_member_part,
)

PDF = b"%PDF-1.4\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"


@pytest.mark.parametrize(
    ("head", "xlsx", "kind"),
    [
        (PDF, False, ("application/pdf", "pdf")),
        (JPEG, False, ("image/jpeg", "jpg")),
        (b"<svg onload=alert(1)>", False, ("application/octet-stream", "bin")),
        (b"<html><script>", True, ("application/octet-stream", "bin")),
        (b"PK\x03\x04rest", False, ("application/octet-stream", "bin")),
        (
            b"PK\x03\x04rest",
            True,
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ),
    ],
)
def test_served_type_comes_from_the_content_only(head, xlsx, kind):
    assert sniff_stored(head, xlsx=xlsx) == kind


@pytest.mark.parametrize(
    ("proposed", "extension"),
    [
        ("x.html", "bin"),
        ("x.js", "bin"),
        ("x.svg", "bin"),
        ("../../etc/passwd", "bin"),
        ("..\\..\\evil.pdf", "pdf"),
        ("材料.PDF", "pdf"),
        ("photo.jpeg", "jpg"),
        ("noextension", "bin"),
    ],
)
def test_storage_names_are_generated(proposed, extension):
    path = storage_path("certification/1/2", proposed)
    folder, _sep, leaf = path.rpartition("/")
    assert folder == "certification/1/2"
    stem, _dot, ext = leaf.partition(".")
    assert ext == extension and len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)


def test_safe_storage_names_are_unique():
    assert safe_storage_name("pdf") != safe_storage_name("pdf")
    assert safe_storage_name("html").endswith(".bin")


@pytest.mark.parametrize(
    "text",
    ["../../etc/passwd", "..\\..\\Windows\\evil", "C:\\evil", "/abs", "a/b\\c", "..", "\x00x"],
)
def test_zip_member_parts_hold_no_path(text):
    part = zip_member_part(text)
    assert part and "/" not in part and "\\" not in part and ":" not in part
    assert not part.startswith(".") and "\x00" not in part


def test_zip_member_parts_keep_chinese_names():
    assert zip_member_part("营业执照 副本") == "营业执照_副本"
    assert zip_member_part(name_stem("..\\..\\盖章/营业执照.pdf")) == "营业执照"
    assert name_stem("../../etc/passwd") == "passwd" and name_stem(".bashrc") == ".bashrc"


@pytest.mark.django_db
def test_orphan_cleanup_deletes_only_unreferenced_files(city_officer):
    from zjtx.monitoring.models import ImportRun

    kept = default_storage.save("monitoring/imports/kept.xlsx", ContentFile(b"PK\x03\x04"))
    ImportRun.objects.create(
        uploader=city_officer, file=kept, sha256="0" * 64, original_name="a.xlsx", status="rejected"
    )
    orphan = default_storage.save("certification/orphans/left.pdf", ContentFile(PDF))
    assert orphan_uploads_delete(min_age=timedelta(hours=1)) == []  # too young to judge
    assert default_storage.exists(orphan)
    out = StringIO()
    call_command("cleanup_orphan_uploads", "--min-age-minutes", "0", "--dry-run", stdout=out)
    assert orphan in out.getvalue() and default_storage.exists(orphan)
    deleted = orphan_uploads_delete(min_age=timedelta(0))
    assert orphan in deleted and not default_storage.exists(orphan)
    assert kept not in deleted and default_storage.exists(kept)
