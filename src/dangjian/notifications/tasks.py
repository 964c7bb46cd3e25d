"""Background task of the inbox, run by `dangjian worker` (django-tasks-db): the daily reminder job.

Cron or a systemd timer runs `dangjian remind` directly; `dangjian remind --enqueue` hands the same job to the
worker instead. Running it twice is harmless: nobody gets the same reminder twice.
"""

import datetime as dt

from django_tasks import task


@task()
def run_reminders(today: str | None = None) -> dict:
    """Run every reminder source for `today` (YYYY-MM-DD, default the local date) and deliver; the report."""
    from .services import reminders_run

    return reminders_run(today=dt.date.fromisoformat(today) if today else None).as_dict()
