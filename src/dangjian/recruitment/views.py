"""Pages of member development (发展党员): the case list, one case (stepper and tabs), the application form
(step 1), corrections, withdrawal, revealing personal data and attached files.

The same short story as everywhere: scoped fetch (404 outside the user's scope) → form → one service →
redirect with a message; or the form again with the service's answer (422 bad input, 409 not allowed now,
with the rule and its article). Members and reviewers have no business here (403). The steps are recorded
in `views_steps.py`; the due list, plans, notices and documents have their own modules.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from dangjian.core import scoping, uploads
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.core.errors import ValidationFailed
from dangjian.core.pages import bound, partial, submit
from dangjian.members.selectors import records as member_selectors

from . import documents, rules, selectors, selectors_pages, services
from .forms import CaseCreateForm, CaseEditForm, CaseFileForm, CaseFilterForm, WithdrawForm
from .models import CaseFile
from .views_common import approver, case_crumbs, crumbs, within_choices, within_org

PAGE_SIZE = 50

# --- the case list -----------------------------------------------------------------------------------------


@login_required
def case_list(request):
    scoping.require_tree_role(request.user)
    user = request.user
    current = within_org(request)
    form = CaseFilterForm(
        request.GET,
        within_choices=within_choices(user, current),
        years=selectors_pages.application_years(user=user),
    )
    values = form.values()
    filters = selectors.CaseFilters(within=current, stage=values["stage"], year=values["year"], q=values["q"])
    today = timezone.localdate()
    paginator = Paginator(selectors.cases_within(user=user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    cases = list(page.object_list)
    dues = selectors_pages.next_dues(cases, today)
    query = urlencode([(k, v) for k, v in request.GET.items() if v and k != "page"])
    context = {
        "form": form,
        "filters": filters,
        "filtered": any(values.values()) or current is not None,
        "page": page,
        "rows": [{"case": c, "due": dues.get(c.pk), "id_number": mask_id_number(c.id_number)} for c in cases],
        "counts": selectors_pages.stage_counts(user=user, filters=filters),
        "stage_labels": rules.STAGE_LABELS,
        "notices": selectors_pages.running_notices(user=user, within=current, today=today),
        "query": query,
        "today": today,
        "crumbs": crumbs(),
    }
    if partial(request, "case-table"):
        response = render(request, "recruitment/_case_results.html", context)
        return push_url(response, reverse("recruitment:case_list") + (f"?{query}" if query else ""))
    return render(request, "recruitment/list.html", context)


# --- step 1: the application -------------------------------------------------------------------------------


def _branch_choices(user) -> list[tuple[int, str]]:
    branches = member_selectors.branches_within(user=user).select_related("parent").order_by("path")[:500]
    return [(b.pk, f"{b.parent.name} · {b.name}" if b.parent_id else b.name) for b in branches]


@login_required
def case_create(request):
    scoping.require_tree_role(request.user)
    user = request.user
    branches = _branch_choices(user)
    if not branches:
        raise PermissionDenied(_("管理范围内没有党支部，不能登记入党申请"))
    initial = {}
    if request.GET.get("org", "").isdigit():
        initial["org"] = int(request.GET["org"])
    elif len(branches) == 1:
        initial["org"] = branches[0][0]
    form = CaseCreateForm(bound(request), branches=branches, initial=initial)

    def create(data):
        org = member_selectors.branches_within(user=user).filter(pk=data.pop("org")).first()
        if org is None:
            raise ValidationFailed.field("org", _("请选择管理范围内的党支部"))
        return services.case_create(actor=user, org=org, **data)

    case, status, refusal = submit(request, form, create)
    if case is not None:
        messages.success(
            request,
            _("已登记%(name)s的入党申请（第1步）。请在一个月内派人谈话（细则 第7条）。")
            % {"name": case.person_name},
        )
        return redirect("recruitment:case_detail", case.pk)
    title = _("登记入党申请")
    return render(
        request,
        "recruitment/form.html",
        {
            "form": form,
            "title": title,
            "intro": _(
                "第1步“递交入党申请书”：登记党支部收到的书面入党申请（细则 第6条）。出生日期和性别从公民身份号码读取，"
                "申请时须年满十八岁（细则 第5条）；号码和手机号码加密保存。"
            ),
            "refusal": refusal,
            "submit": _("登记"),
            "cancel_url": reverse("recruitment:case_list"),
            "crumbs": crumbs((title, None)),
        },
        status=status,
    )


# --- one case ----------------------------------------------------------------------------------------------

TABS = (
    ("info", gettext_lazy("基本信息")),
    ("steps", gettext_lazy("历程")),
    ("files", gettext_lazy("附件")),
    ("history", gettext_lazy("操作记录")),
)


def _tab_context(request, case, tab: str, extra: dict) -> dict:
    user = request.user
    if tab == "steps":
        records = selectors.case_steps(case)
        return {"records": records, "step_documents": documents.DOCUMENTS_OF_STEP}
    if tab == "files":
        return {
            "files": selectors.case_files(case),
            "file_form": extra.pop("file_form", None)
            or CaseFileForm(steps=selectors.case_steps(case, include_history=False)),
            "max_mb": uploads.file_max_bytes() // (1024 * 1024),
        }
    if tab == "history":
        return {"history": selectors_pages.case_history(user=user, case=case)}
    return {}


def _page_context(request, case) -> dict:
    """What the whole page needs besides the tab: the stepper, the next steps and the documents."""
    phases = selectors_pages.stepper(case, user=request.user, today=timezone.localdate())
    recorded = {view.number for phase in phases for view in phase.steps if view.records}
    return {
        "phases": phases,
        "next_steps": selectors_pages.next_steps(phases),
        "documents": documents.available(case, recorded),
    }


def _detail_context(request, case, tab: str, *, whole_page: bool = True, **extra) -> dict:
    user = request.user
    today = timezone.localdate()
    open_case = case.stage in rules.OPEN_STAGES
    return {
        **(_page_context(request, case) if whole_page else {}),
        "case": case,
        "tab": tab,
        "tabs": TABS,
        "step_documents": documents.DOCUMENTS_OF_STEP,
        "masked": {"id_number": mask_id_number(case.id_number), "phone": mask_phone(case.phone)},
        "actions": {
            "reveal": services.may_reveal(user, case),
            "withdraw": open_case and case.stage != rules.PROBATIONARY,
            "edit": case.stage in (rules.APPLICANT, rules.ACTIVIST, rules.CANDIDATE),
            "upload": True,
            "approver": approver(user),
        },
        "dues": [
            d for d in selectors.open_cases_with_dues(selectors.scoped_cases(user).filter(pk=case.pk), today)
        ],
        "today": today,
        "crumbs": case_crumbs(case),
        **_tab_context(request, case, tab, extra),
        **extra,
    }


@login_required
def case_detail(request, pk):
    case = selectors.get_case_or_404(request.user, pk)
    tab = request.GET.get("tab", "info")
    if tab not in dict(TABS):
        tab = "info"
    if partial(request, "case-tabs"):
        context = _detail_context(request, case, tab, whole_page=False)
        return render(request, "recruitment/detail.html#tabs", context)
    return render(request, "recruitment/detail.html", _detail_context(request, case, tab))


@login_required
@require_POST
def case_reveal(request, pk):
    """The full ID number and phone: county admin and the case's own branch secretary (audited)."""
    case = selectors.get_case_or_404(request.user, pk)
    revealed = services.case_reveal(actor=request.user, case=case)
    if partial(request):
        context = {**_detail_context(request, case, "info", whole_page=False), "revealed": revealed}
        return render(request, "recruitment/_tab_info.html#personal", context)
    return render(
        request, "recruitment/detail.html", {**_detail_context(request, case, "info"), "revealed": revealed}
    )


@login_required
def case_edit(request, pk):
    case = selectors.get_case_or_404(request.user, pk)
    title = _("更正个人信息")
    masked = {"id_number": mask_id_number(case.id_number), "phone": mask_phone(case.phone)}
    form = CaseEditForm(bound(request), case=case, masked=masked)

    def update(_data):
        return services.case_update(actor=request.user, case=case, **form.changes())

    result, status, refusal = submit(request, form, update)
    if result is not None:
        messages.success(request, _("已保存%(name)s的信息") % {"name": result.person_name})
        return redirect("recruitment:case_detail", result.pk)
    return render(
        request,
        "recruitment/form.html",
        {
            "form": form,
            "title": title,
            "intro": _(
                "更正申请人的个人信息，每次修改都记入操作记录。接收为预备党员以后，请在党员档案中更正。"
            ),
            "refusal": refusal,
            "submit": _("保存"),
            "case": case,
            "cancel_url": reverse("recruitment:case_detail", args=[case.pk]),
            "crumbs": case_crumbs(case, (title, None)),
        },
        status=status,
    )


@login_required
def case_withdraw(request, pk):
    """End a case before admission (the applicant withdrew, or the branch stopped the development)."""
    case = selectors.get_case_or_404(request.user, pk)
    title = _("终止发展")
    form = WithdrawForm(bound(request), initial={"date": timezone.localdate()})

    def withdraw(data):
        return services.case_withdraw(actor=request.user, case=case, date=data["date"], reason=data["reason"])

    result, status, refusal = submit(request, form, withdraw)
    if result is not None:
        messages.success(request, _("已终止%(name)s的发展程序，记录保留备查") % {"name": result.person_name})
        return redirect("recruitment:case_detail", result.pk)
    return render(
        request,
        "recruitment/form.html",
        {
            "form": form,
            "title": title,
            "intro": _(
                "申请人撤回申请，或经党支部研究停止培养的，终止发展程序。已登记的步骤和材料保留备查。"
                "预备党员不能在这里终止：应由支部大会讨论延长预备期或取消预备党员资格（党章 第7条）。"
            ),
            "refusal": refusal,
            "submit": _("终止发展"),
            "danger": True,
            "case": case,
            "cancel_url": reverse("recruitment:case_detail", args=[case.pk]),
            "crumbs": case_crumbs(case, (title, None)),
        },
        status=status,
    )


# --- attached files ----------------------------------------------------------------------------------------


@login_required
@require_POST
def case_file_upload(request, pk):
    case = selectors.get_case_or_404(request.user, pk)
    steps = selectors.case_steps(case, include_history=False)
    form = CaseFileForm(request.POST, request.FILES, steps=steps)

    def upload(data):
        step = next((s for s in steps if s.pk == data["step"]), None)
        return services.case_file_add(
            actor=request.user, case=case, upload=data["file"], title=data["title"], step=step
        )

    record, status, refusal = submit(request, form, upload)
    if record is not None:
        messages.success(request, _("已上传材料“%(title)s”") % {"title": record.title})
        return redirect(reverse("recruitment:case_detail", args=[case.pk]) + "?tab=files")
    context = _detail_context(request, case, "files", file_form=form, upload_refusal=refusal)
    return render(request, "recruitment/detail.html", context, status=status)


@login_required
def case_file_download(request, pk, file_pk):
    """Attached files are served here, scoped and audited: never from a public media URL."""
    case = selectors.get_case_or_404(request.user, pk)
    try:
        case_file = CaseFile.objects.get(pk=int(file_pk), case=case)
    except (CaseFile.DoesNotExist, ValueError):
        raise Http404(_("材料不存在")) from None
    case_file = services.case_file_download(actor=request.user, case_file=case_file)
    try:
        handle = case_file.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("材料文件已丢失，请联系管理员")) from None
    suffix = case_file.file.name.rsplit(".", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=f"{case.person_name}-{case_file.title}.{suffix}")
