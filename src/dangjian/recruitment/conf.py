"""The [LOCAL] rule values of member development, read from `settings.DANGJIAN_RULES` into `rules.Config`."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import rules


def _dates(key: str) -> frozenset[dt.date]:
    values = settings.DANGJIAN_RULES.get(key) or []
    days = set()
    for value in values:
        if isinstance(value, dt.date):
            days.add(value)
            continue
        try:
            days.add(dt.date.fromisoformat(str(value).strip()))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{key}: {value!r} is not a YYYY-MM-DD date") from exc
    return frozenset(days)


def rule_config() -> rules.Config:
    """The settings as the pure rules take them (defaults as in RULES.md when a key is missing)."""
    values = settings.DANGJIAN_RULES
    default = rules.Config()
    return rules.Config(
        notice_working_days=int(values.get("DEVELOPMENT_NOTICE_WORKING_DAYS", default.notice_working_days)),
        holidays=_dates("DEVELOPMENT_HOLIDAYS"),
        extra_workdays=_dates("DEVELOPMENT_EXTRA_WORKDAYS"),
        application_to_activist_months=int(
            values.get("APPLICATION_TO_ACTIVIST_MONTHS", default.application_to_activist_months)
        ),
        redeliberate_months=int(values.get("DEVELOPMENT_REDELIBERATE_MONTHS", default.redeliberate_months)),
        redo_months=int(values.get("DEVELOPMENT_REDO_MONTHS", default.redo_months)),
        reminder_days=int(values.get("DEVELOPMENT_REMINDER_DAYS", default.reminder_days)),
    )
