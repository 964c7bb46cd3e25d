"""Recording the audit trail. Every service write calls `record`; so does every reveal of personal data, and
every export of it (`export`: who, which organization's scope, what and how many)."""

import datetime as dt
import decimal
from typing import Any

from django.db import models

from .middleware import current_ip
from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an instance as JSON-ready values, for the before/after columns."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    org=None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    request=None,
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    # An entry without a signed-in account (a member of the public objecting, the system) keeps no address:
    # personal data minimisation; the public pages' rate limits keep only a keyed hash, in the cache.
    ip = None
    if user is not None:
        ip = request.META.get("REMOTE_ADDR") if request is not None else current_ip.get()
    if obj is not None and not object_type:
        object_type = obj._meta.label_lower
    return AuditEntry.objects.create(
        actor=user,
        actor_name=(user.get_full_name() or user.username) if user else "系统",
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        org=org,
        org_path=org.path if org is not None else "",
        summary=summary[:300],
        before={k: _plain(v) for k, v in before.items()} if before else None,
        after={k: _plain(v) for k, v in after.items()} if after else None,
        ip=ip,
    )


def export(
    *,
    actor,
    summary: str,
    org=None,
    obj: models.Model | None = None,
    object_type: str = "",
    after: dict | None = None,
) -> AuditEntry:
    """A file handed out that carries personal data (a roster, a list with names, a record of a meeting, a
    person's documents) is a read of that data: who, which organization's scope, what and how many (`summary`,
    e.g. "导出党员名册 123 人"). Called where the file is handed out, by the page and the API alike."""
    return record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        obj=obj,
        object_type=object_type,
        org=org,
        summary=summary,
        after=after,
    )
