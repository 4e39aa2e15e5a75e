"""Where uploads live, chosen by the environment (config.settings.prod calls this).

Every upload is written and read through Django's storage API (FileField, `default_storage`),
never by path, so the backend is a setting:

- ``ZJTX_STORAGE=local`` (default): FileSystemStorage under MEDIA_ROOT (``ZJTX_MEDIA_ROOT``),
  outside the web root, served only through the permission-checked views.
- ``ZJTX_STORAGE=s3``: an S3-compatible object store through django-storages (the optional
  ``requirements-s3.txt``: django-storages and boto3; not needed for ``make test``). Objects stay
  private (no ACL, signed URLs are never handed out: downloads stream through the same views).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

STATICFILES = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def storages_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    kind = environ.get("ZJTX_STORAGE", "local").strip().lower()
    if kind == "local":
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": STATICFILES,
        }
    if kind != "s3":
        raise ImproperlyConfigured("ZJTX_STORAGE must be local or s3")
    missing = [
        name
        for name in ("ZJTX_S3_BUCKET", "ZJTX_S3_ACCESS_KEY", "ZJTX_S3_SECRET_KEY")
        if not environ.get(name)
    ]
    if missing:
        raise ImproperlyConfigured(f"ZJTX_STORAGE=s3 needs {', '.join(missing)}")
    options: dict[str, Any] = {
        "bucket_name": environ["ZJTX_S3_BUCKET"],
        "access_key": environ["ZJTX_S3_ACCESS_KEY"],
        "secret_key": environ["ZJTX_S3_SECRET_KEY"],
        "location": environ.get("ZJTX_S3_PREFIX", "uploads").strip("/"),
        "default_acl": None,  # the bucket's private default; nothing is public
        "querystring_auth": True,
        "file_overwrite": False,  # a generated name never replaces another object
        "signature_version": "s3v4",
        "addressing_style": environ.get("ZJTX_S3_ADDRESSING_STYLE", "path"),
    }
    if environ.get("ZJTX_S3_ENDPOINT_URL"):  # MinIO, 阿里云 OSS, 腾讯云 COS, Ceph RGW ...
        options["endpoint_url"] = environ["ZJTX_S3_ENDPOINT_URL"]
    if environ.get("ZJTX_S3_REGION"):
        options["region_name"] = environ["ZJTX_S3_REGION"]
    if environ.get("ZJTX_S3_SSE", "").lower() in ("1", "true", "aes256"):
        options["object_parameters"] = {"ServerSideEncryption": "AES256"}
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": STATICFILES,
    }
