# mypy: disallow-untyped-defs
"""Structured logs for production: one JSON object a line, with the request id, and no
personal data (个人信息保护法 §51, 等保2.0 8.1.4.3 — logs are kept long and read widely).

`LOGGING` in config/settings/base.py wires these: `RequestIdFilter` stamps every record with
the current request id (zjtx.core.context), `PersonalDataFilter` masks ID numbers, mobile
numbers, credit-card-like digit runs, e-mail addresses and password/token values in the
message and its arguments, and `JsonFormatter` writes the record as JSON (production) while
development keeps the plain one-line format.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from . import context

# 18-digit resident ID (GB 11643; last digit may be X) and the old 15-digit form.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8,11}([0-9Xx])(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86 / 86 in front.
_MOBILE = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)\d{4}(\d{4})(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# key=value or "key": "value" pairs whose value is a secret, in query strings, form bodies,
# JSON and repr() output alike.
_SECRET_PAIR = re.compile(
    r"""(?ix)
    (["']?(?:password\d?|passwd|pwd|new_password\d?|old_password|secret|token|otp_token|
      api[_-]?key|csrfmiddlewaretoken|sessionid|id_number|id_card|idcard|
      phone|mobile|contact_phone)["']?\s*[=:]\s*)
    (["']?)([^"'&\s,;}]+)
    """
)
_BEARER = re.compile(r"(?i)((?:authorization:?\s*)?(?:bearer|basic|token)\s+)[^\s,;'\"]+")

MASK = "***"


def redact(text: str) -> str:
    """The text with personal data and secrets masked (keeps enough to tell records apart)."""
    if not text:
        return text
    text = _BEARER.sub(lambda m: f"{m.group(1)}{MASK}", text)
    text = _SECRET_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2)}", text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}{MASK}@{m.group(2)}", text)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and the client address) of the request being served, or ""."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = context.current()
        if not getattr(record, "request_id", ""):
            record.request_id = ctx.request_id
        return True


class PersonalDataFilter(logging.Filter):
    """Masks personal data in the message, its arguments and the exception text.

    The message is rendered once here (so a %-argument holding an ID number is masked too)
    and the record keeps the masked text; handlers after this filter never see the original.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        # The exception object itself may hold the data in its args; the text above is all
        # that a formatter needs.
        record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        # django.request attaches the request; its repr carries the query string.
        if hasattr(record, "request"):
            record.request = None
        return True


# Attributes every LogRecord has; anything else was passed with `extra=` and is logged.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id,
    the `extra=` fields, and the exception text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or "",
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_") or value is None:
                continue
            out[key] = value if isinstance(value, int | float | bool) else redact(str(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        return json.dumps(out, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The development format: time, level, logger, request id, message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = ""
        return super().format(record)


def logging_config(*, json_format: bool, level: str = "INFO") -> dict[str, Any]:
    """The LOGGING dictionary: console handler, request id, personal data masked."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "zjtx.core.logging.RequestIdFilter"},
            "personal_data": {"()": "zjtx.core.logging.PersonalDataFilter"},
        },
        "formatters": {
            "json": {"()": "zjtx.core.logging.JsonFormatter"},
            "text": {"()": "zjtx.core.logging.TextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id", "personal_data"],
                "formatter": "json" if json_format else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own request logger repeats what zjtx.request already says.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            "zjtx": {"level": level},
        },
    }


# Values for zjtx.request's access line; the query string is never logged (it may hold
# personal data and tokens).
def access_fields(
    *, method: str, path: str, status: int, ms: float, user_id: Any
) -> dict[str, Any]:
    return {
        "method": method,
        "path": redact(path[:300]),
        "status": status,
        "duration_ms": round(ms, 1),
        "user_id": user_id or "",
    }
