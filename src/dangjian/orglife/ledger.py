"""组织生活台账: one organization's year as an .xlsx workbook (XlsxWriter), printable on A4 landscape.

Three sheets: every held meeting (its 党小组's too), the compliance grid (meeting kind × period, 已开/应开, with
the state written out, never colour alone), and each member's study hours against the requirement.
"""

import datetime as dt
import io
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import audit, periods

from . import rules
from .models import MeetingKind
from .selectors_compliance import (
    YEAR_COLUMN,
    Cell,
    ComplianceReport,
    Ledger,
    OrgCompliance,
    column_labels,
    column_of,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD_NAMES = {
    periods.MONTH: gettext_lazy("每月"),
    periods.QUARTER: gettext_lazy("每季度"),
    periods.YEAR: gettext_lazy("每年"),
}


def _formats(book) -> dict:
    border = {"border": 1, "valign": "vcenter"}
    return {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "font_color": "#C8161D"}),
        "note": book.add_format({"font_color": "#5D6470", "align": "center"}),
        "head": book.add_format(
            {**border, "bold": True, "bg_color": "#F2F3F5", "align": "center", "text_wrap": True}
        ),
        "cell": book.add_format(border),
        "wrap": book.add_format({**border, "text_wrap": True}),
        "center": book.add_format({**border, "align": "center"}),
        "date": book.add_format({**border, "num_format": "yyyy-mm-dd", "align": "center"}),
        "hours": book.add_format({**border, "num_format": "0.0"}),
        "pct": book.add_format({**border, "num_format": "0.0%"}),
        "met": book.add_format({**border, "align": "center", "bg_color": "#E7F4EC", "font_color": "#1E6B3B"}),
        "missed": book.add_format(
            {**border, "align": "center", "bg_color": "#FBEAEA", "font_color": "#B0141A", "bold": True}
        ),
        "open": book.add_format(
            {**border, "align": "center", "bg_color": "#FFF6E0", "font_color": "#8A4B00"}
        ),
        "none": book.add_format({**border, "align": "center", "font_color": "#9AA1AB"}),
    }


def _page(sheet, header_rows: int, columns: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, header_rows - 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.freeze_panes(header_rows, 0)
    sheet.set_footer("&C" + _("第 &P 页，共 &N 页"))


def _title(sheet, fmt, width: int, text: str, note: str) -> None:
    sheet.merge_range(0, 0, 0, width - 1, text, fmt["title"])
    sheet.merge_range(1, 0, 1, width - 1, note, fmt["note"])


def _kind_label(kind: str) -> str:
    return str(MeetingKind(kind).label)


def _meetings(book, fmt, ledger: Ledger, note: str) -> None:
    sheet = book.add_worksheet(_("会议活动"))
    heads = [
        _("序号"),
        _("日期"),
        _("组织"),
        _("类型"),
        _("主题"),
        _("地点"),
        _("主持人"),
        _("实到"),
        _("应到"),
        _("学时"),
    ]
    _title(
        sheet,
        fmt,
        len(heads),
        _("%(org)s组织生活台账（%(year)d年）") % {"org": ledger.org.name, "year": ledger.year},
        note,
    )
    sheet.write_row(2, 0, heads, fmt["head"])
    for column, width in enumerate((6, 12, 18, 12, 40, 16, 10, 7, 7, 7)):
        sheet.set_column(column, column, width)
    _page(sheet, 3, len(heads))
    for index, meeting in enumerate(ledger.meetings, start=1):
        row = 2 + index
        sheet.write_number(row, 0, index, fmt["center"])
        sheet.write_datetime(row, 1, meeting.held_on, fmt["date"])
        sheet.write(row, 2, meeting.org.name, fmt["cell"])
        sheet.write(row, 3, _kind_label(meeting.kind), fmt["cell"])
        sheet.write(row, 4, meeting.topic, fmt["wrap"])
        sheet.write(row, 5, meeting.place, fmt["cell"])
        sheet.write(row, 6, meeting.host, fmt["cell"])
        sheet.write_number(row, 7, meeting.present, fmt["center"])
        sheet.write_number(row, 8, meeting.listed, fmt["center"])
        sheet.write_number(row, 9, float(meeting.hours), fmt["hours"])
    if not ledger.meetings:
        sheet.merge_range(3, 0, 3, len(heads) - 1, _("本年度尚无已召开的会议活动记录"), fmt["none"])


STATE_WORDS = {
    rules.MET: gettext_lazy("已开"),
    rules.MISSED: gettext_lazy("未开"),
    rules.OPEN: gettext_lazy("进行中"),
}


def _cell_text(status: rules.PeriodStatus) -> str:
    return f"{status.held}/{status.required} {STATE_WORDS[status.state]}"


def _grid(book, fmt, ledger: Ledger, note: str) -> None:
    sheet = book.add_worksheet(_("合规情况"))
    quarters = [_("一季度"), _("二季度"), _("三季度"), _("四季度")]
    months = column_labels(ledger.year)[:YEAR_COLUMN]
    heads = [
        _("组织"),
        _("会议类型"),
        _("要求"),
        *months,
        *quarters,
        _("全年"),
        _("应开"),
        _("已开"),
        _("落实率"),
    ]
    _title(
        sheet,
        fmt,
        len(heads),
        _("%(org)s组织生活落实情况（%(year)d年）") % {"org": ledger.org.name, "year": ledger.year},
        note + _("　每格为 已开/应开 次数（谈心谈话为 已谈/应谈 人数）；进行中指周期尚未结束"),
    )
    sheet.write_row(2, 0, heads, fmt["head"])
    sheet.set_row(2, 30)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 8)
    sheet.set_column(3, 3 + 12 + 4, 9)
    sheet.set_column(3 + 17, 3 + 19, 7)
    _page(sheet, 3, len(heads))
    row = 3
    for org in ledger.compliance:
        row = _grid_rows(sheet, fmt, org, row)
    if row == 3:
        sheet.merge_range(3, 0, 3, len(heads) - 1, _("该组织本年度没有须按期召开的会议"), fmt["none"])


def _grid_rows(sheet, fmt, org: OrgCompliance, row: int) -> int:
    by_kind: dict[str, list[rules.PeriodStatus]] = {}
    for status in org.statuses:
        by_kind.setdefault(status.meeting_kind, []).append(status)
    for kind, statuses in by_kind.items():
        period_kind = statuses[0].period.kind
        sheet.write(row, 0, org.name, fmt["cell"])
        sheet.write(row, 1, _kind_label(kind), fmt["cell"])
        sheet.write(row, 2, str(PERIOD_NAMES[period_kind]), fmt["center"])
        for column in range(3, 3 + 17):
            sheet.write_blank(row, column, None, fmt["none"])
        for status in statuses:
            if period_kind == periods.MONTH:
                column = 3 + status.period.start.month - 1
            elif period_kind == periods.QUARTER:
                column = 3 + 12 + (status.period.start.month - 1) // 3
            else:
                column = 3 + 16
            sheet.write(row, column, _cell_text(status), fmt[status.state])
        counted = [s for s in statuses if s.counted]
        met = sum(1 for s in counted if s.state == rules.MET)
        sheet.write_number(row, 3 + 17, len(counted), fmt["center"])
        sheet.write_number(row, 3 + 18, met, fmt["center"])
        if counted:
            sheet.write_number(row, 3 + 19, met / len(counted), fmt["pct"])
        else:
            sheet.write(row, 3 + 19, "—", fmt["none"])
        row += 1
    return row


def _hours(book, fmt, ledger: Ledger, note: str) -> None:
    sheet = book.add_worksheet(_("党员学时"))
    heads = [
        _("序号"),
        _("姓名"),
        _("所在组织"),
        _("身份"),
        _("学时"),
        _("应达学时"),
        _("差额"),
        _("是否达标"),
    ]
    _title(
        sheet,
        fmt,
        len(heads),
        _("%(org)s党员学习培训学时（%(year)d年）") % {"org": ledger.org.name, "year": ledger.year},
        note + _("　计入已召开的党课和集中培训中本人出席的学时"),
    )
    sheet.write_row(2, 0, heads, fmt["head"])
    for column, width in enumerate((6, 10, 20, 14, 8, 9, 8, 9)):
        sheet.set_column(column, column, width)
    _page(sheet, 3, len(heads))
    for index, person in enumerate(ledger.hours, start=1):
        row = 2 + index
        sheet.write_number(row, 0, index, fmt["center"])
        sheet.write(row, 1, person.name, fmt["cell"])
        sheet.write(row, 2, person.org_name, fmt["cell"])
        sheet.write(row, 3, _("书记、委员") if person.is_cadre else _("党员"), fmt["cell"])
        sheet.write_number(row, 4, float(person.hours), fmt["hours"])
        sheet.write_number(row, 5, person.required, fmt["center"])
        sheet.write_number(row, 6, float(person.short), fmt["hours"])
        if person.below:
            sheet.write(row, 7, _("未达标"), fmt["missed"])
        else:
            sheet.write(row, 7, _("达标"), fmt["met"])
    if not ledger.hours:
        sheet.merge_range(3, 0, 3, len(heads) - 1, _("该组织没有党员"), fmt["none"])


def workbook(ledger: Ledger) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    book.set_properties({"title": _("组织生活台账"), "company": ledger.org.name, "subject": str(ledger.year)})
    fmt = _formats(book)
    note = _("单位：%(org)s　年度：%(year)d　截至 %(day)s") % {
        "org": ledger.org.name,
        "year": ledger.year,
        "day": f"{min(ledger.today, dt.date(ledger.year, 12, 31)):%Y-%m-%d}",
    }
    _meetings(book, fmt, ledger, note)
    _grid(book, fmt, ledger, note)
    _hours(book, fmt, ledger, note)
    book.close()
    return output.getvalue()


def filename(ledger: Ledger) -> str:
    return _("%(org)s组织生活台账_%(year)d.xlsx") % {"org": ledger.org.name, "year": ledger.year}


def response(ledger: Ledger, *, actor) -> HttpResponse:
    """The workbook handed to `actor`: it lists members by name with their hours, so it is audited (export)."""
    reply = HttpResponse(workbook(ledger), content_type=XLSX)
    audit.export(
        actor=actor,
        org=ledger.org,
        summary=_("导出组织生活台账（%(year)d年）：会议 %(meetings)d 次，党员学时 %(n)d 人")
        % {"year": ledger.year, "meetings": len(ledger.meetings), "n": len(ledger.hours)},
        after={"year": ledger.year, "meetings": len(ledger.meetings), "members": len(ledger.hours)},
    )
    reply["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename(ledger))}"
    return reply


# --- the heat map's numbers ----------------------------------------------------------------------------------


def heatmap_workbook(report: ComplianceReport) -> bytes:
    """Every organization owing something, one by one: per month (and for the year's items) the items due met
    out of those due, and the totals — the numbers behind the heat map page. Each item is in the API
    (/api/v1/compliance) and in an organization's ledger."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
    book.set_properties({"title": _("组织生活落实情况"), "company": report.root.name})
    fmt = _formats(book)
    note = _("范围：%(org)s及其下级组织　年度：%(year)d　截至 %(day)s") % {
        "org": report.root.name,
        "year": report.year,
        "day": f"{min(report.today, dt.date(report.year, 12, 31)):%Y-%m-%d}",
    }
    owing = report.with_requirements

    sheet = book.add_worksheet(_("按组织"))
    labels = column_labels(report.year)
    heads = [_("组织"), _("类别"), *labels, _("应开"), _("已开"), _("未开"), _("进行中"), _("落实率")]
    _title(
        sheet,
        fmt,
        len(heads),
        _("%(org)s组织生活落实情况（%(year)d年）") % {"org": report.root.name, "year": report.year},
        note + _("　每格为当月到期事项的 已落实/应落实"),
    )
    sheet.write_row(2, 0, heads, fmt["head"])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 8)
    sheet.set_column(2, 2 + YEAR_COLUMN, 7)
    sheet.set_column(3 + YEAR_COLUMN, 7 + YEAR_COLUMN, 8)
    _page(sheet, 3, len(heads))
    for offset, org in enumerate(owing):
        row = 3 + offset
        sheet.write(row, 0, "　" * max(0, org.depth - report.root.depth) + org.name, fmt["cell"])
        sheet.write(row, 1, org.kind_label, fmt["cell"])
        cells = [Cell() for _column in range(YEAR_COLUMN + 1)]
        for status in org.statuses:
            cells[column_of(status)].add(status)
        for column, cell in enumerate(cells):
            if cell.state == "none":
                sheet.write(row, 2 + column, "", fmt["none"])
            else:
                sheet.write(row, 2 + column, f"{cell.met}/{cell.due}", fmt[_CELL_FORMATS[cell.state]])
        first = 3 + YEAR_COLUMN
        sheet.write_number(row, first, org.counted, fmt["center"])
        sheet.write_number(row, first + 1, org.met, fmt["center"])
        sheet.write_number(row, first + 2, org.missed, fmt["center"])
        sheet.write_number(row, first + 3, org.open, fmt["center"])
        if org.rate is None:
            sheet.write(row, first + 4, "—", fmt["none"])
        else:
            sheet.write_number(row, first + 4, float(org.rate), fmt["pct"])

    book.close()
    return output.getvalue()


_CELL_FORMATS = {"met": "met", "missed": "missed", "open": "open"}
