"""Production: every secret and host comes from the environment; see docs/operations.md."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from zjtx.core.logging import logging_config
from zjtx.core.storage_settings import storages_from_env

from .base import *  # noqa: F403
from .base import BASE_DIR, VAR_DIR, database_from_env


def _required_secret(name: str) -> str:
    """A secret from the environment; starting without it (or with a toy value) is refused."""
    value = os.environ.get(name, "")
    if len(value) < 32:
        raise ImproperlyConfigured(
            f"{name} must be set in the environment (at least 32 characters); "
            "see docs/operations.md §2"
        )
    return value


DEBUG = False
SECRET_KEY = _required_secret("ZJTX_SECRET_KEY")
# Keyed audit chain (ADR 0003): the key never sits in the database or the repository.
ZJTX_AUDIT_HMAC_KEY = _required_secret("ZJTX_AUDIT_HMAC_KEY")
# Personal data encryption (ADR 0017): SM4 keys "id:hex,..." and the blind-index key (hex).
ZJTX_SM4_KEYS = _required_secret("ZJTX_SM4_KEYS")
ZJTX_BLIND_INDEX_KEY = _required_secret("ZJTX_BLIND_INDEX_KEY")
if "DEV-NOT-SECRET" in ZJTX_SM4_KEYS:
    raise ImproperlyConfigured("ZJTX_SM4_KEYS holds the development key; see docs/operations.md")
# The nginx in front of gunicorn, e.g. "127.0.0.1" or "10.0.0.0/24,10.0.1.5".
ZJTX_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("ZJTX_TRUSTED_PROXIES", "").split(",") if p.strip()
]
ALLOWED_HOSTS = os.environ.get("ZJTX_ALLOWED_HOSTS", "zjtx.example.gov.cn").split(",")
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]
ZJTX_SITE_URL = os.environ.get("ZJTX_SITE_URL", f"https://{ALLOWED_HOSTS[0]}")
# No interactive API docs in production unless asked for (the schema stays for clients).
ZJTX_API_DOCS = os.environ.get("ZJTX_API_DOCS", "0") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The load balancer polls /healthz over plain HTTP on the private side.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/detail)?$"]

# Database: DATABASE_URL (postgres://user:pass@host:5432/zjtx); connections are kept open
# for ZJTX_DB_CONN_MAX_AGE seconds and checked before reuse.
DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("ZJTX_DB_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Cache: Redis when REDIS_URL is set (shared by every worker), otherwise per process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "zjtx",
        }
    }

# E-mail: SMTP when ZJTX_EMAIL_HOST is set; otherwise written to the log (no mail leaves).
if os.environ.get("ZJTX_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["ZJTX_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("ZJTX_EMAIL_PORT", "465"))
    EMAIL_HOST_USER = os.environ.get("ZJTX_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("ZJTX_EMAIL_PASSWORD", "")
    EMAIL_USE_SSL = os.environ.get("ZJTX_EMAIL_SECURITY", "ssl") == "ssl"
    EMAIL_USE_TLS = os.environ.get("ZJTX_EMAIL_SECURITY", "ssl") == "starttls"
    EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("ZJTX_EMAIL_FROM", f"noreply@{ALLOWED_HOSTS[0]}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Files: static files collected for nginx; uploads on a private volume (never served by nginx).
STATIC_ROOT = Path(os.environ.get("ZJTX_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(os.environ.get("ZJTX_MEDIA_ROOT", str(VAR_DIR / "uploads")))
# Uploads on that disk (ZJTX_STORAGE=local) or in an S3-compatible object store
# (ZJTX_STORAGE=s3 with ZJTX_S3_*, needs requirements-s3.txt); docs/operations.md.
STORAGES = storages_from_env(os.environ)
# Where `manage.py backup` writes by default (docs/operations.md, "Backup and restore").
ZJTX_BACKUP_DIR = Path(os.environ.get("ZJTX_BACKUP_DIR", str(VAR_DIR / "backups")))

# Logs: one JSON object a line on stderr (journald), request id in each, personal data masked.
LOGGING = logging_config(
    json_format=os.environ.get("ZJTX_LOG_FORMAT", "json") == "json",
    level=os.environ.get("ZJTX_LOG_LEVEL", "INFO"),
)
# Metrics (/metrics): each gunicorn worker's totals are shared through this directory;
# the monitoring server reads them with `Authorization: Bearer $ZJTX_METRICS_TOKEN`.
ZJTX_METRICS_DIR = Path(os.environ.get("ZJTX_METRICS_DIR", str(VAR_DIR / "metrics")))
ZJTX_METRICS_TOKEN = os.environ.get("ZJTX_METRICS_TOKEN", "")
ZJTX_HEALTH_MAX_QUEUE_AGE = int(os.environ.get("ZJTX_HEALTH_MAX_QUEUE_AGE", "600"))
ZJTX_HEALTH_MIN_FREE_MB = int(os.environ.get("ZJTX_HEALTH_MIN_FREE_MB", "1024"))
