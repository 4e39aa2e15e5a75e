# mypy: disallow-untyped-defs
"""SMS senders: a protocol and a logging implementation; no gateway is named.

`ZJTX_SMS_BACKEND` (a dotted path to a class with no required arguments) picks the sender; a
deployment with a gateway adds its own class implementing `SmsSender` and points the setting
at it. The default logs the message and keeps it in the outbox (`OutboundMessage`).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("zjtx.sms")

DEFAULT_BACKEND = "zjtx.core.sms.LoggingSmsSender"


@runtime_checkable
class SmsSender(Protocol):
    def send(self, *, phone: str, text: str, recipient: Any = None, kind: str = "") -> None:
        """Deliver `text` to `phone`; raise on failure (the caller records it)."""


class LoggingSmsSender:
    """Writes the message to the log and the outbox instead of a gateway (tests, demos, ops)."""

    def send(self, *, phone: str, text: str, recipient: Any = None, kind: str = "") -> None:
        from .models import OutboundMessage

        logger.info("SMS to %s (%s): %s", phone, kind, text)
        OutboundMessage.objects.create(
            channel=OutboundMessage.Channel.SMS,
            status=OutboundMessage.Status.LOGGED,
            recipient=recipient if getattr(recipient, "pk", None) else None,
            address=phone[:254],
            kind=kind,
            body=text,
        )


def sms_sender() -> SmsSender:
    """The configured sender (read each time so tests can override the setting)."""
    path = getattr(settings, "ZJTX_SMS_BACKEND", "") or DEFAULT_BACKEND
    sender: SmsSender = import_string(path)()
    return sender
