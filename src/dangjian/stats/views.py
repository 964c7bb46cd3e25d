"""The statistics page (charts with their numbers beside them) and its .xlsx export."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.members.codes import ETHNICITIES, HAN
from dangjian.members.models import Category, Gender, Status
from dangjian.orgs import selectors as org_selectors
from dangjian.orgs.models import Domain

from . import export, selectors

# Shorter names for the charts' axes, by the row's key; the tables beside them keep the full names. Those with
# words are marked with gettext_noop and shown through gettext; the dates alone need no translation.
SHORT_LABELS = {
    "1937年7月6日及以前": gettext_noop("1937.7.6及以前"),
    "1937年7月7日至1945年9月2日": "1937.7.7—1945.9.2",
    "1945年9月3日至1949年9月": "1945.9.3—1949.9",
    "1949年10月至1966年4月": "1949.10—1966.4",
    "1966年5月至1976年10月": "1966.5—1976.10",
    "1976年11月至1978年12月": "1976.11—1978.12",
    "1979年1月至2002年10月": "1979.1—2002.10",
    "2002年11月至2012年10月": "2002.11—2012.10",
    "2012年11月至2022年10月": "2012.11—2022.10",
    "2022年11月以后": gettext_noop("2022.11以后"),
    "企事业单位、社会组织专业技术人员": gettext_noop("专业技术人员"),
    "企事业单位、社会组织管理人员": gettext_noop("管理人员"),
}


WIDE_CHARTS = frozenset({"join_year_band", "occupation"})


def _chart(key: str, kind: str, title: str, icon: str, rows: list[tuple[str, int, str]], head: str) -> dict:
    """One chart card (core/_chart_card.html): the chart is drawn from `rows`, which it also prints."""
    return {
        "key": key,
        "type": kind,
        "title": title,
        "icon": icon,
        "rows": rows,
        "head": head,
        "unit": _("人数（名）"),
    }


def _rows(mapping: dict, labels: dict | None = None) -> list[tuple[str, int, str]]:
    # Without labels the keys are the Chinese labels themselves (bands, code tables), marked with gettext_noop.
    return [(str(labels[key]) if labels else _(key), n, key) for key, n in mapping.items()]


def _chart_cards(stats: selectors.MemberStats) -> list[dict]:
    ethnicity = [
        (_("汉族"), stats.ethnicity["han"], "han"),
        (_("少数民族"), stats.ethnicity["minority"], "minority"),
    ]
    if stats.ethnicity["other"]:
        ethnicity.append((_("其他"), stats.ethnicity["other"], "other"))
    han = dict(ETHNICITIES)[HAN]  # the groups' keys are the code table's Chinese labels
    minorities = [(_(name), n, name) for name, n in stats.ethnic_groups.items() if name != han]
    cards = [
        _chart(
            "gender",
            "pie",
            _("性别"),
            "gender-ambiguous",
            _rows(stats.gender, dict(Gender.choices)),
            _("性别"),
        ),
        _chart("ethnicity", "pie", _("民族"), "people", ethnicity, _("民族")),
        _chart(
            "category",
            "pie",
            _("人员类别"),
            "person-check",
            _rows(stats.category, dict(Category.choices)),
            _("人员类别"),
        ),
        _chart(
            "status",
            "bar",
            _("党籍状态"),
            "person-lines-fill",
            _rows(stats.status, dict(Status.choices)),
            _("党籍状态"),
        ),
        _chart("age_band", "bar", _("年龄"), "hourglass-split", _rows(stats.age_band), _("年龄段")),
        _chart(
            "join_year_band", "bar", _("入党时间"), "calendar3", _rows(stats.join_year_band), _("入党时间")
        ),
        _chart("education", "bar", _("学历"), "mortarboard", _rows(stats.education), _("学历")),
        _chart("occupation", "bar", _("职业"), "briefcase", _rows(stats.occupation), _("职业")),
        _chart(
            "domain", "bar", _("所在党组织领域"), "grid", _rows(stats.domain, dict(Domain.choices)), _("领域")
        ),
    ]
    if minorities:
        cards.insert(
            2, _chart("minorities", "bar", _("少数民族党员（按民族）"), "people", minorities, _("民族"))
        )
    for card in cards:
        # Long labels get the whole width, so the bars keep room beside them; those cards come last.
        card["wide"] = card["key"] in WIDE_CHARTS
    cards.sort(key=lambda card: card["wide"])
    return cards


def _crumbs(user, org) -> list[tuple[str, str | None]]:
    crumbs = [(_("统计分析"), reverse("stats:members"))]
    ancestors = org_selectors.breadcrumbs(user=user, org=org)
    for ancestor in ancestors:
        crumbs.append((ancestor.name, f"{reverse('stats:members')}?within={ancestor.pk}"))
    return crumbs


@login_required
def member_stats(request):
    org = selectors.stats_root_or_404(request.user, request.GET.get("within"))
    stats = selectors.member_stats(org=org)
    children, own = selectors.children_rows(user=request.user, org=org)
    cards = _chart_cards(stats)
    context = {
        "org": org,
        "stats": stats,
        "summary": selectors.summary_lines(stats),
        "children": children,
        "own": own,
        "chart_cards": cards,
        "charts": {
            card["key"]: {
                "labels": [
                    _(SHORT_LABELS[key]) if key in SHORT_LABELS else label for label, _n, key in card["rows"]
                ],
                "values": [r[1] for r in card["rows"]],
            }
            for card in cards
        },
        "crumbs": _crumbs(request.user, org),
    }
    return render(request, "stats/members.html", context)


@login_required
def member_stats_export(request):
    org = selectors.stats_root_or_404(request.user, request.GET.get("within"))
    stats = selectors.member_stats(org=org)
    table = selectors.children_table(user=request.user, org=org, today=stats.as_of)
    content = export.workbook(stats, table)
    filename = _("%(org)s党员统计_%(day)s.xlsx") % {"org": org.name, "day": f"{stats.as_of:%Y%m%d}"}
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
