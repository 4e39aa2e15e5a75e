"""Settings for the restore subprocess of test_backup.py: the test settings, but the database
from DATABASE_URL as is (no test database) and uploads on disk in ZJTX_TEST_MEDIA_ROOT."""

import os
from pathlib import Path

from config.settings.test import *  # noqa: F403
from config.settings.test import VAR_DIR, database_from_env

DATABASES = {"default": database_from_env(VAR_DIR / "restore-test.sqlite3")}
MEDIA_ROOT = os.environ["ZJTX_TEST_MEDIA_ROOT"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ZJTX_AUDIT_ANCHOR_PATH = Path(os.environ["ZJTX_AUDIT_ANCHOR_PATH"])
