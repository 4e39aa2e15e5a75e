"""Uploads go through the storage API; the backend is chosen by the environment (issue 15)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zjtx.core.storage_settings import storages_from_env

S3 = {
    "ZJTX_STORAGE": "s3",
    "ZJTX_S3_BUCKET": "zjtx-uploads",
    "ZJTX_S3_ACCESS_KEY": "ak",
    "ZJTX_S3_SECRET_KEY": "sk",
    "ZJTX_S3_ENDPOINT_URL": "https://oss.example.gov.cn",
}


def test_local_disk_is_the_default():
    assert storages_from_env({})["default"]["BACKEND"].endswith("FileSystemStorage")


def test_s3_settings_are_private_and_never_overwrite():
    default = storages_from_env(S3)["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "zjtx-uploads"
    assert options["endpoint_url"] == "https://oss.example.gov.cn"
    assert options["default_acl"] is None and options["file_overwrite"] is False
    assert options["location"] == "uploads"


@pytest.mark.parametrize("drop", ["ZJTX_S3_BUCKET", "ZJTX_S3_SECRET_KEY"])
def test_s3_without_credentials_is_refused(drop):
    with pytest.raises(ImproperlyConfigured, match=drop):
        storages_from_env({k: v for k, v in S3.items() if k != drop})


def test_no_code_writes_uploads_by_path():
    """Uploads are written through FileField/storage only: no MEDIA_ROOT paths, no `.path`."""
    offenders = []
    for path in Path(settings.BASE_DIR, "zjtx").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "path":
                base = node.value
                if isinstance(base, ast.Attribute) and base.attr in {
                    "file",
                    "evidence",
                    "docx",
                    "pdf",
                }:
                    offenders.append(f"{path}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "MEDIA_ROOT":
                if path.name not in {"health.py"}:  # free-space check of the upload disk
                    offenders.append(f"{path}:{node.lineno}")
    assert offenders == []
