"""组织生活台账 (.xlsx): held meetings, the compliance grid and study hours of one organization and year,
opened back with openpyxl."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine

from ._compliance import YEAR, meeting, members_of, monthly, seat_committee


@pytest.fixture(autouse=True)
def mid_may():
    with time_machine.travel(dt.datetime(YEAR, 5, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def download(client, org, year=YEAR):
    response = client.get(f"/orglife/compliance/ledger/?org={org.pk}&year={year}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows(sheet, first=4):
    return [
        row for row in sheet.iter_rows(min_row=first, values_only=True) if any(v is not None for v in row)
    ]


@pytest.fixture
def branch_year(county):
    branch = county.village_a1
    people = members_of(branch)
    for person in people[:3]:
        person.party_group = county.group_a1
        person.save(update_fields=["party_group"])
    seat_committee(branch)
    meeting(
        branch,
        "assembly",
        dt.date(YEAR, 2, 6),
        present=people[:8],
        leave=people[8:10],
        absent=people[10:],
        topic="讨论发展党员",
        host="张书记",
    )
    meeting(branch, "lecture", dt.date(YEAR, 3, 20), present=people[:5], hours=3, topic="党课：学习党章")
    monthly(branch, "committee", [1, 2, 3, 5])
    meeting(branch, "themed_day", dt.date(YEAR, 4, 1), state="planned", topic="计划中的主题党日")
    meeting(branch, "themed_day", dt.date(YEAR, 3, 1), state="cancelled", topic="取消的主题党日")
    meeting(branch, "assembly", dt.date(YEAR - 1, 12, 1), topic="去年的党员大会")
    meeting(county.group_a1, "group", dt.date(YEAR, 1, 8), present=people[:3], topic="党小组学习")
    return branch, people


def test_the_meetings_sheet_lists_every_held_meeting_of_the_year_with_attendance(client_for, branch_year):
    branch, _people = branch_year
    book = download(client_for("secretary"), branch)
    assert book.sheetnames == ["会议活动", "合规情况", "党员学时"]
    sheet = book["会议活动"]
    assert sheet["A1"].value == f"甲村党支部组织生活台账（{YEAR}年）"
    assert [c.value for c in sheet[3]] == [
        "序号",
        "日期",
        "组织",
        "类型",
        "主题",
        "地点",
        "主持人",
        "实到",
        "应到",
        "学时",
    ]
    found = rows(sheet)
    topics = [row[4] for row in found]
    assert (
        "计划中的主题党日" not in topics and "取消的主题党日" not in topics and "去年的党员大会" not in topics
    )
    assert "党小组学习" in topics  # the branch's 党小组 are in its ledger
    assembly = next(row for row in found if row[4] == "讨论发展党员")
    assert assembly[1].date() == dt.date(YEAR, 2, 6)
    assert assembly[2:4] == ("甲村党支部", "党员大会")
    assert assembly[6:10] == ("张书记", 8, 11, 0)
    lecture = next(row for row in found if row[4] == "党课：学习党章")
    assert lecture[7:10] == (5, 5, 3)
    dates = [row[1] for row in found]
    assert dates == sorted(dates)


def test_the_compliance_sheet_writes_held_and_required_with_the_state_in_words(client_for, branch_year):
    branch, _people = branch_year
    sheet = download(client_for("secretary"), branch)["合规情况"]
    heads = [c.value for c in sheet[3]]
    assert heads[:4] == ["组织", "会议类型", "要求", "1月"] and heads[-3:] == ["应开", "已开", "落实率"]
    by_kind = {(row[0], row[1]): row for row in rows(sheet)}
    committee = by_kind[("甲村党支部", "支部委员会")]
    assert committee[2] == "每月"
    assert committee[3:8] == ("1/1 已开", "1/1 已开", "1/1 已开", "0/1 未开", "1/1 已开")
    assert committee[8] is None  # June has not begun
    assert committee[heads.index("应开")] == 5 and committee[heads.index("已开")] == 4  # April missed
    assembly = by_kind[("甲村党支部", "党员大会")]
    assert assembly[heads.index("一季度")] == "1/1 已开" and assembly[heads.index("二季度")] == "0/1 进行中"
    talk = by_kind[("甲村党支部", "谈心谈话")]
    assert talk[heads.index("全年")] == "0/11 进行中"  # members to talk with, not meetings
    assert ("甲村第一党小组", "党小组会") in by_kind
    assert by_kind[("甲村第一党小组", "党小组会")][3] == "1/1 已开"
    themed = by_kind[("甲村党支部", "主题党日")]
    assert themed[heads.index("落实率")] == 0  # every ended month missed: planned and cancelled don't count


def test_the_hours_sheet_lists_each_member_against_the_requirement(client_for, branch_year):
    branch, _people = branch_year
    sheet = download(client_for("secretary"), branch)["党员学时"]
    assert [c.value for c in sheet[3]] == [
        "序号",
        "姓名",
        "所在组织",
        "身份",
        "学时",
        "应达学时",
        "差额",
        "是否达标",
    ]
    found = rows(sheet)
    assert len(found) == 11
    cadres = [row for row in found if row[3] == "书记、委员"]
    assert len(cadres) == 3 and all(row[5] == 56 for row in cadres)
    assert {row[7] for row in found} == {"未达标"}
    with_lecture = [row for row in found if row[4] == 3]
    assert len(with_lecture) == 5


def test_a_past_year_and_an_organization_owing_nothing_still_download(client_for, county):
    book = download(client_for("admin"), county.root, year=YEAR - 1)
    assert "没有须按期召开的会议" in book["合规情况"]["A4"].value
    assert "尚无已召开的会议" in book["会议活动"]["A4"].value
    empty = download(client_for("admin"), county.group_a1)
    assert "没有党员" in empty["党员学时"]["A4"].value
