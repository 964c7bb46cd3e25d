"""The programme's documents: the application form (申报表) and certificates (证书) as Word, filled from
`doc_templates/*.docx` with docxtpl (a county may replace the templates, keeping their fields); the list of
designated sites as .xlsx (xlsxwriter). The same contexts feed the print-friendly pages, so the printed page
and the Word file never disagree."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.orgs.models import Domain

from . import scoring
from .metrics import METRICS
from .models import Application, Campaign, Method, Site, Tier

HERE = Path(__file__).resolve().parent / "doc_templates"
APPLICATION_TEMPLATE = HERE / "application_form.docx"
CERTIFICATE_TEMPLATE = HERE / "certificate.docx"


def chinese_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}


def _number(value) -> str:
    """A score or an area without trailing zeros (4.0 → 4, 87.50 → 87.5)."""
    if value is None:
        return ""
    return f"{Decimal(str(value)).normalize():f}"


def _domain(value: str) -> str:
    try:
        return str(Domain(value).label)
    except ValueError:
        return value


# --- 申报表 -----------------------------------------------------------------------------------------------------


def application_form_context(application: Application, today: dt.date | None = None) -> dict:
    """Everything the application form shows, as plain text values."""
    today = today or timezone.localdate()
    sheet = scoring.score_sheet(application, today)
    rows = []
    previous_group = None
    for criterion in sheet.criteria:
        if criterion.method == Method.MANUAL:
            mine = sheet.self_scores.get(criterion.code)
            self_score = _number(mine.score) if mine else ""
            note = mine.note if mine else ""
            method = _("人工评分")
        else:
            result = sheet.auto.get(criterion.code)
            metric = METRICS.get(criterion.metric)
            method = _("自动指标")
            if result is None:
                self_score, note = "", ""
            else:
                self_score = _number(criterion.max_score) if result.met else "0"
                note = result.explanation
            if metric is not None and not note:
                note = str(metric.label)
        rows.append(
            {
                "group": criterion.group if criterion.group != previous_group else "",
                "code": criterion.code,
                "title": criterion.title,
                "max_score": _number(criterion.max_score),
                "method": method,
                "self_score": self_score,
                "note": note,
            }
        )
        previous_group = criterion.group
    evidence = [
        {"name": item.name, "criterion": item.criterion.code if item.criterion_id else ""}
        for item in application.evidence.select_related("criterion").order_by("uploaded_at", "id")
    ]
    parts = application.total_score is not None
    parent = application.org.parent
    return {
        "title": _("党建示范点申报表"),
        "year": application.campaign.year,
        "campaign_title": application.campaign.title,
        "org_name": application.org.name,
        "parent_name": parent.name if parent else "",
        "domain_label": _domain(application.domain),
        "tier_label": str(Tier(application.tier).label),
        "state_label": application.get_state_display(),
        "catalogue_title": _("%(title)s（第 %(v)d 版）")
        % {"title": application.catalogue.title, "v": application.catalogue.version},
        "responsible": application.responsible,
        "site_area": _number(application.site_area),
        "plan_filed_on": chinese_date(application.plan_filed_on),
        "submitted_on": chinese_date(application.submitted_on),
        "goals": application.goals,
        "content": application.content,
        "schedule": application.schedule,
        "measures": application.measures,
        "features": application.features,
        "rows": rows,
        "self_part": _number(sheet.self_part),
        "max_total": _number(sum((c.max_score for c in sheet.criteria), start=0) or None) or "0",
        "evidence": evidence,
        "parts": parts,
        "mass_part": _number(application.mass_score),
        "org_part": _number(application.org_score),
        "total": _number(application.total_score),
        "printed_on": chinese_date(today),
    }


def _render(template: Path, context: dict, *, listings: tuple[str, ...] = ()) -> bytes:
    from docxtpl import DocxTemplate, Listing

    context = dict(context)
    for key in listings:
        context[key] = Listing(context[key] or "")
    document = DocxTemplate(template)
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def application_form_docx(application: Application) -> bytes:
    return _render(
        APPLICATION_TEMPLATE,
        application_form_context(application),
        listings=("goals", "content", "schedule", "measures", "features"),
    )


def application_form_filename(application: Application) -> str:
    return _("%(year)d年%(org)s党建示范点申报表.docx") % {
        "year": application.campaign.year,
        "org": application.org.name,
    }


# --- 证书 ---------------------------------------------------------------------------------------------------------


def issuer(campaign: Campaign) -> str:
    """Who issues the certificates: the county committee's organization department (方案三: 县级党建工作示范点由
    县委组织部统一进行授牌); a campaign run by a township committee, that committee."""
    org = campaign.org
    if org.is_grassroots:
        return org.name
    name = org.name if org.name.startswith("中共") else _("中共%(org)s") % {"org": org.name}
    return _("%(org)s组织部") % {"org": name}


def certificate_context(site: Site) -> dict:
    return {
        "org_name": site.org.name,
        "tier_label": str(Tier(site.tier).label),
        "year": site.campaign.year,
        "plaque_no": site.plaque_no,
        "issuer": issuer(site.campaign),
        "date": chinese_date(site.designated_on),
    }


def certificates_docx(sites: list[Site]) -> bytes:
    """One page per site (active ones; a revoked plaque gets no certificate)."""
    return _render(CERTIFICATE_TEMPLATE, {"certificates": [certificate_context(s) for s in sites]})


# --- the designated list ---------------------------------------------------------------------------------------


def designated_rows(sites: list[Site]) -> list[dict]:
    return [
        {
            "number": index,
            "plaque_no": site.plaque_no,
            "org_name": site.org.name,
            "domain": _domain(site.domain),
            "tier": str(Tier(site.tier).label),
            "year": site.campaign.year,
            "designated_on": f"{site.designated_on:%Y-%m-%d}",
            "total_score": _number(site.application.total_score),
            "commended": _("是") if site.commended else "",
            "state": _("在牌")
            if site.is_active
            else _("已摘牌（%(day)s）") % {"day": f"{site.revoked_on:%Y-%m-%d}"},
            "revoke_reason": site.revoke_reason,
        }
        for index, site in enumerate(sites, start=1)
    ]


DESIGNATED_COLUMNS = (
    ("number", gettext_lazy("序号"), 6),
    ("plaque_no", gettext_lazy("牌匾编号"), 26),
    ("org_name", gettext_lazy("党组织"), 30),
    ("domain", gettext_lazy("领域"), 14),
    ("tier", gettext_lazy("层级"), 8),
    ("year", gettext_lazy("年度"), 7),
    ("designated_on", gettext_lazy("授牌日期"), 12),
    ("total_score", gettext_lazy("综合得分"), 10),
    ("commended", gettext_lazy("七一表彰"), 9),
    ("state", gettext_lazy("状态"), 22),
    ("revoke_reason", gettext_lazy("摘牌原因"), 30),
)


def designated_xlsx(campaign: Campaign, sites: list[Site]) -> bytes:
    """The campaign's designated sites, ordered by tier and plaque number, with a title row."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("示范点名单"))
    title = workbook.add_format({"bold": True, "font_size": 14, "align": "center", "font_name": "宋体"})
    head = workbook.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2", "font_name": "宋体"})
    body = workbook.add_format({"border": 1, "font_name": "宋体"})
    sheet.merge_range(
        0, 0, 0, len(DESIGNATED_COLUMNS) - 1, _("%(title)s 党建示范点名单") % {"title": campaign.title}, title
    )
    for col, (_key, label, width) in enumerate(DESIGNATED_COLUMNS):
        sheet.write(1, col, str(label), head)
        sheet.set_column(col, col, width)
    for row_index, row in enumerate(designated_rows(sites), start=2):
        for col, (key, _label, _width) in enumerate(DESIGNATED_COLUMNS):
            sheet.write(row_index, col, row[key], body)
    sheet.freeze_panes(2, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(1)
    workbook.close()
    return buffer.getvalue()


def designated_filename(campaign: Campaign) -> str:
    return _("%(year)d年度党建示范点名单.xlsx") % {"year": campaign.year}


def active_first(sites) -> list[Site]:
    return sorted(sites, key=lambda s: (not s.is_active, s.tier, s.plaque_no))
