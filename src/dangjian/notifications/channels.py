"""Delivery channels besides the inbox: e-mail (Django's mail, SMTP from settings) and SMS (pluggable).

An SMS gateway is a class named by the setting `SMS_BACKEND` with one method, `send(phone, text) -> None`,
that raises on failure (any exception: the delivery is recorded as failed with its message and retried on a
later run). The default `LoggingSmsBackend` sends nothing: it writes a log line with the phone masked.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from dangjian.core.crypto import mask_phone

logger = logging.getLogger("dangjian.notifications")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send `text` to the mobile number `phone`; raise on failure."""


class LoggingSmsBackend:
    """Sends nothing; logs that a text would go out (the phone masked, the length of the text, no content)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s (%d characters) logged, not sent", mask_phone(phone), len(text))


def sms_backend() -> SmsBackend:
    """A new instance of the configured SMS backend (ImproperlyConfigured-style ImportError if misnamed)."""
    return import_string(settings.SMS_BACKEND)()


def send_email(address: str, subject: str, text: str) -> None:
    """One plain-text e-mail through the configured backend; raises on failure."""
    send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
