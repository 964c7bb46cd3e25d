"""Background tasks of the members app, run by the worker of django-tasks-db (`dangjian db_worker`).

A task carries only the job's id; the job row holds everything else, so a task that is run twice (a worker
restarted mid-way) finds its job no longer queued and does nothing.
"""

from django_tasks import task


@task()
def run_import_job(job_id: int) -> str:
    """Import an uploaded roster (花名册) recorded as an ImportJob; returns the job's final state."""
    from .services.importing import import_job_run

    return import_job_run(job_id=job_id).state
