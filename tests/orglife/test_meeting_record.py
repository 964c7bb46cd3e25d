"""The meeting record (会议记录) as Word, opened back with python-docx, and its template's build script."""

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from dangjian.orglife import documents, services

from ._meetings import everyone, held, members_of, seat_committee

pytestmark = pytest.mark.django_db


def read(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return text, tables


def facts(tables) -> dict[str, str]:
    return {row[0]: row[1] for row in tables[0]}


def test_an_assembly_record_holds_attendance_by_name_and_every_vote(county, personas):
    full = members_of(county.village_a1, "full")
    meeting = held(
        personas.secretary,
        county.village_a1,
        "assembly",
        held_on=dt.date(2026, 3, 5),
        starts_at=dt.time(9, 30),
        place="村党员活动室",
        host="李书记",
        recorder="王委员",
        topic="讨论接收预备党员",
        minutes="一、学习党章。\n二、讨论接收张三为预备党员。",
        resolutions="同意接收张三为预备党员。",
        attendees=everyone(full[:6]) + everyone(full[6:8], "leave") + everyone(full[8:], "absent"),
    )
    services.vote_record(actor=personas.secretary, meeting=meeting, motion="接收张三为预备党员", yes=5, no=1)
    services.vote_record(actor=personas.secretary, meeting=meeting, motion="推荐优秀党员", yes=4, no=2)
    text, tables = read(documents.meeting_record_docx(meeting))
    assert "党员大会会议记录" in text and "甲村党支部" in text
    info = facts(tables)
    assert info["时间"] == "2026年3月5日 09:30"
    assert (info["地点"], info["主持人"], info["记录人"]) == ("村党员活动室", "李书记", "王委员")
    assert info["应到会"] == "9 人"
    assert info["实到会"].startswith("6 人：") and all(m.name in info["实到会"] for m in full[:6])
    assert info["请假"].startswith("2 人：") and full[6].name in info["请假"]
    assert info["缺席"] == f"1 人：{full[8].name}"
    assert info["会议主题"] == "讨论接收预备党员"
    assert "授课人 / 学时" not in info  # the optional row is dropped for an assembly
    assert "一、学习党章。" in text and "二、讨论接收张三为预备党员。" in text
    assert "同意接收张三为预备党员。" in text
    votes = tables[1]
    assert votes[0][:4] == ["表决事项", "有表决权", "应到", "实到"]
    assert votes[1] == ["接收张三为预备党员", "9", "9", "6", "5", "1", "0", "通过"]
    assert votes[2] == ["推荐优秀党员", "9", "9", "6", "4", "2", "0", "未通过"]
    assert "1. 接收张三为预备党员：" in text and "应到 9 人，实到 6 人" in text
    assert "主题党日" not in text and "民主评议等次" not in text


def test_an_inquorate_vote_says_so_in_the_record(county, personas):
    committee = seat_committee(county.village_a1, size=4)
    meeting = held(personas.secretary, county.village_a1, "committee", attendees=everyone(committee[:2]))
    services.vote_record(actor=personas.secretary, meeting=meeting, motion="确定积极分子", yes=2)
    _text, tables = read(documents.meeting_record_docx(meeting))
    assert tables[1][1][-1] == "不足法定人数，未能表决"


def test_a_lecture_record_shows_lecturer_and_hours(county, personas):
    meeting = held(personas.secretary, county.village_a1, "lecture", lecturer="县委党校王老师", hours=2.5)
    _text, tables = read(documents.meeting_record_docx(meeting))
    assert facts(tables)["授课人 / 学时"] == "县委党校王老师　2.5 学时"
    assert len(tables) == 1  # no votes table


def test_a_themed_day_record_lists_the_4_plus_x_items(county, personas):
    meeting = held(
        personas.secretary,
        county.village_a1,
        "themed_day",
        themed_items=["study", "service"],
        themed_extra="清理河道",
    )
    text, _tables = read(documents.meeting_record_docx(meeting))
    assert "已开展：集中学习、志愿服务；X 项：清理河道" in text
    assert "未开展：过组织生活、开展民主议事" in text


def test_an_appraisal_record_lists_the_grades(county, personas):
    meeting = held(personas.secretary, county.village_a1, "appraisal")
    people = members_of(county.village_a1)[:3]
    services.grades_set(
        actor=personas.secretary,
        meeting=meeting,
        grades=[
            {"member": people[0], "grade": "excellent"},
            {"member": people[1], "grade": "qualified"},
            {"member": people[2], "grade": "basically_qualified", "note": "学习不够"},
        ],
    )
    text, _tables = read(documents.meeting_record_docx(meeting))
    assert "参评 3 人：优秀 1 人，合格 1 人，基本合格 1 人，不合格 0 人" in text
    assert f"{people[2].name}：基本合格（学习不够）" in text


def test_a_life_meeting_record_names_its_form(county, personas):
    meeting = held(personas.secretary, county.village_a1, "life_meeting", held_as="assembly")
    _text, tables = read(documents.meeting_record_docx(meeting))
    assert facts(tables)["会议类型"] == "组织生活会（以党员大会形式召开）"


def test_text_with_markup_characters_is_kept_literally(county, personas):
    meeting = held(personas.secretary, county.village_a1, topic="<党课> & {{ x }}", minutes="a < b & c")
    text, tables = read(documents.meeting_record_docx(meeting))
    assert facts(tables)["会议主题"] == "<党课> & {{ x }}"
    assert "a < b & c" in text


def test_the_template_build_script_reproduces_the_shipped_template(tmp_path):
    script = Path(documents.RECORD_TEMPLATE).parent / "build_meeting_record_template.py"
    copy = tmp_path / script.name
    copy.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    built = Document(tmp_path / "meeting_record.docx")
    shipped = Document(documents.RECORD_TEMPLATE)
    assert [p.text for p in built.paragraphs] == [p.text for p in shipped.paragraphs]
    assert [[c.text for c in r.cells] for t in built.tables for r in t.rows] == [
        [c.text for c in r.cells] for t in shipped.tables for r in t.rows
    ]
