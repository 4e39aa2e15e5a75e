"""Production: every secret and host comes from the environment; see docs/operations.md."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = os.environ.get(
    "ZJTX_SECRET_KEY",
    # Only so that `check --deploy` can run in CI; a real deployment sets ZJTX_SECRET_KEY.
    "ci-placeholder-Qm7v2Lr9sXw4Tn8Kp3Zc6Hy1Jd5Fb0Ng-Uo8Ea2Wi7Rt4Ys9Vm3Pl6Kq1Xh5Cz0",
)
ALLOWED_HOSTS = os.environ.get("ZJTX_ALLOWED_HOSTS", "zjtx.example.gov.cn").split(",")
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]
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
