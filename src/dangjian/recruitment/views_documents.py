"""The Word documents of a case (下载 Word) and their print-friendly pages, and the public notices of
candidates (发展对象公示): the running ones in the user's scope and a branch's printable notice.

The public disclosure board (`/public/`, app `disclosure`) reads the running notices straight from the cases
(name, branch and period only); inside the platform they are on the case list (a panel) and at
`/recruitment/notices/`, with a printable notice to post up and a link to the branch's public board.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping
from dangjian.orgs.models import OrgKind

from . import documents, selectors, selectors_pages
from .views_common import crumbs, within_choices, within_org

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_response(template: str, context: dict, name: str, fallback: str) -> HttpResponse:
    response = HttpResponse(documents.render_docx(template, context), content_type=DOCX)
    response["Content-Disposition"] = documents.content_disposition(name, fallback)
    return response


@login_required
def document_docx(request, pk, kind):
    case = selectors.get_case_or_404(request.user, pk)
    document, context = documents.context_for(case, kind)
    name = f"{case.person_name}-{document.title}.docx"
    response = _docx_response(document.template, context, name, f"development-{case.pk}-{kind}")
    audit.export(
        actor=request.user,
        obj=case,
        org=case.org,
        summary=_("导出发展党员材料《%(title)s》（Word）：%(name)s")
        % {"title": document.title, "name": case.person_name},
    )
    return response


@login_required
def document_print(request, pk, kind):
    case = selectors.get_case_or_404(request.user, pk)
    document, context = documents.context_for(case, kind)
    return render(
        request,
        f"recruitment/print/{document.template}.html",
        {"case": case, "document": document, "doc": context, "kind": kind},
    )


# --- public notices ----------------------------------------------------------------------------------------


@login_required
def notice_list(request):
    scoping.require_tree_role(request.user)
    current = within_org(request)
    today = timezone.localdate()
    cases = selectors_pages.notices_within(user=request.user, within=current, today=today)
    batches: dict[tuple, dict] = {}  # one printed notice per branch and first day of notice
    for case in cases:
        if case.notice_running or case.notice_upcoming:
            key = (case.org_id, case.notice_starts_on)
            entry = batches.setdefault(key, {"org": case.org, "starts_on": case.notice_starts_on, "n": 0})
            entry["n"] += 1
    return render(
        request,
        "recruitment/notices.html",
        {
            "cases": cases,
            "batches": list(batches.values()),
            "within": current,
            "within_choices": within_choices(request.user, current),
            "today": today,
            "crumbs": crumbs((_("发展对象公示"), None)),
        },
    )


def _branch_notice(request, org_pk):
    branch = scoping.get_org_or_404(request.user, org_pk)
    if branch.kind != OrgKind.BRANCH:
        raise Http404(_("公示按党支部发布"))
    try:
        on = dt.date.fromisoformat(request.GET["on"]) if request.GET.get("on") else timezone.localdate()
        start = dt.date.fromisoformat(request.GET["start"]) if request.GET.get("start") else None
    except ValueError:
        raise Http404(_("日期格式应为 YYYY-MM-DD")) from None
    cases = selectors_pages.branch_notice_cases(user=request.user, branch=branch, on=on, start=start)
    return (
        branch,
        cases[0].notice_starts_on if cases else on,
        cases,
        documents.notice_context(cases, branch=branch),
    )


@login_required
def branch_notice_print(request, org_pk):
    branch, on, cases, context = _branch_notice(request, org_pk)
    return render(
        request,
        "recruitment/print/public_notice.html",
        {"doc": context, "branch": branch, "on": on, "cases": cases, "kind": "notice"},
    )


@login_required
def branch_notice_docx(request, org_pk):
    branch, on, cases, context = _branch_notice(request, org_pk)
    name = _("%(org)s-发展对象公示-%(day)s.docx") % {"org": branch.name, "day": f"{on:%Y%m%d}"}
    response = _docx_response("public_notice", context, name, f"development-notice-{branch.pk}-{on:%Y%m%d}")
    audit.export(
        actor=request.user,
        org=branch,
        summary=_("导出发展对象公示（Word）：%(n)d 人") % {"n": len(cases)},
        after={"starts_on": on, "cases": len(cases)},
    )
    return response
