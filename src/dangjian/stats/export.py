"""The statistics as an .xlsx workbook (XlsxWriter): a summary sheet with every breakdown, and the two annual
tables whose rows are the child organizations (党员基本情况, 党员入党时间情况). Printable on A4 landscape."""

import io

import xlsxwriter
from django.utils.translation import gettext as _

from dangjian.members import rules
from dangjian.members.models import Category, Gender, Status
from dangjian.orgs.models import Domain

from .selectors import EDUCATION_COLUMNS, MemberStats, TableRow


def _formats(book) -> dict:
    return {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "font_color": "#C8161D"}),
        "note": book.add_format({"font_color": "#5D6470", "align": "center"}),
        "head": book.add_format(
            {"bold": True, "bg_color": "#F2F3F5", "border": 1, "align": "center", "valign": "vcenter"}
        ),
        "section": book.add_format({"bold": True, "bg_color": "#FBEAEA", "border": 1}),
        "cell": book.add_format({"border": 1}),
        "num": book.add_format({"border": 1, "num_format": "#,##0"}),
        "pct": book.add_format({"border": 1, "num_format": "0.0%"}),
        "total": book.add_format({"border": 1, "bold": True, "num_format": "#,##0"}),
        "total_label": book.add_format({"border": 1, "bold": True}),
    }


def _page(sheet, columns: int, header_rows: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, header_rows - 1)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.freeze_panes(header_rows, 1)


def _translated(counts: dict[str, int]) -> list[tuple[str, int]]:
    # The keys are Chinese labels marked with gettext_noop (code tables, bands): English when the user reads
    # English, Chinese otherwise, like the rest of the workbook.
    return [(_(label), n) for label, n in counts.items()]


def _title(sheet, fmt, text: str, note: str, width: int) -> None:
    sheet.merge_range(0, 0, 0, width - 1, text, fmt["title"])
    sheet.merge_range(1, 0, 1, width - 1, note, fmt["note"])


def _summary(book, fmt, stats: MemberStats, title: str, note: str) -> None:
    sheet = book.add_worksheet(_("汇总"))
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 2, 12)
    _title(sheet, fmt, title, note, 3)
    sheet.write_row(2, 0, [_("项目"), _("人数"), _("占党员总数")], fmt["head"])
    _page(sheet, 3, 3)
    row = 3

    def section(name: str, items: list[tuple[str, int]]) -> None:
        nonlocal row
        sheet.merge_range(row, 0, row, 2, name, fmt["section"])
        row += 1
        for label, n in items:
            sheet.write(row, 0, label, fmt["cell"])
            sheet.write_number(row, 1, n, fmt["num"])
            sheet.write_number(row, 2, n / stats.total if stats.total else 0, fmt["pct"])
            row += 1

    section(_("党员总数"), [(_("党员总数（不含出党、去世、已转出）"), stats.total)])
    section(_("性别"), [(str(Gender(k).label), n) for k, n in stats.gender.items()])
    ethnicity = [(_("汉族"), stats.ethnicity["han"]), (_("少数民族"), stats.ethnicity["minority"])]
    if stats.ethnicity["other"]:
        ethnicity.append((_("其他"), stats.ethnicity["other"]))
    section(_("民族"), ethnicity)
    section(_("各民族"), _translated(stats.ethnic_groups))
    section(_("人员类别"), [(str(Category(k).label), n) for k, n in stats.category.items()])
    section(_("党籍状态"), [(str(Status(k).label), n) for k, n in stats.status.items()])
    section(_("年龄"), _translated(stats.age_band))
    section(_("入党时间"), _translated(stats.join_year_band))
    section(_("学历"), _translated(stats.education))
    section(_("职业"), _translated(stats.occupation))
    section(_("所在党组织领域"), [(str(Domain(k).label), n) for k, n in stats.domain.items()])
    sheet.merge_range(row, 0, row, 2, _("不计入党员总数"), fmt["section"])
    row += 1
    for key, n in stats.gone.items():
        sheet.write(row, 0, str(Status(key).label), fmt["cell"])
        sheet.write_number(row, 1, n, fmt["num"])
        sheet.write(row, 2, "", fmt["cell"])
        row += 1


def _table(book, fmt, name: str, title: str, note: str, heads: list[str], rows: list[TableRow], values):
    sheet = book.add_worksheet(name)
    width = len(heads) + 1
    _title(sheet, fmt, title, note, width)
    sheet.write_row(2, 0, [_("单位"), *heads], fmt["head"])
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, width - 1, 10)
    sheet.set_row(2, 36)
    _page(sheet, width, 3)
    for offset, row in enumerate(rows):
        is_total = row.org is None
        label_format, number_format = (
            (fmt["total_label"], fmt["total"]) if is_total else (fmt["cell"], fmt["num"])
        )
        sheet.write(3 + offset, 0, row.label, label_format)
        for column, value in enumerate(values(row), start=1):
            sheet.write_number(3 + offset, column, value, number_format)


def workbook(stats: MemberStats, table: list[TableRow]) -> bytes:
    """The workbook's bytes; built in memory (a few sheets of at most a few hundred rows)."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    book.set_properties({"title": _("党员统计"), "company": stats.org.name})
    fmt = _formats(book)
    note = _("统计范围：%(org)s及其下级组织　截至 %(day)s") % {
        "org": stats.org.name,
        "day": f"{stats.as_of:%Y-%m-%d}",
    }
    _summary(book, fmt, stats, _("%(org)s党员统计") % {"org": stats.org.name}, note)
    education_heads = [_(label) for label, _codes in EDUCATION_COLUMNS]
    age_heads = [_(label) for _low, _high, label in rules.AGE_BANDS]
    _table(
        book,
        fmt,
        _("党员基本情况"),
        _("党员基本情况"),
        note,
        [_("党员总数"), _("女"), _("少数民族"), _("预备党员"), *education_heads, *age_heads],
        table,
        lambda row: [
            row.counts["total"],
            row.counts["female"],
            row.counts["minority"],
            row.counts["probationary"],
            *row.education,
            *row.age_band.values(),
        ],
    )
    join_heads = [_(label) for _low, _high, label in rules.JOIN_PERIODS]
    _table(
        book,
        fmt,
        _("党员入党时间情况"),
        _("党员入党时间情况"),
        note,
        [_("党员总数"), *join_heads],
        table,
        lambda row: [row.counts["total"], *row.join_band.values()],
    )
    book.close()
    return output.getvalue()
