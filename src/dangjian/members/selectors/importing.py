"""Reads of roster imports (ImportJob): a job is seen by whoever uploaded it, and by the county admin.

The error sheet and messages of a job repeat the uploaded rows with full ID numbers, so a job is not shown
to everyone whose scope includes its organization: only to the uploader and to the organization
department (who may see every number anyway, members.rules.may_reveal). Anyone else gets 404.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.core import scoping

from ..models import ImportJob
from ..services.importing import require_roster_role

RECENT = 20


def import_jobs_visible(user) -> QuerySet[ImportJob]:
    jobs = scoping.scoped(ImportJob.objects.select_related("uploaded_by", "org"), user, "org__path")
    if user.role != "county_admin":
        jobs = jobs.filter(uploaded_by=user)
    return jobs


def get_import_job_or_404(user, pk) -> ImportJob:
    require_roster_role(user)
    try:
        return import_jobs_visible(user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(_("导入记录不存在或不在您的管理范围内")) from None


def recent_import_jobs(
    user, *, before: int | None = None, size: int = RECENT
) -> tuple[list[ImportJob], int | None]:
    """The newest jobs (keyset by id: `before` continues after a page); and the id to continue from."""
    jobs = import_jobs_visible(user).order_by("-id")
    if before is not None:
        jobs = jobs.filter(pk__lt=before)
    page = list(jobs[: size + 1])
    more = len(page) > size
    page = page[:size]
    return page, (page[-1].pk if more else None)
