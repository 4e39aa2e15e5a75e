"""Settings shared by every environment; environment files override a few values."""

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from zjtx.core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

SECRET_KEY = "dev-only-not-secret-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "zjtx.core",
    "zjtx.accounts",
    "zjtx.reference",
    "zjtx.enterprises",
    "zjtx.partners",
    "zjtx.policy",
    "zjtx.demo",
    "zjtx.monitoring",
    "zjtx.certification",
    "zjtx.subsidies",
    "zjtx.financing",
    "zjtx.servicedesk",
    "zjtx.cultivation",
    "zjtx.assessment",
    "zjtx.reports",
    "zjtx.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zjtx.core.edge.EdgeMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zjtx.core.middleware.RequestContextMiddleware",
    "zjtx.accounts.middleware.SecondFactorMiddleware",
    "zjtx.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zjtx.core.context_processors.navigation",
            ],
        },
    }
]


def database_from_env(default_sqlite: Path) -> dict:
    """DATABASE_URL wins; otherwise an embedded SQLite file in WAL mode."""
    import os

    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# 等保2.0 8.1.4.1: argon2 first; passwords >= 8 chars with 3 character classes.
# argon2id with OWASP's parameters (19 MiB, t=2, p=1; ADR 0018). Hashes made with Django's
# defaults (100 MiB, p=8) still verify and are re-hashed at the next login.
PASSWORD_HASHERS = [
    "zjtx.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "zjtx.accounts.validators.PolicyMinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "zjtx.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after 5 failures for 15 minutes (django-axes), keyed by username.
# Both read the security admin's policy (defaults 5 failures, 15 minutes).
AXES_FAILURE_LIMIT = "zjtx.accounts.policy.failure_limit"
AXES_COOLOFF_TIME = "zjtx.accounts.policy.cooloff_time"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "zjtx.accounts.policy.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zjtx.accounts.views.lockout_response"
AXES_ENABLE_ADMIN = False
# The same client address as the audit trail: forwarded headers count only from a trusted proxy.
AXES_CLIENT_IP_CALLABLE = "zjtx.core.middleware.client_ip"
# Lockout is per account as 等保 asks; rotating the client does not reset a username's count.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The session cookie lives until the browser closes (no Max-Age/Expires). The idle timeout is
# kept on the server: SessionPolicyMiddleware logs out a session idle longer than the policy
# allows (at most 30 minutes), and the stored session itself expires 30 minutes after the last
# request. Both are kept to within half a minute: the middleware marks the session changed at
# most every 30 s, and only a changed session is written (not one UPDATE per request).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

OTP_TOTP_ISSUER = "ZJTX"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "uploads"  # outside the web root; served only through views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The site's own address, for links sent by e-mail (account activation).
ZJTX_SITE_URL = os.environ.get("ZJTX_SITE_URL", "http://localhost:8000")
# The SMS sender (dotted path to a zjtx.core.sms.SmsSender); the default logs to the outbox.
ZJTX_SMS_BACKEND = os.environ.get("ZJTX_SMS_BACKEND", "zjtx.core.sms.LoggingSmsSender")
# The interactive API docs at /api/v1/docs; production turns them off unless ZJTX_API_DOCS=1.
ZJTX_API_DOCS = os.environ.get("ZJTX_API_DOCS", "1") == "1"

# Audit chain (ADR 0003). The HMAC key must live outside the database: production reads it
# from the environment and refuses to start without it; this value is for development only.
ZJTX_AUDIT_HMAC_KEY = os.environ.get(
    "ZJTX_AUDIT_HMAC_KEY", "dev-only-audit-key-not-secret-0123456789abcdefghijklmnopqrstuv"
)
# Key rotation (ADR 0003): the current key's id, recorded on every new event ("0", the default,
# is the first key and is recorded as blank), and the retired keys "id:key,id:key", newest
# first, kept only to verify the events and anchors they signed.
ZJTX_AUDIT_HMAC_KEY_ID = os.environ.get("ZJTX_AUDIT_HMAC_KEY_ID", "0")
ZJTX_AUDIT_HMAC_RETIRED_KEYS = os.environ.get("ZJTX_AUDIT_HMAC_RETIRED_KEYS", "")
# Signed chain heads written by `manage.py audit_anchor`; copy the file with every backup.
ZJTX_AUDIT_ANCHOR_PATH = Path(
    os.environ.get("ZJTX_AUDIT_ANCHOR_PATH", str(VAR_DIR / "audit-anchors.jsonl"))
)

# Personal data at rest (ADR 0017, zjtx/core/crypto.py): SM4 keys "id:hex,id:hex", the first
# encrypts, all decrypt; and the key of the blind indexes. Production reads both from the
# environment and refuses these development keys, which anybody can derive from the source.
ZJTX_SM4_KEYS = os.environ.get(
    "ZJTX_SM4_KEYS",
    "DEV-NOT-SECRET:" + hashlib.sha256(b"zjtx-dev-only-not-secret:sm4").hexdigest()[:32],
)
ZJTX_BLIND_INDEX_KEY = os.environ.get(
    "ZJTX_BLIND_INDEX_KEY",
    hashlib.sha256(b"zjtx-dev-only-not-secret:blind-index").hexdigest()[:32],
)

# Reverse proxies whose X-Real-IP / X-Forwarded-For are believed (IP addresses or CIDR
# networks). Empty: the peer address is the client, whatever headers it sends.
ZJTX_TRUSTED_PROXIES: list[str] = []

# Names the bureau may change without a developer.
ZJTX_DEPARTMENT_NAME = _("Wuhu Municipal Bureau of Economy and Information Technology")
ZJTX_CITY_DIVISION_CODE = "340200"

# Background work (zjtx/core/jobs.py, ADR 0016): the database backend with `manage.py db_worker`
# by default; ZJTX_TASK_BACKEND=rq selects RQ on Redis to scale out (config.settings.prod).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Scale-out: RQ on Redis (django-tasks-rq); workers run `manage.py rqworker --job-class
# django_tasks_rq.Job default` (deploy/bin/zjtx-worker picks the right command).
if os.environ.get("ZJTX_TASK_BACKEND", "database") == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}  # type: ignore[dict-item]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "DEFAULT_TIMEOUT": 3600,  # a city-scale import or report is minutes, not hours
        }
    }

# Logs (zjtx/core/logging.py): request id on every line, personal data masked; plain text
# here, JSON in production (ZJTX_LOG_FORMAT=json selects it anywhere).
LOGGING = logging_config(
    json_format=os.environ.get("ZJTX_LOG_FORMAT", "text") == "json",
    level=os.environ.get("ZJTX_LOG_LEVEL", "WARNING"),
)
# Per-worker request metrics are shared through this directory (None: this process only).
ZJTX_METRICS_DIR: Path | None = None
ZJTX_METRICS_TOKEN = os.environ.get("ZJTX_METRICS_TOKEN", "")
