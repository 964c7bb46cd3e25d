"""Delivery channels besides the inbox: e-mail (Django's mail, SMTP from settings) and SMS (pluggable).

An SMS gateway is a class named by the setting `SMS_BACKEND` with one method, `send(phone, text) -> None`,
that raises on failure (any exception: the delivery is recorded as failed with its message and retried on a
later run). The default `LoggingSmsBackend` sends nothing: it writes a log line with the phone masked.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
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


def send_email(address: str, subject: str, text: str, connection=None) -> None:
    """One plain-text e-mail through the configured backend (or an open `connection`); raises on failure."""
    message = EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [address], connection=connection)
    message.send(fail_silently=False)


class MailConnection:
    """One connection to the mail server for a whole run, opened when first needed and reopened after an error."""

    def __init__(self):
        self._connection = None

    def send(self, address: str, subject: str, text: str) -> None:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
            self._connection.open()
        try:
            send_email(address, subject, text, connection=self._connection)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # a broken connection may fail to close; the next send opens a new one
                logger.debug("closing the mail connection failed", exc_info=True)
            self._connection = None
