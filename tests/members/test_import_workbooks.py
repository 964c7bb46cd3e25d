"""Roster workbooks: building them for the import tests, and the template and error sheet the app writes."""

import datetime as dt
import io
import itertools

import xlsxwriter

from dangjian.core import idnumber

HEADERS = [
    "姓名",
    "性别",
    "公民身份号码",
    "民族",
    "学历",
    "所在党组织编码",
    "人员类别",
    "入党日期",
    "转正日期",
    "手机号码",
]
_sequence = itertools.count(1)


def new_id_number(birth: dt.date = dt.date(1985, 3, 9), *, male: bool = True) -> str:
    """A valid number no other test uses: the area code and sequence number count up (odd for men)."""
    n = next(_sequence)
    return idnumber.build(f"34{n // 499 % 10_000:04d}", birth, n % 499 * 2 + (1 if male else 0))


def person(org_code: str = "A1", **overrides) -> dict:
    """One row of a good roster: a full member of the branch `org_code`."""
    birth = overrides.pop("birth", dt.date(1985, 3, 9))
    male = overrides.get("性别", "男") == "男"
    row = {
        "姓名": "王小明",
        "性别": "男",
        "公民身份号码": new_id_number(birth, male=male),
        "民族": "汉族",
        "学历": "大学本科",
        "所在党组织编码": org_code,
        "人员类别": "正式党员",
        "入党日期": "2010-07-01",
        "转正日期": "2011-07-01",
        "手机号码": "13912345678",
    }
    row.update(overrides)
    return row


def workbook(rows: list[dict], headers: list[str] | None = None, *, title_rows: list[str] = ()) -> bytes:
    """An .xlsx whose first sheet holds `headers` and then one line per row (missing keys stay empty)."""
    headers = headers or HEADERS
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = book.add_worksheet("党员信息")
    line = 0
    for title in title_rows:
        sheet.write_string(line, 0, title)
        line += 1
    for col, header in enumerate(headers):
        sheet.write_string(line, col, header)
    for row in rows:
        line += 1
        for col, header in enumerate(headers):
            value = row.get(header)
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    line,
                    col,
                    dt.datetime.combine(value, dt.time()),
                    book.add_format({"num_format": "yyyy-mm-dd"}),
                )
            elif isinstance(value, int | float):
                sheet.write_number(line, col, value)
            else:
                sheet.write_string(line, col, value)
    book.close()
    return output.getvalue()


# --- the template and the error sheet, opened as a user's Excel would -------------------------------------------


def open_xlsx(content: bytes):
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(content))


def test_template_has_the_contract_headers_lists_and_a_guide(personas, county):
    from dangjian.members.services.importing import import_template

    book = open_xlsx(import_template(actor=personas.officer))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[: len(HEADERS)] == HEADERS  # API.md: at least these, in this order
    assert {"党小组编码", "籍贯", "职业", "工作单位", "职务"} <= set(headers)
    assert book.sheetnames == ["党员信息", "填写说明", "党组织编码"]
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert validations["B2"].formula1 == '"男,女"'
    assert validations["G2"].formula1 == '"正式党员,预备党员"'
    assert "填写说明" in validations["D2"].formula1  # 民族 from the code table
    assert "党组织编码" in validations["F2"].formula1
    guide = [[cell for cell in row] for row in book["填写说明"].iter_rows(values_only=True)]
    flat = {value for row in guide for value in row if value}
    assert {"汉族", "毛南族", "德昂族", "大学本科", "公民身份号码"} <= flat
    orgs = [row for row in book["党组织编码"].iter_rows(min_row=2, values_only=True)]
    assert [(row[0], row[1]) for row in orgs if row[0]] == [("A1", "甲村党支部"), ("A2", "乙村党支部")]
    assert [(row[4], row[6]) for row in orgs if row[4]] == [("A1G1", "甲村党支部")]


def test_error_sheet_is_the_same_sheet_with_the_message_on_the_bad_row(personas, county):
    from dangjian.members.services.importing import roster_import

    rows = [person(), person(民族="火星族"), person()]
    outcome = roster_import(
        actor=personas.secretary,
        data=workbook(rows, title_rows=["中共甲村党支部党员花名册"]),
        filename="x.xlsx",
    )
    sheet = open_xlsx(outcome.error_sheet).worksheets[0]
    assert sheet["A1"].value == "中共甲村党支部党员花名册"
    assert [cell.value for cell in sheet[2]] == [*HEADERS, "错误说明"]
    assert sheet.cell(4, len(HEADERS) + 1).value == "民族：民族“火星族”无效，请从下拉列表中选择"
    assert sheet.cell(3, len(HEADERS) + 1).value is None and sheet.cell(5, len(HEADERS) + 1).value is None
    assert sheet["C4"].value == rows[1]["公民身份号码"]  # the row as it was uploaded
    assert sheet["A4"].fill.fgColor.rgb.endswith("FDE8E8") and sheet["A3"].fill.fill_type is None
    assert open_xlsx(outcome.error_sheet).sheetnames[1] == "如何修改"


def test_error_sheet_keeps_numbers_dates_and_blank_rows_where_they_were(personas, county):
    from dangjian.members.services.importing import roster_import

    good = person(手机号码=13912345678, 入党日期=dt.date(2010, 7, 1))
    rows = [good, {}, person(公民身份号码=110105194912310022.0)]
    outcome = roster_import(actor=personas.secretary, data=workbook(rows), filename="x.xlsx")
    sheet = open_xlsx(outcome.error_sheet).worksheets[0]
    assert sheet["J2"].value == 13912345678 and sheet["H2"].value == "2010-07-01"
    assert all(cell.value is None for cell in sheet[3])  # the empty row stays empty
    assert "文本" in sheet.cell(4, len(HEADERS) + 1).value and outcome.errors[0]["row"] == 4


def test_a_corrected_error_sheet_can_be_uploaded_again(personas, county):
    from dangjian.members.services.importing import roster_import

    rows = [person(民族="火星族")]
    first = roster_import(actor=personas.secretary, data=workbook(rows), filename="x.xlsx")
    book = open_xlsx(first.error_sheet)
    book.worksheets[0]["D2"] = "汉族"
    fixed = io.BytesIO()
    book.save(fixed)
    again = roster_import(actor=personas.secretary, data=fixed.getvalue(), filename="x.xlsx")
    assert again.ok and again.created == 1


def test_dates_and_codes_are_read_in_the_forms_people_type_them():
    from dangjian.members import importing

    today = dt.date(2026, 6, 1)
    number = new_id_number(dt.date(1985, 3, 9))
    columns = {
        key: i
        for i, key in enumerate(
            [
                "name",
                "gender",
                "id_number",
                "ethnicity",
                "education",
                "org_code",
                "category",
                "joined_on",
                "converted_on",
            ]
        )
    }
    for joined, converted in [
        ("2010-07-01", "2011-07-01"),
        ("2010/7/1", "2011.7.1"),
        ("2010年7月1日", "20110701"),
        (dt.date(2010, 7, 1), 20110701.0),
        (40360.0, 40725.0),  # date cells that lost their format: Excel serial numbers
    ]:
        row, errors = importing.check_row(
            2, ["王小明", "男", number, "汉", "本科", "A1", "正式", joined, converted], columns, today
        )
        assert (
            errors == [] and row.joined_on == dt.date(2010, 7, 1) and row.converted_on == dt.date(2011, 7, 1)
        )
        assert (row.ethnicity, row.education, row.category) == ("01", "21", "full")


def test_full_width_digits_typed_with_a_chinese_input_method_are_read():
    from dangjian.members import importing

    number = new_id_number(dt.date(1985, 3, 9))
    wide = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    columns = {
        key: i
        for i, key in enumerate(
            ["name", "gender", "id_number", "ethnicity", "org_code", "category", "joined_on", "phone"]
        )
    }
    row, errors = importing.check_row(
        2,
        ["王小明", "男", wide, "汉族", "Ａ１", "预备党员", "２０２６－０１－０５", "１３９１２３４５６７８"],
        columns,
        dt.date(2026, 6, 1),
    )
    assert errors == [] and row.id_number == number and row.org_code == "A1" and row.phone == "13912345678"
    assert row.joined_on == dt.date(2026, 1, 5)
