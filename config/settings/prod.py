"""Production: every secret and host comes from the environment; see docs/operations.md."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR


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
STATIC_ROOT = BASE_DIR / "staticfiles"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
