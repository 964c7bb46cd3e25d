"""Compliance pages (/orglife/compliance/): a committee's heat map (organization × month) with its table and
.xlsx, a branch's checklist for this month, quarter and year, members' study hours, a member's own hours, and
the ledger download. Thin: resolve the organization in scope (404 outside it), read, render."""

from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import push_url

from dangjian.core import audit, periods, scoping
from dangjian.core.pages import partial
from dangjian.members.selectors import selfservice
from dangjian.orgs import selectors as org_selectors
from dangjian.orgs.models import Organization, OrgKind

from . import ledger as ledger_export
from . import rules
from . import selectors_compliance as selectors
from .forms_compliance import ComplianceFilterForm, HoursFilterForm, parse_year, year_choices
from .models import MeetingKind

HEAT_ROWS_LIMIT = 200
HOURS_PAGE_SIZE = 50
WITHIN_CHOICES_LIMIT = 200


def _optional_url(name: str, *args) -> str | None:
    """A link into a page of another part of the module, if it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _within_choices(user, current: Organization) -> list[tuple[int, str]]:
    """The scope's root and the organizations under it that have organizations under them (committees, 总支),
    plus the one chosen, wherever it lies."""
    root = scoping.get_org_or_404(user, user.org_id)
    below = (
        scoping.scoped(Organization.objects.active(), user)
        .filter(parent=root)
        .exclude(kind=OrgKind.GROUP)
        .order_by("sort_order", "id")
    )
    choices = [(root.pk, root.name)] + [(org.pk, f"　{org.name}") for org in below[:WITHIN_CHOICES_LIMIT]]
    if all(pk != current.pk for pk, _label in choices):
        choices.append((current.pk, current.name))
    return choices


def _crumbs(user, org: Organization | None, *tail) -> list[tuple[str, str | None]]:
    crumbs = [(_("组织生活合规"), reverse("orglife:compliance:index"))]
    if org is not None:
        for ancestor in org_selectors.breadcrumbs(user=user, org=org)[:-1]:
            crumbs.append((ancestor.name, f"{reverse('orglife:compliance:index')}?within={ancestor.pk}"))
        crumbs.append((org.name, None))
    return crumbs + list(tail)


# --- the heat map --------------------------------------------------------------------------------------------

# Colour bands of a decided cell (share of the items due met); each also has an icon and a word.
BANDS = (
    (100, "hm-4", "check-circle-fill", gettext_lazy("全部落实")),
    (80, "hm-3", "check-circle", gettext_lazy("80%及以上")),
    (50, "hm-2", "exclamation-circle", gettext_lazy("50%至80%")),
    (0, "hm-1", "x-circle-fill", gettext_lazy("不足50%")),
)


def _cell(cell: selectors.Cell) -> dict:
    if cell.state == "none":
        return {"text": "—", "css": "hm-none", "icon": "", "word": _("无应开事项"), "value": None}
    text = f"{cell.met}/{cell.due}"
    if cell.state == "open":
        return {"text": text, "css": "hm-open", "icon": "hourglass-split", "word": _("进行中"), "value": -1}
    share = cell.share
    for low, css, icon, word in BANDS:
        if share >= low:
            return {"text": text, "css": css, "icon": icon, "word": str(word), "value": share}
    raise AssertionError(share)  # pragma: no cover


def _heat_context(request, report: selectors.ComplianceReport, year: int, domain: str) -> dict:
    rows, summarized = selectors.heat_rows(report, limit=HEAT_ROWS_LIMIT)
    labels = selectors.column_labels(year)
    base = {"year": year, **({"domain": domain} if domain else {})}
    display = []
    for row in rows:
        if row.summarized:
            url = f"{reverse('orglife:compliance:index')}?{urlencode({'within': row.org_id, **base})}"
        else:
            url = f"{reverse('orglife:compliance:checklist')}?{urlencode({'org': row.org_id, 'year': year})}"
        display.append({"row": row, "url": url, "cells": [_cell(cell) for cell in row.cells]})
    chart = {
        "x": labels,
        "y": [d["row"].name for d in display],
        "cells": [
            [x, y, cell["value"], cell["text"], cell["word"]]
            for y, d in enumerate(display)
            for x, cell in enumerate(d["cells"])
            if cell["value"] is not None
        ],
        "bands": [{"min": low, "label": str(word)} for low, _css, _icon, word in BANDS],
        "open": _("进行中"),
    }
    owing = report.with_requirements
    return {
        "report": report,
        "rows": display,
        "summarized": summarized,
        "columns": list(zip(labels, selectors.column_states(year, report.today), strict=True)),
        "chart": chart,
        "rate": selectors.percent(report.rate),
        "owing": len(owing),
        "bands": BANDS,
        "export_url": f"{reverse('orglife:compliance:export')}?{urlencode({'within': report.root.pk, **base})}",
    }


@login_required
def index(request):
    user = request.user
    scoping.require_tree_role(user)
    if user.role == "branch_secretary" and not request.GET:
        # A branch secretary starts from their own branch's checklist.
        return redirect("orglife:compliance:checklist")
    today = timezone.localdate()
    root = selectors.compliance_root_or_404(user, request.GET.get("within") or None)
    year = parse_year(request.GET.get("year"), today)
    form = ComplianceFilterForm(
        {"within": root.pk, "year": year, "domain": request.GET.get("domain", "")},
        within_choices=_within_choices(user, root),
        year=year,
        today=today,
    )
    domain = form.domain_value()
    report = selectors.compliance_within(user=user, root=root, year=year, today=today, domain=domain)
    context = {
        "form": form,
        "org": root,
        "year": year,
        "crumbs": _crumbs(user, root),
        "hours_url": f"{reverse('orglife:compliance:hours')}?{urlencode({'within': root.pk, 'year': year})}",
        **_heat_context(request, report, year, domain),
    }
    if partial(request, "compliance-results"):
        response = render(request, "orglife/compliance/heatmap.html#results", context)
        query = urlencode({"within": root.pk, "year": year, **({"domain": domain} if domain else {})})
        return push_url(response, f"{reverse('orglife:compliance:index')}?{query}")
    return render(request, "orglife/compliance/heatmap.html", context)


@login_required
def export(request):
    """The heat map's numbers as .xlsx: every organization one by one, and every item."""
    user = request.user
    scoping.require_tree_role(user)
    today = timezone.localdate()
    root = selectors.compliance_root_or_404(user, request.GET.get("within") or None)
    year = parse_year(request.GET.get("year"), today)
    domain = request.GET.get("domain", "")
    domain = domain if domain in dict(Organization._meta.get_field("domain").choices) else ""
    report = selectors.compliance_within(user=user, root=root, year=year, today=today, domain=domain)
    content = ledger_export.heatmap_workbook(report)
    audit.export(
        actor=user,
        org=root,
        summary=_("导出组织生活落实情况（%(year)d年）：%(n)d 个组织")
        % {"year": year, "n": len(report.with_requirements)},
        after={"year": year, "domain": domain, "organizations": len(report.with_requirements)},
    )
    name = _("%(org)s组织生活落实情况_%(year)d.xlsx") % {"org": root.name, "year": year}
    response = HttpResponse(content, content_type=ledger_export.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# --- a branch's checklist --------------------------------------------------------------------------------------


def _item(status: rules.PeriodStatus, org: selectors.OrgCompliance, record_url: str | None) -> dict:
    link = None
    if record_url and status.state != rules.MET:
        link = f"{record_url}?{urlencode({'org': org.org_id, 'kind': status.meeting_kind})}"
    return {
        "org": org,
        "status": status,
        "kind_label": MeetingKind(status.meeting_kind).label,
        "record_url": link,
    }


def _grid(org: selectors.OrgCompliance) -> list[dict]:
    """Rows of the year grid: one per meeting kind, its periods laid over the twelve months."""
    rows: dict[str, dict] = {}
    for status in org.statuses:
        row = rows.setdefault(
            status.meeting_kind,
            {
                "kind_label": MeetingKind(status.meeting_kind).label,
                "period_kind": status.period.kind,
                "cells": [],
            },
        )
        row["cells"].append(status)
    for row in rows.values():
        span = {periods.MONTH: 1, periods.QUARTER: 3, periods.YEAR: 12}[row["period_kind"]]
        cells, month = [], 1
        for status in row["cells"]:
            start = status.period.start.month
            if start > month:
                cells.append({"status": None, "span": start - month})
            cells.append({"status": status, "span": span})
            month = start + span
        if month <= 12:
            cells.append({"status": None, "span": 13 - month})
        row["cells"] = cells
    return list(rows.values())


@login_required
def checklist(request):
    user = request.user
    scoping.require_tree_role(user)
    today = timezone.localdate()
    org = scoping.get_org_or_404(user, request.GET.get("org") or user.org_id)
    year = parse_year(request.GET.get("year"), today)
    found = selectors.org_with_groups(org, year, today)
    own, groups = found[0], found[1:]
    record_url = _optional_url("orglife:meeting_create")
    current = year == today.year
    month, quarter = periods.period_of(today, periods.MONTH), periods.period_of(today, periods.QUARTER)
    sections = []
    if current:
        sections = [
            (
                _("本月（%(label)s）") % {"label": month.label},
                [_item(s, own, record_url) for s in own.statuses if s.period == month],
            ),
            (
                _("本季度（%(label)s）") % {"label": quarter.label},
                [_item(s, own, record_url) for s in own.statuses if s.period == quarter],
            ),
            (
                _("本年度（%(year)d年）") % {"year": year},
                [_item(s, own, record_url) for s in own.statuses if s.period.kind == periods.YEAR],
            ),
        ]
        group_items = [_item(s, g, record_url) for g in groups for s in g.statuses if s.period == month]
        if group_items:
            sections.append((_("党小组本月"), group_items))
    missed = [_item(s, o, record_url) for o in found for s in o.statuses if s.state == rules.MISSED]
    this_month = [s for s in own.statuses if s.period == month] if current else []
    context = {
        "org": org,
        "own": own,
        "groups": groups,
        "year": year,
        "today": today,
        "current": current,
        "years": year_choices(today, year),
        "sections": sections,
        "missed": missed,
        "grid": _grid(own),
        "group_grids": [(g, _grid(g)) for g in groups if g.statuses],
        "month_labels": selectors.column_labels(year)[:12],
        "rate": selectors.percent(own.rate),
        "month_due": len(this_month),
        "month_met": sum(1 for s in this_month if s.state == rules.MET),
        "record_url": record_url,
        "ledger_url": f"{reverse('orglife:compliance:ledger')}?{urlencode({'org': org.pk, 'year': year})}",
        "hours_url": f"{reverse('orglife:compliance:hours')}?{urlencode({'within': org.pk, 'year': year})}",
        "map_url": f"{reverse('orglife:compliance:index')}?{urlencode({'within': org.pk, 'year': year})}",
        "crumbs": _crumbs(user, org, (_("落实清单"), None)),
    }
    return render(request, "orglife/compliance/checklist.html", context)


@login_required
def ledger(request):
    user = request.user
    scoping.require_tree_role(user)
    today = timezone.localdate()
    org = scoping.get_org_or_404(user, request.GET.get("org") or user.org_id)
    data = selectors.ledger_of(
        user=user, org=org, year=parse_year(request.GET.get("year"), today), today=today
    )
    return ledger_export.response(data, actor=user)


# --- study hours ------------------------------------------------------------------------------------------------


@login_required
def hours(request):
    user = request.user
    scoping.require_tree_role(user)
    today = timezone.localdate()
    root = selectors.compliance_root_or_404(user, request.GET.get("within") or None)
    year = parse_year(request.GET.get("year"), today)
    form = HoursFilterForm(
        {**request.GET.dict(), "within": root.pk, "year": year},
        within_choices=_within_choices(user, root),
        year=year,
        today=today,
    )
    below, cadre = form.below_value(), form.cadre_value()
    everyone = selectors.study_hours_within(user=user, root=root, year=year, today=today)
    shown = [p for p in everyone if (not below or p.below) and (cadre is None or p.is_cadre == cadre)]
    page = Paginator(shown, HOURS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {"within": root.pk, "year": year}
    if below:
        query["below"] = "1"
    if cadre is not None:
        query["cadre"] = "1" if cadre else "0"
    cadres = [p for p in everyone if p.is_cadre]
    context = {
        "form": form,
        "org": root,
        "year": year,
        "page": page,
        "query": urlencode(query),
        "total": len(everyone),
        "below_count": sum(1 for p in everyone if p.below),
        "cadres": len(cadres),
        "cadres_below": sum(1 for p in cadres if p.below),
        "average": (sum(p.hours for p in everyone) / len(everyone)).quantize(selectors.TENTH)
        if everyone
        else None,
        "member_hours": rules.required_hours(False, **_hour_settings()),
        "cadre_hours": rules.required_hours(True, **_hour_settings()),
        "crumbs": _crumbs(user, root, (_("学习培训学时"), None)),
    }
    if partial(request, "hours-results"):
        response = render(request, "orglife/compliance/hours.html#results", context)
        return push_url(response, f"{reverse('orglife:compliance:hours')}?{urlencode(query)}")
    return render(request, "orglife/compliance/hours.html", context)


def _hour_settings() -> dict:
    from django.conf import settings

    return {
        "member_hours": settings.DANGJIAN_RULES["STUDY_HOURS_MEMBER"],
        "cadre_hours": settings.DANGJIAN_RULES["STUDY_HOURS_CADRE"],
    }


@login_required
def my_hours(request):
    """A member's own study hours (self-service)."""
    member = selfservice.own_member(request.user)
    title = _("我的学时")
    if member is None:
        return render(
            request, "members/selfservice/unlinked.html", {"title": title, "crumbs": [(title, None)]}
        )
    today = timezone.localdate()
    year = parse_year(request.GET.get("year"), today)
    summary, sessions = selectors.member_study_hours(member, year, today)
    share = min(100, int(100 * summary.hours / summary.required)) if summary.required else 100
    context = {
        "member": member,
        "summary": summary,
        "sessions": sessions,
        "year": year,
        "share": share,
        "years": [value for value, _label in year_choices(today, year)],
        "crumbs": [(title, None)],
    }
    return render(request, "orglife/compliance/my_hours.html", context)
