"""Rate limits of what the public may send without an account (objections, survey codes), in Django's cache.

Used by the public pages (`disclosure`) and the public API (`sites.api.public`); the limits are the settings
`DANGJIAN_DISCLOSURE` (per visitor and hour).

The visitor's address is never stored with what they send: the cache keeps, for one hour, a keyed hash of
(address, subject) and a counter — nothing that names the address, and nothing in the database.
"""

import hashlib
import hmac
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from .middleware import current_ip

WINDOW_SECONDS = 3600


def over_limit(tries_so_far: int, limit: int) -> bool:
    """At most `limit` tries per visitor and subject in the window; 0 means no limit."""
    return limit > 0 and tries_so_far >= limit


def limit(name: str) -> int:
    return int(settings.DANGJIAN_DISCLOSURE.get(name, 0))


def _key(kind: str, request, subject: str) -> str:
    address = request.META.get("REMOTE_ADDR") or ""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}|{address}|{subject}".encode(), hashlib.sha256
    ).hexdigest()
    return f"dangjian:disclosure:{kind}:{digest[:40]}"


def tries(kind: str, request, subject: str = "") -> int:
    return int(cache.get(_key(kind, request, subject), 0))


def blocked(kind: str, request, subject: str, allowed: int) -> bool:
    return over_limit(tries(kind, request, subject), allowed)


def count(kind: str, request, subject: str = "") -> int:
    """One more try by this visitor on this subject within the hour; the number of tries so far."""
    key = _key(kind, request, subject)
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


@contextmanager
def without_address():
    """Run a service without the visitor's address: its audit entry (an anonymous objection) keeps none."""
    token = current_ip.set(None)
    try:
        yield
    finally:
        current_ip.reset(token)
