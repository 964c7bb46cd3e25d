"""Reading an upload: finding its sheet and header, and checking each row on its own (no queries)."""

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError, SheetTypeEnum

from dangjian.core import idnumber
from dangjian.core.crypto import lookup_hash
from dangjian.orgs.rules import add_months

from .. import rules
from ..models import Category, Gender
from ..services import records
from .columns import (
    BY_KEY,
    CATEGORY_BY_TEXT,
    COLUMNS,
    DEGREE_BY_TEXT,
    ETHNICITY_BY_TEXT,
    FOUNDED,
    GENDER_BY_TEXT,
    HEADER_KEYS,
    HEADER_SEARCH_ROWS,
    IGNORED_HEADERS,
    OCCUPATION_BY_TEXT,
    PHONE,
    BadValue,
    ImportFileError,
    cell_date,
    cell_text,
    education_code,
    halfwidth,
    normal_header,
)

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
        keys = {HEADER_KEYS.get(normal_header(cell)) for cell in cells}
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
        header = normal_header(cell)
        if not header:
            continue
        key = HEADER_KEYS.get(header)
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
        str, {key: cell_text(cells[position]) for key, position in columns.items() if position < width}
    )

    def date(key: str) -> dt.date | None:
        try:
            value = cell_date(raw(key))
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
    number = idnumber.normalize(halfwidth(cell_text(id_value)))
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
    education = choice("education", education_code, required=False)
    occupation = choice("occupation", OCCUPATION_BY_TEXT, required=False)
    degree = choice("degree", DEGREE_BY_TEXT, required=False)
    category = choice("category", CATEGORY_BY_TEXT, required=True)

    org_code = halfwidth(text["org_code"])
    if not org_code:
        errors.append(("org_code", _("请填写所在党组织编码")))
    group_code = halfwidth(text["group_code"]) or None

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
                        "adult": rules.coming_of_age(birth).isoformat(),
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
        phone = re.sub(r"[\s\-]", "", halfwidth(text["phone"])).removeprefix("+86") or None
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
