"""Pages of 花名册导入导出: the import page (template, upload, recent imports, export), one import's
progress and result, and the downloads (template, error sheet, roster).

Thin like orgs.views: role check → form → one service → redirect or file; a job is fetched through
selectors.importing (404 for anyone but its uploader and the county admin).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed
from dangjian.orgs.models import Domain, Organization, OrgKind

from . import importing
from .api_import import xlsx_response
from .codes import EDUCATION, ETHNICITIES, translated
from .models import Category, Gender, ImportJobState, Status
from .selectors import importing as selectors
from .selectors.records import EVERYONE, ON_ROLLS, RosterFilters
from .services import exporting
from .services import importing as services

SCOPE_CHOICES_LIMIT = 1000  # organizations offered in the export's scope list
ERRORS_SHOWN = 200  # rows of a failed import listed on its page; the error sheet has them all
QUEUED_HINT_SECONDS = 30  # after this long in the queue the page says a worker must be running


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("花名册文件"),
        error_messages={
            "required": gettext_lazy("请选择要上传的 .xlsx 文件"),
            "empty": gettext_lazy("上传的文件是空的"),
            "invalid": gettext_lazy("没有收到文件，请重新选择"),
        },
    )


class ExportForm(forms.Form):
    """The roster's filters, by the roster page's names: its export button passes on what it filters."""

    within = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(
        label=gettext_lazy("党籍状态"),
        required=False,
        choices=[(ON_ROLLS, gettext_lazy("在册党员")), *Status.choices, (EVERYONE, gettext_lazy("全部"))],
    )
    category = forms.ChoiceField(
        label=gettext_lazy("人员类别"),
        required=False,
        choices=[("", gettext_lazy("全部")), *Category.choices],
    )
    gender = forms.ChoiceField(
        label=gettext_lazy("性别"), required=False, choices=[("", gettext_lazy("全部")), *Gender.choices]
    )
    education = forms.ChoiceField(
        label=gettext_lazy("学历"),
        required=False,
        choices=[("", gettext_lazy("全部")), *translated(EDUCATION)],
    )
    ethnicity = forms.ChoiceField(
        label=gettext_lazy("民族"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("minority", gettext_lazy("少数民族")),
            *translated(ETHNICITIES),
        ],
    )
    domain = forms.ChoiceField(
        label=gettext_lazy("领域"), required=False, choices=[("", gettext_lazy("全部")), *Domain.choices]
    )
    age_min = forms.IntegerField(label=gettext_lazy("年龄从"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=gettext_lazy("年龄到"), required=False, min_value=0, max_value=150)
    q = forms.CharField(label=gettext_lazy("姓名或公民身份号码"), required=False, max_length=50)
    masked = forms.BooleanField(label=gettext_lazy("身份证号和手机号遮盖导出"), required=False)


def _scope_choices(user) -> list[tuple[int, str]]:
    """Organizations of the user's scope to export from (党小组 included: the roster filters by group too)."""
    root_depth = user.org.depth if user.org_id else 0
    orgs = (
        scoping.scoped(Organization.objects.active(), user)
        .order_by("path")
        .only("pk", "name", "depth", "kind")
    )
    return [
        (org.pk, "\u3000" * min(org.depth - root_depth, 6) + org.name)
        for org in orgs[:SCOPE_CHOICES_LIMIT]
        if org.kind != OrgKind.GROUP or org.depth - root_depth <= 2
    ]


def _page(request, *, upload_form=None, export_form=None, status=200):
    user = request.user
    before = request.GET.get("before", "")
    jobs, next_before = selectors.recent_import_jobs(user, before=int(before) if before.isdigit() else None)
    limits = services.limits()
    context = {
        "upload_form": upload_form or UploadForm(),
        "export_form": export_form or ExportForm(initial={"within": user.org_id}),
        "scope_choices": _scope_choices(user),
        "jobs": jobs,
        "next_url": f"{reverse('member_import:index')}?before={next_before}" if next_before else "",
        "first_url": reverse("member_import:index") if before else "",
        "limits": {
            "sync_rows": limits["SYNC_ROWS"],
            "max_rows": limits["MAX_ROWS"],
            "max_mb": limits["MAX_BYTES"] // (1024 * 1024),
        },
        "may_reveal": user.role in ("county_admin", "branch_secretary"),
        "crumbs": [(_("花名册导入导出"), None)],
    }
    htmx = request.htmx
    if htmx and not htmx.history_restore_request and htmx.target == "import-jobs":
        return render(request, "members/import/index.html#jobs", context)
    return render(request, "members/import/index.html", context, status=status)


@login_required
@require_GET
def index(request):
    services.require_roster_role(request.user)
    return _page(request)


@login_required
@require_GET
def template(request):
    return xlsx_response(services.import_template(actor=request.user), "党员信息导入模板.xlsx")


@login_required
@require_POST
def upload(request):
    services.require_roster_role(request.user)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            filename, data = services.read_upload(form.cleaned_data["file"])
            job = services.import_job_submit(actor=request.user, filename=filename, data=data)
        except ValidationFailed as exc:
            form.add_error("file", exc.message)
        else:
            if job.state == ImportJobState.SUCCEEDED:
                messages.success(
                    request,
                    _("导入完成：新增 %(created)s 名、修改 %(updated)s 名党员")
                    % {"created": job.created_count, "updated": job.updated_count},
                )
            return redirect("member_import:job", job.pk)
    return _page(request, upload_form=form, status=422)


def _job_context(job) -> dict:
    waited = (timezone.now() - job.created_at).total_seconds()
    errors = job.errors or []
    file_problem = next((e["message"] for e in errors if e.get("row") is None), "")
    return {
        "job": job,
        "finished": job.state in (ImportJobState.SUCCEEDED, ImportJobState.FAILED),
        "writing": job.state == ImportJobState.RUNNING
        and job.total_rows
        and job.processed_rows >= job.total_rows,
        "percent": min(100, job.processed_rows * 100 // job.total_rows) if job.total_rows else 0,
        "unchanged": max(0, job.total_rows - job.created_count - job.updated_count),
        "file_problem": file_problem,
        "row_errors": [
            {**e, "column": importing.BY_KEY[e["field"]].header if e["field"] in importing.BY_KEY else ""}
            for e in errors[:ERRORS_SHOWN]
            if e.get("row") is not None
        ],
        "error_count": len(errors),
        "error_rows": len({e["row"] for e in errors if e.get("row") is not None}),
        "errors_capped": len(errors) >= services.ERROR_LIST_LIMIT,
        "queued_long": job.state == ImportJobState.QUEUED and waited > QUEUED_HINT_SECONDS,
    }


@login_required
@require_GET
def job(request, pk):
    job = selectors.get_import_job_or_404(request.user, pk)
    context = {
        **_job_context(job),
        "crumbs": [(_("花名册导入导出"), reverse("member_import:index")), (job.filename, None)],
    }
    htmx = request.htmx
    if htmx and not htmx.history_restore_request and htmx.target == "job-status":
        return render(request, "members/import/job.html#status", context)
    return render(request, "members/import/job.html", context)


@login_required
@require_GET
def job_errors(request, pk):
    job = selectors.get_import_job_or_404(request.user, pk)
    filename, content = services.import_job_error_sheet(actor=request.user, job=job)
    return xlsx_response(content, filename)


@login_required
@require_GET
def export(request) -> HttpResponse:
    services.require_roster_role(request.user)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, export_form=form, status=422)
    data = form.cleaned_data
    within = scoping.get_org_or_404(request.user, data["within"]) if data["within"] else None
    result = exporting.roster_export(
        actor=request.user,
        filters=RosterFilters(
            within=within,
            status=data["status"],
            category=data["category"],
            gender=data["gender"],
            education=data["education"],
            ethnicity=data["ethnicity"],
            domain=data["domain"],
            age_min=data["age_min"],
            age_max=data["age_max"],
            q=data["q"],
        ),
        masked=data["masked"],
    )
    return xlsx_response(result.content, result.filename)
