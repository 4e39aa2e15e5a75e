import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env

DATABASES = {"default": database_from_env(VAR_DIR / "test.sqlite3")}
if "DATABASE_URL" not in os.environ:
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory per worker
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each test process gets its own anchor file, so a developer's var/audit-anchors.jsonl (made
# against another database) never meets the test database.
ZJTX_AUDIT_ANCHOR_PATH = Path(tempfile.mkdtemp(prefix="zjtx-test-anchors-")) / "anchors.jsonl"
# Background jobs run at once, inside the request or test that starts them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
