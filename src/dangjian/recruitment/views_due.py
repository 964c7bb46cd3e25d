"""The due list (到期提醒): who is due for what in the next N days and what is overdue, per branch and
committee, with the rule; and its export as .xlsx (the same rows)."""

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import audit, scoping
from dangjian.core.pages import partial
from dangjian.orgs.models import Organization

from . import rules, selectors
from .forms import DueFilterForm
from .views_common import crumbs, within_choices, within_org

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Due items the 基层党委 handles (the pre-review's notice, approvals); the others are the branch's.
COMMITTEE_DUES = frozenset({"notice_running", "approval", "conversion_approval"})


@dataclass(frozen=True)
class DueRow:
    item: selectors.DueItem
    handler: str  # the organization that has to act: the branch, or the committee above it
    by_committee: bool

    @property
    def days_overdue(self) -> int:
        return 0 if self.item.due.informational else max(0, -self.item.days_left)

    @property
    def status(self) -> str:
        if self.item.due.informational:
            return "running"
        return "overdue" if self.item.overdue else "due"


def _rows(items: list[selectors.DueItem]) -> list[DueRow]:
    approvers: dict[int, Organization | None] = {}
    branches = {o.pk: o for o in Organization.objects.filter(pk__in={i.org_id for i in items})}
    rows = []
    for item in items:
        by_committee = item.code in COMMITTEE_DUES
        handler = item.org_name
        if by_committee:
            if item.org_id not in approvers:
                approvers[item.org_id] = selectors.approving_org(branches[item.org_id])
            found = approvers[item.org_id]
            handler = found.name if found else _("上级党委")
        rows.append(DueRow(item=item, handler=handler, by_committee=by_committee))
    return rows


def _due(request):
    scoping.require_tree_role(request.user)
    current = within_org(request)
    form = DueFilterForm(request.GET, within_choices=within_choices(request.user, current))
    values = form.values()
    today = timezone.localdate()
    items = selectors.due_within(
        user=request.user, within=current, days=values["days"], today=today, overdue_only=values["overdue"]
    )
    return form, values, current, today, _rows(items)


@login_required
def due_list(request):
    form, values, current, today, rows = _due(request)
    per_org: dict[str, Counter] = {}
    for row in rows:
        per_org.setdefault(row.handler, Counter())[row.status] += 1
    query = urlencode([(k, v) for k, v in request.GET.items() if v])
    context = {
        "form": form,
        "values": values,
        "within": current,
        "rows": rows,
        "today": today,
        "cards": {
            "overdue": sum(1 for r in rows if r.status == "overdue"),
            "due": sum(1 for r in rows if r.status == "due"),
            "running": sum(1 for r in rows if r.status == "running"),
            "lapsed": sum(1 for r in rows if r.item.lapsed),
        },
        "per_org": sorted(per_org.items(), key=lambda kv: (-kv[1]["overdue"], kv[0])),
        "export_url": reverse("recruitment:due_export") + (f"?{query}" if query else ""),
        "crumbs": crumbs((_("到期提醒"), None)),
    }
    if partial(request, "due-results"):
        return render(request, "recruitment/due.html#results", context)
    return render(request, "recruitment/due.html", context)


STATUS_LABELS = {
    "overdue": gettext_lazy("逾期"),
    "due": gettext_lazy("即将到期"),
    "running": gettext_lazy("公示中"),
}


def workbook(rows: list[DueRow], today: dt.date, days: int) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(_("到期提醒"))
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    text = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    date = book.add_format({"border": 1, "num_format": "yyyy-mm-dd", "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})
    sheet.write(0, 0, _("发展党员到期提醒（%(day)s，%(n)d 天内及逾期）") % {"day": today, "n": days}, title)
    headers = [
        _("状态"),
        _("姓名"),
        _("所在党支部"),
        _("办理单位"),
        _("事项"),
        _("步骤"),
        _("依据"),
        _("应办日期"),
        _("剩余天数"),
        _("最迟日期"),
    ]
    widths = [10, 10, 18, 18, 34, 24, 22, 12, 10, 12]
    for col, (label, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write(2, col, label, head)
        sheet.set_column(col, col, width)
    for index, row in enumerate(rows, start=3):
        item = row.item
        sheet.write(index, 0, str(STATUS_LABELS[row.status]), text)
        sheet.write(index, 1, item.person_name, text)
        sheet.write(index, 2, item.org_name, text)
        sheet.write(index, 3, row.handler, text)
        sheet.write(index, 4, item.due.title, text)
        sheet.write(index, 5, rules.step_label(item.due.step), text)
        sheet.write(index, 6, item.due.source, text)
        sheet.write_datetime(index, 7, dt.datetime.combine(item.due.due_on, dt.time()), date)
        sheet.write_number(index, 8, item.days_left, text)
        if item.due.last_on:
            sheet.write_datetime(index, 9, dt.datetime.combine(item.due.last_on, dt.time()), date)
        else:
            sheet.write(index, 9, "", text)
    sheet.freeze_panes(3, 0)
    book.close()
    return output.getvalue()


@login_required
def due_export(request):
    _form, values, current, today, rows = _due(request)
    response = HttpResponse(workbook(rows, today, values["days"]), content_type=XLSX)
    # The list names people in development: handing it out is audited.
    audit.export(
        actor=request.user,
        org=current or request.user.org,
        summary=_("导出发展党员到期提醒 %(n)d 条（%(people)d 人）")
        % {"n": len(rows), "people": len({row.item.case_id for row in rows})},
        after={"days": values["days"], "overdue_only": bool(values["overdue"]), "rows": len(rows)},
    )
    name = _("发展党员到期提醒-%(day)s.xlsx") % {"day": f"{today:%Y%m%d}"}
    response["Content-Disposition"] = (
        f"attachment; filename=\"development-due-{today:%Y%m%d}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response
