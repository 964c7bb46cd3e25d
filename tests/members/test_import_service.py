"""Roster import (花名册导入), service level: every row checked, all written or none, audited, encrypted.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组 (A1G1)
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from dangjian.core.crypto import lookup_hash
from dangjian.core.errors import ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members import strokes
from dangjian.members.models import Member
from dangjian.members.services.importing import roster_import

from ..factories import make_member
from .test_import_workbooks import HEADERS, new_id_number, person, workbook

pytestmark = pytest.mark.django_db


def run(personas, rows, who="secretary", **kwargs):
    return roster_import(actor=getattr(personas, who), data=workbook(rows, **kwargs), filename="花名册.xlsx")


def test_a_good_file_creates_encrypted_members_with_stroke_keys_and_audit(personas, county):
    before_members, before_audit = Member.objects.count(), AuditEntry.objects.count()
    rows = [person(姓名="王小明"), person(姓名="丁一", 性别="女", 公民身份号码=new_id_number(male=False))]
    rows[1]["民族"] = "回族"
    outcome = run(personas, rows)
    assert outcome.ok and (outcome.created, outcome.updated) == (2, 0)
    assert Member.objects.count() == before_members + 2
    member = Member.objects.get(id_hash=lookup_hash(rows[0]["公民身份号码"]))
    assert (
        member.name == "王小明"
        and member.org == county.village_a1
        and member.org_path == county.village_a1.path
    )
    assert member.birth_date == dt.date(1985, 3, 9) and member.gender == "male"
    assert member.name_key == strokes.name_key("王小明")
    assert member.converted_on == dt.date(2011, 7, 1) and member.status == "active"
    assert member.phone == "13912345678" and member.education == "21"
    assert Member.objects.get(id_hash=lookup_hash(rows[1]["公民身份号码"])).ethnicity == "03"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM members_member WHERE id = %s", [member.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert rows[0]["公民身份号码"] not in stored_id and stored_id.startswith("gAAAA")
    assert "13912345678" not in stored_phone
    # One entry per member written, one for the import; no ID number in clear in any of them.
    entries = AuditEntry.objects.order_by("id")[before_audit:]
    assert [e.action for e in entries] == ["create", "create", "import"]
    per_member = [e for e in entries if e.object_type == "members.member"]
    assert {e.object_id for e in per_member} == {
        str(pk) for pk in Member.objects.filter(name__in=["王小明", "丁一"]).values_list("pk", flat=True)
    }
    assert all(e.org_id == county.village_a1.pk and e.actor == personas.secretary for e in per_member)
    assert per_member[0].after["id_number"].count("*") == 8
    assert entries.last().object_type == "members.importjob" and "新增 2 名" in entries.last().summary
    assert all(rows[0]["公民身份号码"] not in str(e.after) for e in entries)


def test_known_id_number_in_scope_updates_the_member_and_audits_the_change(personas, county):
    member = make_member(
        county.village_a1, name="李四", phone="13800000000", converted_on=dt.date(2006, 7, 1)
    )
    row = person(姓名="李四", 公民身份号码=member.id_number, 手机号码="13700001111", 民族="汉族")
    row.update(入党日期="2005-07-01", 转正日期="2006-07-01", 学历="大专")
    audit_before = AuditEntry.objects.count()
    outcome = run(personas, [row])
    assert outcome.ok and (outcome.created, outcome.updated) == (0, 1)
    member.refresh_from_db()
    assert member.phone == "13700001111" and member.education == "31"
    entry = AuditEntry.objects.get(object_type="members.member", object_id=str(member.pk), action="update")
    assert entry.before == {"education": "", "phone": "138****0000"}
    assert entry.after == {"education": "31", "phone": "137****1111"}
    assert AuditEntry.objects.count() == audit_before + 2
    # The same file again changes nothing and writes no member entry.
    again = run(personas, [row])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_empty_optional_cells_keep_what_is_recorded(personas, county):
    member = make_member(county.village_a1, name="李四", phone="13800000000", work_unit="旌德县农机站")
    row = person(姓名="李四", 公民身份号码=member.id_number, 入党日期="2005-07-01", 转正日期="2006-07-01")
    row["手机号码"] = ""
    outcome = run(personas, [row], headers=[*HEADERS, "工作单位"])
    assert outcome.ok
    member.refresh_from_db()
    assert member.phone == "13800000000" and member.work_unit == "旌德县农机站"


def test_one_bad_row_at_the_end_of_a_large_file_writes_nothing(personas, county):
    rows = [person(姓名=f"张{i:04d}") for i in range(2999)]
    rows.append(person(姓名="错误", 公民身份号码="110105194912310022"))  # wrong check digit
    members, entries = Member.objects.count(), AuditEntry.objects.count()
    outcome = run(personas, rows)
    assert not outcome.ok and outcome.error_rows == 1
    assert outcome.errors == [{"row": 3001, "field": "id_number", "message": "公民身份号码校验码错误"}]
    assert Member.objects.count() == members and AuditEntry.objects.count() == entries
    assert outcome.error_sheet


def test_duplicates_inside_the_file_are_reported_on_the_later_row(personas, county):
    first = person(姓名="甲")
    second = person(姓名="乙", 公民身份号码=first["公民身份号码"].lower())
    outcome = run(personas, [first, second])
    assert outcome.errors == [{"row": 3, "field": "id_number", "message": "与第 2 行的公民身份号码重复"}]


def test_a_number_registered_in_another_township_is_refused_without_naming_it(personas, county):
    elsewhere = make_member(county.village_b1, name="赵六")
    outcome = run(personas, [person(姓名="赵六", 公民身份号码=elsewhere.id_number)])
    (error,) = outcome.errors
    assert error["field"] == "id_number" and "管理范围以外" in error["message"]
    assert "丙村" not in error["message"]


def test_org_code_out_of_scope_or_not_a_branch(personas, county):
    outcome = run(
        personas,
        [person("B1"), person("NOPE"), person("A1G1"), person("A0"), person("A1", 党小组编码="A1G1")],
        who="officer",
        headers=[*HEADERS, "党小组编码"],
    )
    messages = {e["row"]: e["message"] for e in outcome.errors}
    assert messages[2] == messages[3].replace("NOPE", "B1") == "党组织编码“B1”不存在或不在您的管理范围内"
    assert "是党小组" in messages[4] and "党员应编入党支部" in messages[5]
    assert 6 not in messages


def test_group_must_belong_to_the_branch(personas, county):
    outcome = run(
        personas, [person("A2", 党小组编码="A1G1")], who="officer", headers=[*HEADERS, "党小组编码"]
    )
    assert outcome.errors[0]["message"] == "“甲村第一党小组”不属于“乙村党支部”"


def test_row_checks_in_chinese(personas, county):
    today = timezone.localdate()
    rows = [
        person(性别="女", 公民身份号码=new_id_number(male=True)),  # the number says male
        person(入党日期="2001-01-01", 转正日期="2002-01-01"),  # born 1985: not yet eighteen
        person(人员类别="预备党员"),  # with a conversion date
        person(转正日期="2010-12-01"),  # less than a year after joining
        person(民族="火星族"),
        person(手机号码="12345"),
        person(入党日期=(today + dt.timedelta(days=3)).isoformat(), 转正日期=""),
        person(入党日期="2010/13/40"),
        person(公民身份号码=110105194912310022.0),
        person(姓名=""),
    ]
    outcome = run(personas, rows)
    fields = {e["row"]: (e["field"], e["message"]) for e in outcome.errors}
    assert fields[2] == ("gender", "性别与公民身份号码不符（号码第 17 位表示男）")
    assert fields[3][0] == "joined_on" and "年满 18 周岁" in fields[3][1]
    assert fields[4][0] == "converted_on" and "应留空" in fields[4][1]
    assert fields[5][0] == "converted_on" and "党章 第7条" in fields[5][1]
    assert fields[6] == ("ethnicity", "民族“火星族”无效，请从下拉列表中选择")
    assert fields[7] == ("phone", "手机号码应为以 1 开头的 11 位数字")
    assert fields[8] == ("joined_on", "入党日期不能晚于今天")
    assert fields[9][0] == "joined_on" and "YYYY-MM-DD" in fields[9][1]
    assert fields[10][0] == "id_number" and "文本" in fields[10][1]
    assert fields[11] == ("name", "请填写姓名")
    assert outcome.error_rows == 10


def test_a_full_member_without_conversion_date_is_accepted(personas, county):
    assert run(personas, [person(转正日期="")]).ok


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空的"),
        (b"%PDF-1.4 not a workbook", "不是 .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04broken zip", "已经损坏"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_in_chinese(personas, county, content, message):
    with pytest.raises(ValidationFailed) as caught:
        roster_import(actor=personas.secretary, data=content, filename="x.xlsx")
    assert message in caught.value.message and caught.value.errors[0]["field"] == "file"


def test_missing_headers_and_empty_sheets_are_refused(personas, county):
    with pytest.raises(ValidationFailed, match="缺少必填列：性别、人员类别"):
        roster_import(
            actor=personas.secretary,
            data=workbook([], headers=["姓名", "公民身份号码", "民族", "所在党组织编码", "入党日期"]),
        )
    with pytest.raises(ValidationFailed, match="没有找到表头"):
        roster_import(actor=personas.secretary, data=workbook([], headers=["甲", "乙"]))
    with pytest.raises(ValidationFailed, match="没有党员数据"):
        roster_import(actor=personas.secretary, data=workbook([]))


def test_too_many_rows_are_refused_before_reading_them(personas, county, settings):
    settings.DANGJIAN_IMPORT = {"SYNC_ROWS": 2, "MAX_ROWS": 3, "MAX_BYTES": 10**7}
    with pytest.raises(ValidationFailed, match="超过单次导入的上限 3 行"):
        run(personas, [person() for _ in range(4)])


def test_a_title_row_above_the_header_is_allowed_and_row_numbers_follow_excel(personas, county):
    outcome = run(personas, [person(), person(民族="")], title_rows=["中共甲村党支部党员花名册"])
    assert outcome.errors == [{"row": 4, "field": "ethnicity", "message": "请填写民族"}]


@pytest.mark.parametrize("who", ["member", "reviewer"])
def test_roles_outside_the_tree_may_not_import(personas, county, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(personas, [person()], who=who)
