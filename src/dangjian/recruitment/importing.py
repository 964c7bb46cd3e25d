"""Import of member-development history from Excel (发展党员历史数据导入), all rows or none.

For people already in the pipeline before the system: one row a person with the dates of the steps that
decide the stage — 申请入党 (step 1), 谈话 (2), 确定积极分子 (3), 确定发展对象 (7), 支部大会通过 (15), 党委审批
(17), 转正审批 (24). Every row is checked against the rules the services enforce (order, eighteen on the
application, a year as activist, approval within six months of the 支部大会, conversion not before the end
of probation, no date after today, one open case a person, no one who is already a member); each problem
is reported as {row, field, message} and nothing is written if any row fails. On success each case is
created at its stage with its steps recorded as history (`details.imported`), admitted people get their
member record through `members.services.records.member_create` (joined on the 支部大会 date), converted
ones become full members dated from the end of probation, as `services.steps` does; one audit entry.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from dangjian.core import audit, idnumber, scoping
from dangjian.core.crypto import lookup_hash
from dangjian.core.errors import ValidationFailed
from dangjian.members.codes import EDUCATION, ETHNICITIES, OCCUPATIONS
from dangjian.members.models import Category, Member
from dangjian.members.services import records as member_records
from dangjian.members.strokes import name_key
from dangjian.orgs.models import Organization, OrgKind

from . import rules, selectors
from .models import CaseStep, DevelopmentCase
from .services.cases import snapshot as case_snapshot

MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    step: int | None = None  # the step a date column records
    width: int = 14


COLUMNS = [
    Column("person_name", "姓名", True, width=10),
    Column("gender", "性别", width=6),
    Column("id_number", "公民身份号码", True, width=22),
    Column("ethnicity", "民族", width=10),
    Column("education", "学历", width=12),
    Column("occupation", "职业", width=16),
    Column("org_code", "所在党支部编码", True, width=14),
    Column("applied_on", "申请入党日期", True, step=1),
    Column("talked_on", "谈话日期", step=2),
    Column("activist_on", "确定积极分子日期", step=3),
    Column("candidate_on", "确定发展对象日期", step=7),
    Column("voted_on", "支部大会通过日期", step=15),
    Column("approved_on", "党委审批日期", step=17),
    Column("converted_approved_on", "转正审批日期", step=24),
]
BY_HEADER = {c.header: c for c in COLUMNS}
DATE_KEYS = [c.key for c in COLUMNS if c.step]
# Each date needs the one before it in the pipeline (the talk is optional).
NEEDS = {
    "talked_on": "applied_on",
    "activist_on": "applied_on",
    "candidate_on": "activist_on",
    "voted_on": "candidate_on",
    "approved_on": "voted_on",
    "converted_approved_on": "approved_on",
}


class ImportFileError(Exception):
    """The file itself cannot be used (not .xlsx, no header, too many rows): 422 without row errors."""


@dataclass
class Row:
    line: int  # the row number in Excel
    values: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        self.errors.append({"row": self.line, "field": key, "message": message})


# --- the template -------------------------------------------------------------------------------------------


def template_bytes() -> bytes:
    """The .xlsx template: the header, one example row, data validations and a sheet of instructions."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#FBEAEA", "border": 1, "text_wrap": True})
    required = book.add_format({"bold": True, "bg_color": "#F6C9CB", "border": 1, "text_wrap": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(_("发展党员"))
    for i, column in enumerate(COLUMNS):
        sheet.write(0, i, column.header, required if column.required else head)
        sheet.set_column(i, i, column.width, date if column.step else text)
        if column.step:
            sheet.data_validation(
                1,
                i,
                MAX_ROWS,
                i,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": dt.date(1950, 1, 1),
                    "maximum": dt.date(2100, 12, 31),
                    "error_message": _("请输入日期，如 2024-03-01"),
                },
            )
    choices = {
        "gender": ["男", "女"],
        "ethnicity": [label for _code, label in ETHNICITIES][:56],
        "education": [label for _code, label in EDUCATION],
        "occupation": [label for _code, label in OCCUPATIONS],
    }
    lists = book.add_worksheet(_("代码表"))
    for n, (key, values) in enumerate(choices.items()):
        lists.write(0, n, BY_KEY[key].header, head)
        lists.write_column(1, n, values)
        col = [c.key for c in COLUMNS].index(key)
        letter = chr(ord("A") + n)
        sheet.data_validation(
            1,
            col,
            MAX_ROWS,
            col,
            {"validate": "list", "source": f"='{_('代码表')}'!${letter}$2:${letter}${len(values) + 1}"},
        )
    sheet.freeze_panes(1, 1)
    sheet.set_row(0, 30)
    notes = book.add_worksheet(_("填写说明"))
    notes.set_column(0, 0, 100)
    for i, line in enumerate(
        [
            _("每行一人；红色列必填。日期写成 2024-03-01。一次最多 %(n)d 行。") % {"n": MAX_ROWS},
            _("所在党支部编码：组织架构中党支部的“组织编码”。"),
            _("只填已经办理的步骤：后一个日期必须有前一个日期，且不早于它（谈话日期可不填）。"),
            _(
                "申请时须年满十八岁；确定发展对象须在确定积极分子一年以后；党委审批须在支部大会通过后六个月内。"
            ),
            _("填了“党委审批日期”的，同时建立预备党员档案（入党日期为支部大会通过日期）；"),
            _("填了“转正审批日期”的为正式党员，转正日期为预备期满之日（党章 第7条）。"),
            _("任何一行有错，整个文件都不导入；错误清单列出行号、列名和原因。"),
        ]
    ):
        notes.write(i, 0, line)
    book.close()
    return output.getvalue()


BY_KEY = {c.key: c for c in COLUMNS}


# --- reading ------------------------------------------------------------------------------------------------


def read_rows(data: bytes) -> list[Row]:
    if not data:
        raise ImportFileError(_("上传的文件是空的"))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("文件超过 %(mb)d MB，请分批导入") % {"mb": MAX_BYTES // 1024 // 1024})
    if data[:4] != b"PK\x03\x04":
        raise ImportFileError(_("上传的不是 .xlsx 格式的 Excel 文件，请使用导入模板填写后上传"))
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        cells = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError, IndexError):
        raise ImportFileError(_("无法读取该文件：它不是有效的 .xlsx 工作簿，或者已经损坏")) from None
    if not cells:
        raise ImportFileError(_("工作表是空的，请使用导入模板填写"))
    header = [str(c or "").strip() for c in cells[0]]
    positions = {BY_HEADER[h].key: i for i, h in enumerate(header) if h in BY_HEADER}
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("缺少必填列：%(columns)s。请使用导入模板，不要修改第一行的列名")
            % {"columns": "、".join(missing)}
        )
    rows = []
    for line, raw in enumerate(cells[1:], start=2):
        if all(c in (None, "") or (isinstance(c, str) and not c.strip()) for c in raw):
            continue
        values = {key: (raw[i] if i < len(raw) else None) for key, i in positions.items()}
        rows.append(Row(line, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("一次最多导入 %(n)d 行，请分批导入") % {"n": MAX_ROWS})
    if not rows:
        raise ImportFileError(_("文件里没有数据行"))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> dt.date | str | None:
    """A date cell or text (2024-03-01, 2024/3/1, 2024.3.1); None when blank; "bad" when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except (ValueError, TypeError):
        return "bad"


def _code(value, table: list[tuple[str, str]]) -> str | None:
    """A code of a GB code table given as code or label; '' when blank, None when unknown."""
    text = _text(value)
    if not text:
        return ""
    for code, label in table:
        if text in (code, str(label)):
            return code
    return None


# --- checking ------------------------------------------------------------------------------------------------


def check_rows(rows: list[Row], *, user, today: dt.date) -> dict[str, Organization]:
    """Fill each row's `values` with clean values and its `errors`; returns the branches by code."""
    codes = {_text(r.values.get("org_code")) for r in rows}
    branches = {
        o.code: o
        for o in scoping.scoped(Organization.objects.filter(code__in=codes), user)
        if o.kind == OrgKind.BRANCH and o.dissolved_on is None
    }
    seen: dict[str, int] = {}
    for row in rows:
        _check_row(row, branches, today)
        number = row.values.get("id_number")
        if number and not any(e["field"] == "id_number" for e in row.errors):
            if number in seen:
                row.error("id_number", _("与第 %(n)d 行的公民身份号码重复") % {"n": seen[number]})
            seen.setdefault(number, row.line)
    hashes = {lookup_hash(n): n for n in seen}
    members = set(Member.objects.filter(id_hash__in=hashes).values_list("id_hash", flat=True))
    open_cases = set(
        DevelopmentCase.objects.filter(id_hash__in=hashes, stage__in=rules.OPEN_STAGES).values_list(
            "id_hash", flat=True
        )
    )
    for row in rows:
        number = row.values.get("id_number")
        if not number or number not in seen:
            continue
        digest = lookup_hash(number)
        if digest in members:
            row.error("id_number", _("此人已有党员档案，不能再登记发展"))
        elif digest in open_cases:
            row.error("id_number", _("此人已有正在办理的发展党员记录"))
    return branches


def _check_row(row: Row, branches: dict, today: dt.date) -> None:
    raw, clean = row.values, {}
    name = _text(raw.get("person_name"))
    if not name:
        row.error("person_name", _("请填写姓名"))
    elif len(name) > 50:
        row.error("person_name", _("姓名最多 50 字"))
    clean["person_name"] = name
    number = idnumber.normalize(_text(raw.get("id_number")))
    birth = None
    if not number:
        row.error("id_number", _("请填写公民身份号码"))
    elif not idnumber.is_valid(number):
        row.error("id_number", _("公民身份号码无效（18 位，最后一位校验码）"))
    else:
        birth, gender = idnumber.parse(number, today=today)
        clean["id_number"], clean["birth_date"], clean["gender"] = number, birth, gender
        given = _text(raw.get("gender"))
        if given and {"男": "male", "女": "female"}.get(given) != gender:
            row.error("gender", _("性别与公民身份号码不符"))
    for key, table in (("ethnicity", ETHNICITIES), ("education", EDUCATION), ("occupation", OCCUPATIONS)):
        code = _code(raw.get(key), table)
        if code is None:
            row.error(key, _("“%(value)s”不在代码表中") % {"value": _text(raw.get(key))})
        clean[key] = code or ("01" if key == "ethnicity" else "")
    org_code = _text(raw.get("org_code"))
    if not org_code:
        row.error("org_code", _("请填写所在党支部编码"))
    elif org_code not in branches:
        row.error("org_code", _("编码“%(code)s”不是您管理范围内的党支部") % {"code": org_code})
    else:
        clean["org"] = branches[org_code]
    dates = {}
    for key in DATE_KEYS:
        value = _date(raw.get(key))
        if value == "bad":
            row.error(key, _("日期格式应为 YYYY-MM-DD"))
            value = None
        elif value is not None and value > today:
            row.error(key, _("日期不能晚于今天"))
        dates[key] = value
    if dates["applied_on"] is None and not any(e["field"] == "applied_on" for e in row.errors):
        row.error("applied_on", _("请填写申请入党日期"))
    for key, before in NEEDS.items():
        if dates[key] is None:
            continue
        if dates[before] is None:
            if before != "applied_on":
                row.error(
                    key,
                    _("填了%(this)s，还须填写%(before)s")
                    % {"this": BY_KEY[key].header, "before": BY_KEY[before].header},
                )
        elif dates[key] < dates[before]:
            row.error(
                key,
                _("%(this)s不能早于%(before)s")
                % {"this": BY_KEY[key].header, "before": BY_KEY[before].header},
            )
    applied, activist, candidate = dates["applied_on"], dates["activist_on"], dates["candidate_on"]
    voted, approved, converted = dates["voted_on"], dates["approved_on"], dates["converted_approved_on"]
    if birth and applied and not rules.old_enough_to_apply(birth, applied):
        row.error("applied_on", _("申请时未满十八岁（细则 第5条）"))
    if activist and candidate and candidate >= activist and candidate < rules.candidate_earliest(activist):
        row.error(
            "candidate_on",
            _("确定积极分子一年以后才能确定为发展对象，最早 %(day)s（细则 第13条）")
            % {"day": f"{rules.candidate_earliest(activist):%Y-%m-%d}"},
        )
    if voted and approved and approved >= voted and rules.approval_timing(voted, approved) == rules.TOO_LATE:
        row.error("approved_on", _("党委审批须在支部大会通过后六个月内（细则 第24条）"))
    if voted and converted and approved and converted >= approved:
        ends = rules.probation_end(voted)
        if converted < ends:
            row.error(
                "converted_approved_on",
                _("预备期 %(day)s 才满，转正审批不能早于此日（党章 第7条）") % {"day": f"{ends:%Y-%m-%d}"},
            )
    clean.update(dates)
    row.values = clean


# --- writing -------------------------------------------------------------------------------------------------


def _stage(values: dict) -> str:
    if values["converted_approved_on"]:
        return rules.FULL
    if values["approved_on"]:
        return rules.PROBATIONARY
    if values["candidate_on"]:
        return rules.CANDIDATE
    if values["activist_on"]:
        return rules.ACTIVIST
    return rules.APPLICANT


@transaction.atomic
def history_import(*, actor, data: bytes, filename: str = "") -> dict:
    """Check every row, then write all of them or none (ValidationFailed with {row, field, message})."""
    scoping.require_tree_role(actor)
    if actor.role not in ("county_admin", "committee_officer", "branch_secretary"):
        raise PermissionDenied(_("您的角色不能导入发展党员数据"))
    today = timezone.localdate()
    try:
        rows = read_rows(data)
    except ImportFileError as exc:
        raise ValidationFailed.field("file", str(exc)) from None
    check_rows(rows, user=actor, today=today)
    errors = [e for row in rows for e in row.errors]
    if errors:
        raise ValidationFailed(
            _("%(rows)d 行有 %(n)d 处错误，没有导入任何数据，请改正后重新上传")
            % {"rows": len({e["row"] for e in errors}), "n": len(errors)},
            errors,
        )
    counts: dict[str, int] = {}
    for row in rows:
        stage = _create(actor, row.values)
        counts[stage] = counts.get(stage, 0) + 1
    audit.record(
        actor=actor,
        action="import",
        object_type="recruitment.import",
        org=actor.org,
        summary=_("导入发展党员历史数据 %(n)d 人（%(file)s）") % {"n": len(rows), "file": filename[:100]},
        after={"rows": len(rows), "stages": counts},
    )
    return {"count": len(rows), "stages": counts}


def _create(actor, v: dict) -> str:
    org = v["org"]
    stage = _stage(v)
    case = DevelopmentCase.objects.create(
        person_name=v["person_name"],
        name_key=name_key(v["person_name"]),
        gender=v["gender"],
        id_number=v["id_number"],
        id_hash=lookup_hash(v["id_number"]),
        birth_date=v["birth_date"],
        ethnicity=v["ethnicity"],
        education=v["education"],
        occupation=v["occupation"],
        org=org,
        org_path=org.path,
        stage=rules.APPLICANT,
        applied_on=v["applied_on"],
        activist_on=v["activist_on"],
        candidate_on=v["candidate_on"],
        notes=_("由历史数据导入"),
        created_by=actor,
    )
    approver = selectors.approving_org(org)
    for key in DATE_KEYS:
        if v[key]:
            step = BY_KEY[key].step
            committee = step in rules.COMMITTEE_STEPS
            CaseStep.objects.create(
                case=case,
                step=step,
                date=v[key],
                decided_by=(approver or org) if committee else org,
                outcome=rules.CONFIRM if step == 24 else "",
                details={"imported": True},
                created_by=actor,
            )
    if v["approved_on"]:
        member = member_records.member_create(
            actor=actor,
            org=org,
            name=v["person_name"],
            id_number=v["id_number"],
            category=Category.PROBATIONARY,
            joined_on=v["voted_on"],
            ethnicity=v["ethnicity"],
            education=v["education"],
            occupation=v["occupation"],
        )
        case.member, case.admitted_on = member, v["voted_on"]
        case.probation_ends_on = rules.probation_end(v["voted_on"])
        if v["converted_approved_on"]:
            converted_on = rules.conversion_date(case.probation_ends_on)
            before = audit.snapshot(member, member_records.AUDIT_FIELDS)
            member.category, member.converted_on = Category.FULL, converted_on
            member.save(update_fields=["category", "converted_on", "updated_at"])
            audit.record(
                actor=actor,
                action="update",
                obj=member,
                org=org,
                summary=_("预备党员转正（历史数据导入）：%(name)s，转正日期 %(day)s")
                % {"name": member.name, "day": f"{converted_on:%Y-%m-%d}"},
                before=before,
                after=audit.snapshot(member, member_records.AUDIT_FIELDS),
            )
            case.converted_on = converted_on
    case.stage = stage
    case.save()
    audit.record(
        actor=actor,
        action="create",
        obj=case,
        org=org,
        summary=_("发展党员历史数据导入：%(name)s") % {"name": case.person_name},
        after=case_snapshot(case),
    )
    return stage


def error_sheet(errors: list[dict]) -> bytes:
    """The problems as an .xlsx (行号, 列, 原因), like the roster import's error sheet."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#FBEAEA", "border": 1})
    sheet = book.add_worksheet(_("错误清单"))
    sheet.write_row(0, 0, [_("行号"), _("列"), _("原因")], head)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 80)
    for i, error in enumerate(errors, start=1):
        column = BY_KEY.get(error.get("field"))
        sheet.write_row(
            i,
            0,
            [error.get("row") or "", column.header if column else error.get("field", ""), error["message"]],
        )
    book.close()
    return output.getvalue()
