"""The roster workbook (花名册): the import template, reading an upload, checking each row, the error sheet
and the printed export. Plain values in and out — no queries here; members/services/importing.py decides
against the database and writes.

Reading uses python-calamine (ARCHITECTURE.md: openpyxl is ten times slower on big files), writing uses
XlsxWriter in constant-memory mode. Row numbers are always the ones Excel shows (1-based, header included).
"""

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError, SheetTypeEnum

from dangjian.core import idnumber
from dangjian.core.crypto import lookup_hash
from dangjian.orgs.rules import add_months, add_years

from .codes import DEGREES, EDUCATION, ETHNICITIES, OCCUPATIONS
from .models import Category, Gender
from .services import records

FOUNDED = dt.date(1921, 7, 1)  # no one joined the Party before it was founded
HEADER_SEARCH_ROWS = 10  # the header may sit below a title row or two
PHONE = re.compile(r"1[3-9]\d{9}")
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (not a workbook, no header, too many rows …); Chinese text."""


# --- columns -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the field name used in API errors
    header: str  # exactly as in the template (API.md)
    required: bool  # the upload must have this column
    note: object  # what to write in it (lazy text)
    example: str = ""
    width: int = 12
    aliases: tuple[str, ...] = ()
    in_template: bool = True
    text: bool = False  # formatted as text in the template (numbers that are not amounts)
    date: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, gettext_lazy("必填，最多 50 个字"), "张伟", 10, ("名字",)),
    Column("gender", "性别", True, gettext_lazy("必填，“男”或“女”，须与公民身份号码一致"), "男", 6),
    Column(
        "id_number",
        "公民身份号码",
        True,
        gettext_lazy("必填，18 位，末位可为 X；按此号码识别党员：已登记的党员更新信息，未登记的新增"),
        "341825198005170011",
        21,
        ("身份证号", "身份证号码", "公民身份证号码", "身份证", "公民身份证号"),
        text=True,
    ),
    Column("ethnicity", "民族", True, gettext_lazy("必填，从下拉列表选择（见民族代码表）"), "汉族", 9),
    Column(
        "education",
        "学历",
        False,
        gettext_lazy("选填，从下拉列表选择（见学历代码表）"),
        "大学本科",
        10,
        ("文化程度", "最高学历"),
    ),
    Column(
        "org_code",
        "所在党组织编码",
        True,
        gettext_lazy("必填，党员所在党支部的组织编码（见“党组织编码”表），须在您的管理范围内"),
        "A1",
        16,
        ("党组织编码", "组织编码", "所在支部编码", "所在党支部编码"),
        text=True,
    ),
    Column(
        "category",
        "人员类别",
        True,
        gettext_lazy("必填，“正式党员”或“预备党员”"),
        "正式党员",
        10,
        ("党员类别", "类别"),
    ),
    Column(
        "joined_on",
        "入党日期",
        True,
        gettext_lazy("必填，YYYY-MM-DD，入党时应年满 18 周岁（细则 第5条），不晚于今天"),
        "2005-07-01",
        12,
        ("入党时间",),
        date=True,
    ),
    Column(
        "converted_on",
        "转正日期",
        False,
        gettext_lazy("YYYY-MM-DD；正式党员填写，应在入党日期满一年后、两年内（党章 第7条）；预备党员留空"),
        "2006-07-01",
        12,
        ("转正时间",),
        date=True,
    ),
    Column(
        "phone",
        "手机号码",
        False,
        gettext_lazy("选填，11 位手机号码"),
        "13812345678",
        14,
        ("手机号", "手机", "联系电话", "联系方式"),
        text=True,
    ),
    Column(
        "group_code",
        "党小组编码",
        False,
        gettext_lazy("选填，所在党小组的组织编码，须属于所填党支部"),
        "A1G1",
        12,
        ("所在党小组编码",),
        text=True,
    ),
    Column("native_place", "籍贯", False, gettext_lazy("选填，最多 50 个字"), "安徽旌德", 12),
    Column("occupation", "职业", False, gettext_lazy("选填，从下拉列表选择（见职业代码表）"), "农牧渔民", 16),
    Column("degree", "学位", False, gettext_lazy("选填，从下拉列表选择"), "学士", 8),
    Column("work_unit", "工作单位", False, gettext_lazy("选填，最多 100 个字"), "", 20, ("单位",)),
    Column("job_title", "职务", False, gettext_lazy("选填，最多 50 个字"), "", 12),
    Column(
        "address",
        "家庭住址",
        False,
        gettext_lazy("选填，最多 200 个字"),
        "",
        24,
        ("住址", "现住址", "现居住地"),
    ),
    # Read when present (an export, another system's roster), never offered in the template.
    Column(
        "birth_date",
        "出生日期",
        False,
        gettext_lazy("选填；有此列时须与公民身份号码一致"),
        in_template=False,
        aliases=("出生年月",),
        date=True,
    ),
)
TEMPLATE_COLUMNS = tuple(c for c in COLUMNS if c.in_template)
BY_KEY = {c.key: c for c in COLUMNS}
# Columns an upload may carry that are not read: the error sheet's own column, row numbers, names of orgs.
IGNORED_HEADERS = frozenset({"错误说明", "序号", "所在党组织", "党组织名称", "所在党小组", "党籍状态"})
ERROR_HEADER = "错误说明"


def _normal_header(value) -> str:
    text = _text(value)
    for junk in ("（必填）", "(必填)", "（选填）", "(选填)", "*", "＊", " ", "\u3000", "\n"):
        text = text.replace(junk, "")
    return text


_HEADER_KEYS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        _HEADER_KEYS[_name] = _column.key


# --- code tables ------------------------------------------------------------------------------------------------


def _choice_map(pairs, extra: dict[str, str] | None = None) -> dict[str, str]:
    found = {label: code for code, label in pairs}
    found.update({code: code for code, _label in pairs})
    found.update(extra or {})
    return found


ETHNICITY_BY_TEXT = _choice_map(
    ETHNICITIES,
    {label.removesuffix("族"): code for code, label in ETHNICITIES if label.endswith("族")},
)
# GB/T 4658 names of the detailed levels (大学本科毕业 …) fold onto the groups the platform keeps.
EDUCATION_BY_TEXT = _choice_map(
    EDUCATION,
    {
        "博士": "11",
        "博士研究生": "11",
        "硕士": "14",
        "硕士研究生": "14",
        "研究生班": "14",
        "本科": "21",
        "大学": "21",
        "大专": "31",
        "专科": "31",
        "中专": "41",
        "中等专业学校": "41",
        "职高": "44",
        "技校": "47",
        "高中": "61",
        "中学": "71",
        "初级中学": "71",
        "无": "90",
    },
)
OCCUPATION_BY_TEXT = _choice_map(OCCUPATIONS)
DEGREE_BY_TEXT = _choice_map(DEGREES, {"无": "none"})
GENDER_BY_TEXT = {"男": Gender.MALE, "女": Gender.FEMALE, "男性": Gender.MALE, "女性": Gender.FEMALE}
CATEGORY_BY_TEXT = {
    "正式党员": Category.FULL,
    "预备党员": Category.PROBATIONARY,
    "正式": Category.FULL,
    "预备": Category.PROBATIONARY,
}


def _education_code(text: str) -> str | None:
    code = EDUCATION_BY_TEXT.get(text)
    if code is None:
        for suffix in ("毕业", "结业", "肄业", "教育"):
            if text.endswith(suffix):
                return EDUCATION_BY_TEXT.get(text.removesuffix(suffix))
    return code


# --- cell values ----------------------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: integral numbers without ".0", dates as YYYY-MM-DD, everything stripped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class BadValue(ValueError):
    pass


def _date(value) -> dt.date | None:
    """A date cell, an ISO-like text (2005-07-01, 2005/7/1, 2005年7月1日, 20050701) or an Excel serial."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        if isinstance(value, float | int) and not isinstance(value, bool):
            number = int(value)
            if number != value:
                raise BadValue
            if 19000101 <= number <= 21001231:
                text = str(number)
                return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            if 1 <= number <= 73050:  # a date cell that lost its date format: days since 1899-12-30
                return _EXCEL_EPOCH + dt.timedelta(days=number)
            raise BadValue
        text = str(value).strip()
        if not text:
            return None
        match = _DATE_TEXT.fullmatch(text)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise BadValue from None
    raise BadValue


# --- reading an upload ------------------------------------------------------------------------------------------


@dataclass
class Roster:
    """An opened upload: which sheet, where the header is, which column holds what."""

    sheet: CalamineSheet  # loaded once: calamine parses the whole sheet when it is fetched
    sheet_name: str
    header_line: int  # Excel row number of the header
    columns: dict[str, int]  # key → 0-based column index in the rows calamine yields
    width: int
    data_rows: int  # rows below the header, blank ones included (an upper bound for progress)
    first_col: int  # where the used columns start (calamine leaves out empty columns on the left)
    ignored: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(Excel row number, cells) of every row below the header."""
        for line, cells in enumerate(self.sheet.iter_rows(), start=1):
            if line > self.header_line:
                yield line, cells

    def all_rows(self) -> Iterator[tuple[int, list]]:
        yield from enumerate(self.sheet.iter_rows(), start=1)


def _find_header(sheet) -> tuple[int, list] | None:
    for line, cells in enumerate(sheet.iter_rows(), start=1):
        keys = {_HEADER_KEYS.get(_normal_header(cell)) for cell in cells}
        if {"name", "id_number"} <= keys:
            return line, cells
        if line >= HEADER_SEARCH_ROWS:
            return None
    return None


def open_roster(data: bytes, *, max_rows: int) -> Roster:
    """Open an uploaded workbook and find its roster sheet and header, or raise ImportFileError."""
    if not data:
        raise ImportFileError(_("上传的文件是空的"))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _(
                "这是旧版 Excel（.xls）文件或设置了密码的文件。请在 Excel 或 WPS 中“另存为”.xlsx 格式并取消密码后再上传"
            )
        )
    if data[:4] != b"PK\x03\x04":
        raise ImportFileError(_("上传的不是 .xlsx 格式的 Excel 文件，请使用导入模板填写后上传"))
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        found = None
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_index(index)
            header = _find_header(sheet)
            if header is not None:
                found = (index, meta.name, sheet, *header)
                break
    except PasswordError:
        raise ImportFileError(_("文件设置了打开密码，请取消密码后再上传")) from None
    except (CalamineError, ValueError, OSError):
        raise ImportFileError(_("无法读取该文件：它不是有效的 .xlsx 工作簿，或者已经损坏")) from None
    if found is None:
        raise ImportFileError(
            _("没有找到表头：工作表的第一行应为列名（姓名、性别、公民身份号码……）。请使用导入模板填写")
        )
    index, name, sheet, line, cells = found
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        header = _normal_header(cell)
        if not header:
            continue
        key = _HEADER_KEYS.get(header)
        if key is None:
            if header not in IGNORED_HEADERS:
                ignored.append(header)
            continue
        if key in columns:
            raise ImportFileError(
                _("表头“%(header)s”出现了不止一次，请删除重复的列") % {"header": BY_KEY[key].header}
            )
        columns[key] = position
    missing = [c.header for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        raise ImportFileError(
            _("缺少必填列：%(columns)s。请使用导入模板，不要修改第一行的列名")
            % {"columns": "、".join(missing)}
        )
    # calamine yields rows from the first row of the sheet, but columns from the first used column.
    end, start = sheet.end, sheet.start
    data_rows = max(0, (end[0] + 1 if end else 0) - line)
    if data_rows > max_rows:
        raise ImportFileError(
            _("文件有 %(rows)s 行数据，超过单次导入的上限 %(max)s 行，请拆分成几个文件分批导入")
            % {"rows": f"{data_rows:,}", "max": f"{max_rows:,}"}
        )
    return Roster(sheet, name, line, columns, len(cells), data_rows, start[1] if start else 0, ignored)


# --- checking one row -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One member as read from a row; None in an optional field means "not given" (left as it is)."""

    line: int
    name: str
    gender: str
    id_number: str
    id_hash: str
    birth_date: dt.date
    ethnicity: str
    org_code: str
    category: str
    joined_on: dt.date
    converted_on: dt.date | None
    education: str | None = None
    phone: str | None = None
    group_code: str | None = None
    native_place: str | None = None
    occupation: str | None = None
    degree: str | None = None
    work_unit: str | None = None
    job_title: str | None = None
    address: str | None = None


RowErrors = list[tuple[str, str]]  # (field key, message)

_LENGTHS = {"name": 50, "native_place": 50, "work_unit": 100, "job_title": 50, "address": 200}


def _length_message(key: str, limit: int) -> str:
    return _("%(column)s最多 %(limit)s 个字") % {"column": BY_KEY[key].header, "limit": limit}


def check_row(
    line: int, cells: list, columns: dict[str, int], today: dt.date
) -> tuple[Row | None, RowErrors]:
    """Read and check one row on its own (code tables, dates, the ID number); the database checks come later."""
    errors: RowErrors = []
    width = len(cells)
    # Every cell read once; missing columns read as empty (a row may be shorter than the header).
    raw = {key: cells[position] for key, position in columns.items() if position < width}.get
    text = defaultdict(
        str, {key: _text(cells[position]) for key, position in columns.items() if position < width}
    )

    def date(key: str) -> dt.date | None:
        try:
            value = _date(raw(key))
        except BadValue:
            errors.append((key, _("日期格式应为 YYYY-MM-DD（如 2005-07-01）")))
            return None
        if value is not None and value > today:
            errors.append((key, _("%(column)s不能晚于今天") % {"column": BY_KEY[key].header}))
        return value

    def choice(
        key: str, table: dict[str, str] | Callable[[str], str | None], *, required: bool
    ) -> str | None:
        value = text[key]
        if not value:
            if required:
                errors.append((key, _("请填写%(column)s") % {"column": BY_KEY[key].header}))
            return None
        if key == "ethnicity" and value.isdigit():
            value = value.zfill(2)
        code = table(value) if callable(table) else table.get(value)
        if code is None:
            errors.append(
                (
                    key,
                    _("%(column)s“%(value)s”无效，请从下拉列表中选择")
                    % {"column": BY_KEY[key].header, "value": value[:20]},
                )
            )
        return code

    name = text["name"]
    if not name:
        errors.append(("name", _("请填写姓名")))
    elif len(name) > _LENGTHS["name"]:
        errors.append(("name", _length_message("name", _LENGTHS["name"])))

    birth = gender_from_id = None
    id_value = raw("id_number")
    number = idnumber.normalize(_text(id_value))
    if isinstance(id_value, float) and len(number) > 15:
        errors.append(
            (
                "id_number",
                _("公民身份号码被 Excel 存成了数字，末几位已经丢失；请把这一列设为“文本”格式后重新填写"),
            )
        )
    elif not number:
        errors.append(("id_number", _("请填写公民身份号码")))
    else:
        try:
            birth, gender_from_id = idnumber.parse(number, today=today)
        except idnumber.InvalidIdNumber as exc:
            errors.append(("id_number", str(exc)))

    gender = choice("gender", GENDER_BY_TEXT, required=True)
    if gender and gender_from_id and gender != gender_from_id:
        errors.append(
            (
                "gender",
                _("性别与公民身份号码不符（号码第 17 位表示%(gender)s）")
                % {"gender": Gender(gender_from_id).label},
            )
        )
    if "birth_date" in columns:
        stated = date("birth_date")
        if stated and birth and stated != birth:
            errors.append(
                (
                    "birth_date",
                    _("出生日期与公民身份号码不符（号码中为 %(birth)s）") % {"birth": birth.isoformat()},
                )
            )

    ethnicity = choice("ethnicity", ETHNICITY_BY_TEXT, required=True)
    education = choice("education", _education_code, required=False)
    occupation = choice("occupation", OCCUPATION_BY_TEXT, required=False)
    degree = choice("degree", DEGREE_BY_TEXT, required=False)
    category = choice("category", CATEGORY_BY_TEXT, required=True)

    org_code = text["org_code"]
    if not org_code:
        errors.append(("org_code", _("请填写所在党组织编码")))
    group_code = text["group_code"] or None

    joined = date("joined_on")
    if joined is None and not any(key == "joined_on" for key, _m in errors):
        errors.append(("joined_on", _("请填写入党日期")))
    elif joined is not None:
        if joined < FOUNDED:
            errors.append(("joined_on", _("入党日期不能早于 1921-07-01")))
        elif birth is not None and not records.old_enough_to_join(birth, joined):
            errors.append(
                (
                    "joined_on",
                    _("入党时应年满 18 周岁（细则 第5条）：出生于 %(birth)s，入党日期不能早于 %(adult)s")
                    % {
                        "birth": birth.isoformat(),
                        "adult": add_years(birth, records.ADMISSION_MIN_AGE).isoformat(),
                    },
                )
            )
    # Same rules as a record entered by hand (services.records): a full member's conversion date may be
    # missing (old paper archives), and when given lies one to two years after joining (党章 第7条).
    converted = date("converted_on")
    if category == Category.PROBATIONARY and converted is not None:
        errors.append(
            ("converted_on", _("预备党员尚未转正，转正日期应留空；已转正的请把人员类别改为“正式党员”"))
        )
    elif (
        category == Category.FULL
        and joined is not None
        and converted is not None
        and not records.conversion_date_fits(joined, converted)
    ):
        errors.append(
            (
                "converted_on",
                _(
                    "转正日期应在入党日期满一年后、两年内（党章 第7条：预备期一年，最多延长一年）：应在 %(start)s 至 %(end)s 之间"
                )
                % {
                    "start": add_months(joined, records.PROBATION_MONTHS).isoformat(),
                    "end": add_months(joined, records.PROBATION_LONGEST_MONTHS).isoformat(),
                },
            )
        )

    phone = None
    if "phone" in columns:
        phone = re.sub(r"[\s\-]", "", text["phone"]).removeprefix("+86") or None
        if phone is not None and not PHONE.fullmatch(phone):
            errors.append(("phone", _("手机号码应为以 1 开头的 11 位数字")))

    extras = {}
    for key in ("native_place", "work_unit", "job_title", "address"):
        value = text[key] if key in columns else ""
        if len(value) > _LENGTHS[key]:
            errors.append((key, _length_message(key, _LENGTHS[key])))
        extras[key] = value or None

    if errors:
        return None, errors
    return (
        Row(
            line=line,
            name=name,
            gender=gender,
            id_number=number,
            id_hash=lookup_hash(number),
            birth_date=birth,
            ethnicity=ethnicity,
            org_code=org_code,
            category=category,
            joined_on=joined,
            converted_on=converted if category == Category.FULL else None,
            education=education,
            phone=phone,
            group_code=group_code,
            occupation=occupation,
            degree=degree,
            **extras,
        ),
        [],
    )


def is_blank(cells: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def error_text(errors: RowErrors) -> str:
    """The messages of one row as the error column shows them: “列名：说明；列名：说明”."""
    parts = []
    for key, message in errors:
        column = BY_KEY.get(key)
        parts.append(f"{column.header}：{message}" if column else message)
    return "；".join(parts)


# --- writing -------------------------------------------------------------------------------------------------------


def _workbook(output: io.BytesIO, *, constant_memory: bool = False) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": constant_memory,
            "strings_to_numbers": False,
            "strings_to_formulas": False,  # a cell starting with "=" stays text: no formula injection
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    book.set_properties({"title": "党员花名册", "author": "党建通", "comments": ""})
    return book


@dataclass(frozen=True)
class OrgChoice:
    code: str
    name: str
    parent: str  # the branch's parent organization / the group's branch


def build_template(*, branches: list[OrgChoice], groups: list[OrgChoice], max_rows: int) -> bytes:
    """The import template: headers, input hints and drop-down lists; a sheet explaining every column and the
    code tables; a sheet listing the branches and 党小组 the downloading user may import into."""
    output = io.BytesIO()
    book = _workbook(output)
    head = book.add_format(
        {"bold": True, "bg_color": "#F3F4F6", "border": 1, "align": "center", "valign": "vcenter"}
    )
    head_required = book.add_format(
        {"bold": True, "font_color": "#C8161D", "bg_color": "#F3F4F6", "border": 1, "align": "center"}
    )
    as_text = book.add_format({"num_format": "@"})
    as_date = book.add_format({"num_format": "yyyy-mm-dd"})
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "bg_color": "#F3F4F6", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    cell = book.add_format({"border": 1, "valign": "top"})

    data = book.add_worksheet("党员信息")
    guide = book.add_worksheet("填写说明")
    orgs = book.add_worksheet("党组织编码")

    # 填写说明: the rules of each column, then the code tables the drop-down lists point at.
    guide.set_column(0, 0, 16)
    guide.set_column(1, 1, 10)
    guide.set_column(2, 2, 70)
    guide.set_column(3, 3, 22)
    guide.write(0, 0, _("党员信息导入模板 填写说明"), title)
    notes = [
        _("1. 在“党员信息”表中一行填写一名党员，第一行的列名不要修改；红色列名为必填列。"),
        _(
            "2. 按公民身份号码识别党员：已登记在您管理范围内的党员更新其信息（选填项留空的不修改），未登记的新增。"
        ),
        _(
            "3. 任何一行有错误时整个文件都不会导入；系统会返回同一张表，在最后一列“错误说明”中标明每一行的问题。"
        ),
        _("4. 所在党组织和人员类别的变更请分别办理组织关系转接和预备党员转正，不能通过导入修改。"),
    ]
    for offset, note in enumerate(notes, start=1):
        guide.write(offset, 0, note)
    line = len(notes) + 2
    for col, label in enumerate((_("列名"), _("是否必填"), _("填写要求"), _("示例"))):
        guide.write(line, col, label, bold)
    for column in TEMPLATE_COLUMNS:
        line += 1
        guide.write(line, 0, column.header, cell)
        guide.write(line, 1, _("必填") if column.required else _("选填"), cell)
        guide.write(line, 2, str(column.note), wrap)
        guide.write_string(line, 3, column.example, cell)
    ranges: dict[str, str] = {}
    line += 2
    for key, caption, pairs in (
        ("ethnicity", _("民族代码表（GB 3304）"), ETHNICITIES),
        ("education", _("学历代码表（GB/T 4658）"), EDUCATION),
        ("occupation", _("职业"), OCCUPATIONS),
        ("degree", _("学位"), DEGREES),
    ):
        guide.write(line, 0, caption, title)
        guide.write(line + 1, 0, _("代码"), bold)
        guide.write(line + 1, 1, _("名称"), bold)
        first = line + 2
        for offset, (code, label) in enumerate(pairs):
            guide.write_string(first + offset, 0, code, cell)
            guide.write_string(first + offset, 1, label, cell)
        last = first + len(pairs) - 1
        ranges[key] = f"='填写说明'!$B${first + 1}:$B${last + 1}"
        line = last + 2

    # 党组织编码: where the user may import members, for the drop-down list and for reading.
    orgs.set_column(0, 0, 16)
    orgs.set_column(1, 1, 30)
    orgs.set_column(2, 2, 30)
    orgs.set_column(4, 4, 16)
    orgs.set_column(5, 5, 30)
    orgs.set_column(6, 6, 30)
    for col, label in enumerate((_("党支部编码"), _("党支部名称"), _("上级组织"))):
        orgs.write(0, col, label, bold)
    for col, label in enumerate((_("党小组编码"), _("党小组名称"), _("所属党支部")), start=4):
        orgs.write(0, col, label, bold)
    for row, org in enumerate(branches, start=1):
        orgs.write_string(row, 0, org.code)
        orgs.write_string(row, 1, org.name)
        orgs.write_string(row, 2, org.parent)
    for row, org in enumerate(groups, start=1):
        orgs.write_string(row, 4, org.code)
        orgs.write_string(row, 5, org.name)
        orgs.write_string(row, 6, org.parent)
    if branches:
        ranges["org_code"] = f"='党组织编码'!$A$2:$A${len(branches) + 1}"
    if groups:
        ranges["group_code"] = f"='党组织编码'!$E$2:$E${len(groups) + 1}"

    # 党员信息: the sheet that is filled in and uploaded.
    data.freeze_panes(1, 0)
    data.set_row(0, 22)
    last_row = max_rows
    lists = {"gender": ["男", "女"], "category": ["正式党员", "预备党员"]}
    for col, column in enumerate(TEMPLATE_COLUMNS):
        data.write(0, col, column.header, head_required if column.required else head)
        number_format = as_text if column.text else as_date if column.date else None
        data.set_column(col, col, column.width, number_format)
        hint = {"input_title": column.header[:32], "input_message": str(column.note)[:255]}
        if column.key in lists:
            rule = {"validate": "list", "source": lists[column.key]}
        elif column.key in ranges:
            rule = {"validate": "list", "source": ranges[column.key]}
        elif column.date:
            rule = {
                "validate": "date",
                "criteria": ">=",
                "value": dt.datetime.combine(FOUNDED, dt.time()),
                "error_message": _("请按 YYYY-MM-DD 填写日期，如 2005-07-01"),
            }
        else:
            rule = {"validate": "any"}
        if rule["validate"] == "list":
            rule["error_message"] = _("请从下拉列表中选择")
        data.data_validation(1, col, last_row, col, {**rule, **hint})
    book.close()
    return output.getvalue()


def build_error_sheet(roster: Roster, errors: dict[int, RowErrors]) -> bytes:
    """The uploaded sheet written back row for row (so row numbers match), with a 错误说明 column at the end
    and the rows in error shaded; a second sheet says how to read it.

    XlsxWriter writes the rows down to the header; the rows below are streamed in as XML (see _splice_rows),
    since a 100,000-row file cell by cell through XlsxWriter would take a quarter of a minute.
    """
    output = io.BytesIO()
    book = _workbook(output)
    sheet = book.add_worksheet(roster.sheet_name[:31] or "党员信息")
    guide = book.add_worksheet("如何修改")
    bad = book.add_format({"bg_color": "#FDE8E8"})
    bad_note = book.add_format({"bg_color": "#FDE8E8", "font_color": "#C8161D", "text_wrap": True})
    head = book.add_format({"bold": True, "bg_color": "#F3F4F6", "border": 1})
    head_error = book.add_format({"bold": True, "font_color": "#C8161D", "bg_color": "#F3F4F6", "border": 1})
    offset = roster.first_col
    error_col = roster.width  # after every used column; a corrected error sheet uploaded again reuses its own
    sheet.freeze_panes(roster.header_line, 0)
    rows = roster.all_rows()
    for line, cells in rows:
        row = line - 1
        if line < roster.header_line:
            for col, value in enumerate(cells):
                if value not in (None, ""):
                    sheet.write_string(row, offset + col, _text(value))
            continue
        error_col = next(
            (col for col, value in enumerate(cells) if _normal_header(value) == ERROR_HEADER), roster.width
        )
        sheet.set_column(offset + error_col, offset + error_col, 60)
        for col, value in enumerate(cells[:error_col]):
            sheet.write_string(row, offset + col, _text(value), head)
        sheet.write_string(row, offset + error_col, ERROR_HEADER, head_error)
        break
    guide.set_column(0, 0, 16)
    guide.set_column(1, 1, 60)
    guide.write_string(
        0, 0, _("这是您上传的表格，原样返回：有错误的行标为浅红色，最后一列“错误说明”写明了问题。")
    )
    guide.write_string(1, 0, _("请逐行改正后，把整个文件重新上传（“错误说明”一列可以保留，导入时不读取）。"))
    guide.write_string(3, 0, _("有错误的行"), bad)
    guide.write_string(3, 1, _("列名：问题说明；列名：问题说明"), bad_note)
    book.close()
    letters = [_column_letter(offset + col) for col in range(error_col + 1)]
    fill, note = bad.xf_index, bad_note.xf_index

    def streamed():
        for line, cells in rows:
            problems = errors.get(line)
            if problems is None and is_blank(cells):
                continue
            style = f' s="{fill}"' if problems else ""
            parts = [f'<row r="{line}">']
            for col, value in enumerate(cells[:error_col]):
                ref = f"{letters[col]}{line}"
                if value is None or value == "":
                    if problems:
                        parts.append(f'<c r="{ref}"{style}/>')
                elif isinstance(value, bool):
                    parts.append(f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>')
                elif isinstance(value, int | float):
                    parts.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
                else:
                    parts.append(_inline(ref, style, value if isinstance(value, str) else _text(value)))
            if problems:
                parts.append(_inline(f"{letters[error_col]}{line}", f' s="{note}"', error_text(problems)))
            parts.append("</row>")
            yield "".join(parts)

    return _splice_rows(output.getvalue(), "xl/worksheets/sheet1.xml", streamed())


def _inline(ref: str, style: str, value: str) -> str:
    text = value.translate(_XML_TEXT)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


# --- the printed roster (export) --------------------------------------------------------------------------------

EXPORT_HEADERS = (
    ("序号", 6),
    ("姓名", 10),
    ("性别", 5),
    ("民族", 8),
    ("出生日期", 11),
    ("公民身份号码", 20),
    ("学历", 10),
    ("人员类别", 9),
    ("入党日期", 11),
    ("转正日期", 11),
    ("所在党组织", 22),
    ("工作单位及职务", 24),
    ("手机号码", 13),
    ("党籍状态", 8),
)


def roster_title(org_name: str) -> str:
    name = org_name if org_name.startswith("中共") else f"中共{org_name}"
    return _("%(org)s党员花名册") % {"org": name}


def build_roster(*, title: str, subtitle: str, rows: Iterable[tuple]) -> bytes:
    """The roster for printing: title row, header repeated on every page, A4 landscape, one page wide.

    `rows` yields tuples in EXPORT_HEADERS order without the 序号, which is numbered here.

    XlsxWriter lays out the workbook — formats, print settings, title, header and the first member — and
    the other members are streamed into its sheet as XML, nine times faster than cell by cell through
    XlsxWriter (≈80,000 cells a second here, so 50,000 members would take ten seconds): the roster is a
    plain grid of text in two styles, which is all the streamed XML has to say.
    """
    output = io.BytesIO()
    book = _workbook(output)
    sheet = book.add_worksheet("党员花名册")
    title_format = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    subtitle_format = book.add_format({"font_size": 10, "align": "right", "font_color": "#555555"})
    head = book.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "bg_color": "#F3F4F6",
            "text_wrap": True,
        }
    )
    body = book.add_format({"border": 1, "valign": "vcenter"})
    centre = book.add_format({"border": 1, "align": "center", "valign": "vcenter"})
    last_col = len(EXPORT_HEADERS) - 1
    for col, (_header, width) in enumerate(EXPORT_HEADERS):
        sheet.set_column(col, col, width)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.repeat_rows(2)
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C" + _("第 &P 页，共 &N 页"))
    sheet.freeze_panes(3, 2)
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, last_col, title, title_format)
    sheet.merge_range(1, 0, 1, last_col, subtitle, subtitle_format)
    sheet.set_row(2, 22)
    for col, (header, _width) in enumerate(EXPORT_HEADERS):
        sheet.write_string(2, col, header, head)
    formats = [centre if col in _CENTRED else body for col in range(len(EXPORT_HEADERS))]
    rows = iter(rows)
    first = next(rows, None)
    if first is not None:
        sheet.write_number(3, 0, 1, centre)
        for col, value in enumerate(first, start=1):
            if value:
                sheet.write_string(3, col, value, formats[col])
            else:
                sheet.write_blank(3, col, None, formats[col])
    book.close()
    if first is None:
        return output.getvalue()
    styles = [f' s="{fmt.xf_index}"' for fmt in formats]
    letters = [_column_letter(col) for col in range(len(formats))]

    def streamed():
        for line, values in enumerate(rows, start=5):  # title, subtitle, header, first member, then these
            parts = [f'<row r="{line}"><c r="A{line}"{styles[0]}><v>{line - 3}</v></c>']
            for col, value in enumerate(values, start=1):
                ref = f"{letters[col]}{line}"
                parts.append(_inline(ref, styles[col], value) if value else f'<c r="{ref}"{styles[col]}/>')
            parts.append("</row>")
            yield "".join(parts)

    return _splice_rows(output.getvalue(), "xl/worksheets/sheet1.xml", streamed())


_CENTRED = frozenset({0, 2, 4, 7, 8, 9, 13})
_XML_TEXT = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"} | {
    code: None for code in (*range(0, 9), 11, 12, *range(14, 32))
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _splice_rows(package: bytes, part: str, rows_xml: Iterator[str]) -> bytes:
    """Copy the .xlsx package, streaming `rows_xml` (<row> elements, in order) after the last row of `part`'s
    sheet data. The sheet's <dimension> (optional in the file format) is left out, since the last row is
    known only at the end: Excel, WPS and LibreOffice work it out."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        # Level 1: a third faster than the default for a file a quarter bigger (still a tenth of the XML).
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != part:
                target.writestr(info, content)
                continue
            head, tail = content.decode("utf-8").split("</sheetData>", 1)
            with target.open(part, "w", force_zip64=True) as stream:
                stream.write(_DIMENSION.sub("", head, count=1).encode("utf-8"))
                chunk: list[str] = []
                for row in rows_xml:
                    chunk.append(row)
                    if len(chunk) >= 1000:
                        stream.write("".join(chunk).encode("utf-8"))
                        chunk = []
                stream.write("".join(chunk).encode("utf-8"))
                stream.write(("</sheetData>" + tail).encode("utf-8"))
    return output.getvalue()


_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
