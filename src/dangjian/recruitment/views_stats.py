"""The member-development statistics page (年报 表13–15 shape, charts with their numbers) and its .xlsx."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.members.models import Gender
from dangjian.orgs import selectors as org_selectors

from . import stats
from .views_common import crumbs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_year(raw, today) -> int:
    """?year= as a year from 2000 to 2100; anything else is this year (never an error)."""
    raw = str(raw or "").strip()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year


def _card(key, kind, title, icon, mapping: dict, head: str) -> dict:
    rows = [(_(label), n, label) for label, n in mapping.items()]  # labels are the API keys, shown translated
    return {
        "key": key,
        "type": kind,
        "title": title,
        "icon": icon,
        "rows": rows,
        "head": head,
        "unit": _("人数（名）"),
        "wide": key == "occupation",
    }


@login_required
def development_stats(request):
    today = timezone.localdate()
    org = stats.stats_root_or_404(request.user, request.GET.get("within"))
    year = parse_year(request.GET.get("year"), today)
    figures = stats.development_stats(user=request.user, org=org, year=year, today=today)
    labels = stats.flow_labels()
    genders = dict(Gender.choices)
    cards = [
        _card(
            "gender",
            "pie",
            _("性别"),
            "gender-ambiguous",
            {str(genders[k]): n for k, n in figures.gender.items()},
            _("性别"),
        ),
        _card("age_band", "bar", _("接收时年龄"), "hourglass-split", figures.age_band, _("年龄段")),
        _card("education", "bar", _("学历"), "mortarboard", figures.education, _("学历")),
        _card("occupation", "bar", _("职业"), "briefcase", figures.occupation, _("职业")),
    ]
    pipeline = {stats.stage_label(stage): n for stage, n in figures.pipeline.items()}
    charts = {
        card["key"]: {"labels": [r[0] for r in card["rows"]], "values": [r[1] for r in card["rows"]]}
        for card in cards
    }
    charts["pipeline"] = {"labels": list(pipeline), "values": list(pipeline.values())}
    trend_series = [
        ("applied", labels["applied"]),
        ("admitted", labels["admitted"]),
        ("converted", labels["converted"]),
    ]
    charts["trend"] = {
        "years": [str(item["year"]) for item in figures.trend],
        "series": [
            {"name": str(name), "values": [item[key] for item in figures.trend]} for key, name in trend_series
        ],
    }
    trail = [(_("发展统计"), reverse("recruitment:stats"))]
    for ancestor in org_selectors.breadcrumbs(user=request.user, org=org):
        trail.append((ancestor.name, f"{reverse('recruitment:stats')}?within={ancestor.pk}&year={year}"))
    context = {
        "org": org,
        "year": year,
        "years": list(range(today.year, today.year - 10, -1)),
        "figures": figures,
        "total": figures.total,
        "labels": labels,
        "top_figures": [(key, labels[key], figures.total.counts[key]) for key in stats.FLOW_KEYS],
        "chart_cards": cards,
        "pipeline": pipeline,
        "trend_series": trend_series,
        "charts": charts,
        "crumbs": crumbs(*trail),
    }
    return render(request, "recruitment/stats/index.html", context)


@login_required
def development_stats_export(request):
    today = timezone.localdate()
    org = stats.stats_root_or_404(request.user, request.GET.get("within"))
    year = parse_year(request.GET.get("year"), today)
    figures = stats.development_stats(user=request.user, org=org, year=year, today=today)
    filename = _("%(org)s发展党员统计_%(year)s.xlsx") % {"org": org.name, "year": year}
    response = HttpResponse(stats.workbook(figures), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
