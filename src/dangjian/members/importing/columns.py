"""The columns of the roster workbook, the code tables behind its drop-down lists, and reading cell values."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from ..codes import DEGREES, EDUCATION, ETHNICITIES, OCCUPATIONS
from ..models import Category, Gender

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


def normal_header(value) -> str:
    text = cell_text(value)
    for junk in ("（必填）", "(必填)", "（选填）", "(选填)", "*", "＊", " ", "\u3000", "\n"):
        text = text.replace(junk, "")
    return text


HEADER_KEYS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        HEADER_KEYS[_name] = _column.key


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


def education_code(text: str) -> str | None:
    code = EDUCATION_BY_TEXT.get(text)
    if code is None:
        for suffix in ("毕业", "结业", "肄业", "教育"):
            if text.endswith(suffix):
                return EDUCATION_BY_TEXT.get(text.removesuffix(suffix))
    return code


# --- cell values ----------------------------------------------------------------------------------------------


def cell_text(value) -> str:
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


def halfwidth(text: str) -> str:
    """Full-width digits and letters (１２３Ｘ, typed with a Chinese input method) as ASCII (NFKC)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


class BadValue(ValueError):
    pass


def cell_date(value) -> dt.date | None:
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
        text = halfwidth(str(value).strip())
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
