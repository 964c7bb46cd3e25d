"""Personal data at rest: Fernet encryption plus a keyed hash for exact lookup, and masking for display."""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet() -> MultiFernet:
    # FIELD_ENCRYPTION_KEY may list several keys, newest first, so keys can be rotated.
    keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEY.split(",") if k.strip()]
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY 不是有效的 Fernet 密钥") from exc


@cache
def _hash_key() -> bytes:
    # FIELD_HASH_KEY, or else the OLDEST encryption key (the last in the list): putting a new key in front
    # for rotation leaves every stored lookup hash valid. Pin FIELD_HASH_KEY to that value before the
    # oldest key is ever removed (docs/deployment.md, keys and rotation).
    source = getattr(settings, "FIELD_HASH_KEY", "") or settings.FIELD_ENCRYPTION_KEY.split(",")[-1].strip()
    return hashlib.sha256(b"dangjian-lookup:" + source.encode()).digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("无法解密个人信息：FIELD_ENCRYPTION_KEY 与数据不匹配") from exc


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalized value: equal inputs give equal hashes, without storing the value."""
    normalized = value.strip().upper()
    return hmac.new(_hash_key(), normalized.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text value stored as a Fernet token; the Python side always sees plain text."""

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else encrypt(value)


def mask_id_number(value: str | None) -> str:
    """110105199001011234 → 110105********1234 (API.md: first six and last four kept)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
