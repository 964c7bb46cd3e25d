"""The Word documents of member development, opened back with python-docx, and their print pages.

One case walked through all 25 steps on the standard timetable (tests/recruitment/_flow.py) gives every
document its content: 纪实表, talk records, filing reports, the public notice, the 支部大会 resolutions and the
approvals with the probation's dates.
"""

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from dangjian.recruitment import documents
from dangjian.recruitment.models import DevelopmentCase

pytestmark = pytest.mark.django_db

TEMPLATES = Path(documents.__file__).resolve().parent / "doc_templates"


def read(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return text, tables


def cells(tables) -> str:
    return "\n".join(cell for table in tables for row in table for cell in row)


@pytest.fixture
def full_case(flow):
    """A case from application to archive: talk by 王书记, sponsors and mentors from the branch, every vote
    carried by all the branch's full members."""
    case = flow.new_case(person_name="张小明", education="21", occupation="02", work_unit="甲村村委会")
    case = flow.step(case, 2, talker_name="王书记", notes="入党动机端正，对党的认识较清楚。")
    for number in range(3, 26):
        case = flow.step(case, number)
    return DevelopmentCase.objects.get(pk=case.pk)


def download(client, case, kind) -> bytes:
    response = client.get(reverse("recruitment:document_docx", args=[case.pk, kind]))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    return response.content


def test_the_process_record_holds_every_step_with_its_date_people_and_votes(client_for, full_case):
    text, tables = read(download(client_for("secretary"), full_case, "record"))
    assert "发展党员工作全程纪实表" in text
    facts = cells(tables[:1])
    for value in ("张小明", "甲村党支部", "2024年1月8日", "2025年5月20日", "2026年5月20日", "正式党员"):
        assert value in facts, value
    steps = tables[1]
    assert steps[0][:3] == ["步骤", "办理事项", "日期"]
    numbers = [row[0] for row in steps[1:]]
    assert numbers == [str(n) for n in range(1, 26)]  # one row per step, in order, none missing
    by_number = {row[0]: row for row in steps[1:]}
    assert by_number["2"][2] == "2024年1月20日" and "谈话人：王书记" in by_number["2"][4]
    voters = full_case.steps.get(step=15).vote.yes  # every full member of 甲村 at the time: 9
    assert voters == 9
    assert f"赞成 {voters} 票" in by_number["15"][5] and "应到会" in by_number["15"][5]
    assert "2025年5月20日 党员大会" in by_number["15"][3]
    assert "入党介绍人" in by_number["9"][4]
    assert "预备期 2025年5月20日 至 2026年5月20日" in by_number["17"][5]
    assert "甲镇党委" in by_number["17"][3]
    assert "转为正式党员" in by_number["24"][5]


def test_the_talk_record_names_the_talker_and_the_talk(client_for, full_case):
    text, tables = read(download(client_for("secretary"), full_case, "talk"))
    assert "入党申请人谈话记录" in text and "入党动机端正" in text
    assert "细则 第7条" in text
    facts = cells(tables)
    assert "王书记" in facts and "2024年1月20日" in facts and "张小明" in facts


def test_the_committee_talk_record_names_the_interviewer(client_for, full_case):
    text, tables = read(download(client_for("officer"), full_case, "committee_talk"))
    assert "党委派人谈话记录" in text and "甲镇党委" in text
    assert "组织员李明" in cells(tables)


@pytest.mark.parametrize(
    ("kind", "what", "decided"),
    [("activist_filing", "入党积极分子", "2024年3月1日"), ("candidate_filing", "发展对象", "2025年3月1日")],
)
def test_the_filing_reports_go_to_the_committee_with_the_decision(client_for, full_case, kind, what, decided):
    text, tables = read(download(client_for("secretary"), full_case, kind))
    assert f"关于确定张小明同志为{what}的备案报告" in text
    assert "中共甲镇党委：" in text
    assert decided in text and "支部大会" in text  # 甲村 has no 支委会: its 支部大会 decides
    assert "中共甲村党支部" in text
    facts = cells(tables)
    assert "2024年1月8日" in facts and "2024年3月1日" in facts
    if kind == "candidate_filing":
        assert "2025年3月1日" in facts


def test_the_public_notice_gives_the_period_in_working_days(client_for, full_case):
    text, tables = read(download(client_for("secretary"), full_case, "notice"))
    assert "关于张小明同志拟发展为中共预备党员的公示" in text
    assert "公示时间：2025年5月12日 至 2025年5月16日（5 个工作日）" in text
    assert "中共甲镇党委" in text and "中共甲村党支部" in text
    header, row = tables[0][0], tables[0][1]
    assert header[0] == "姓名" and row[0] == "张小明"
    assert row[1] == "男" and row[2] == "1998年4月"


def test_the_admission_resolution_states_the_vote(client_for, full_case):
    text, tables = read(download(client_for("secretary"), full_case, "resolution"))
    voters = 9  # every full member of 甲村 at the time of the vote, all present and in favour
    assert "中共甲村党支部支部大会关于接收张小明同志为中共预备党员的决议" in text
    assert f"应到会有表决权的正式党员 {voters} 名，实到会 {voters} 名" in text
    assert f"赞成 {voters} 票，反对 0 票，弃权 0 票" in text
    assert "支部大会同意接收张小明同志为中共预备党员" in text
    figures = tables[0][1]
    assert figures[:4] == [str(voters)] * 4 and figures[6] == "通过"
    assert "党员大会须有表决权的到会人数超过应到会人数的半数" in text  # the vote's reasons


def test_the_approval_states_the_probation_dates(client_for, full_case):
    text, tables = read(download(client_for("officer"), full_case, "approval"))
    assert "中共甲镇党委关于接收张小明同志为中共预备党员的审批意见" in text
    assert "预备期一年，自 2025年5月20日 起至 2026年5月20日 止" in text
    facts = cells(tables)
    assert "2025年5月20日" in facts and "2026年5月20日" in facts and "2025年6月15日" in facts


def test_the_conversion_documents_state_the_outcome_and_the_party_standing(client_for, full_case):
    client = client_for("officer")
    text, _tables = read(download(client, full_case, "conversion_resolution"))
    assert "张小明同志转为中共正式党员的决议" in text and "按期转为中共正式党员" in text
    text, _tables = read(download(client, full_case, "conversion_approval"))
    assert "同意张小明同志按期转为中共正式党员，党龄自 2026年5月20日 算起" in text


@pytest.mark.parametrize(
    "kind",
    [
        "record",
        "talk",
        "activist_filing",
        "candidate_filing",
        "notice",
        "resolution",
        "committee_talk",
        "approval",
        "conversion_resolution",
        "conversion_approval",
    ],
)
def test_every_document_has_a_print_page_with_the_same_title(client_for, full_case, kind):
    response = client_for("admin").get(reverse("recruitment:document_print", args=[full_case.pk, kind]))
    assert response.status_code == 200
    page = response.content.decode()
    _document, context = documents.context_for(full_case, kind)
    assert context["title"] in page
    assert "@media print" not in page  # the print rules live in the stylesheet (no inline style)
    assert reverse("recruitment:document_docx", args=[full_case.pk, kind]) in page


def test_a_document_of_a_step_not_yet_recorded_is_404_and_an_unknown_kind_too(client_for, flow):
    case = flow.new_case()
    client = client_for("secretary")
    assert client.get(reverse("recruitment:document_docx", args=[case.pk, "approval"])).status_code == 404
    assert client.get(reverse("recruitment:document_docx", args=[case.pk, "letter"])).status_code == 404
    _text, tables = read(download(client, case, "record"))  # the process record exists from step 1
    assert "未办理" in cells(tables)


def test_the_branch_notice_lists_every_candidate_noticed_on_the_day(client_for, county, flow):
    first = flow.to(flow.new_case(person_name="张小明"), 13)
    second = flow.to(flow.new_case(person_name="李小红"), 13)
    flow.at(dt.date(2025, 5, 14))
    client = client_for("secretary")
    url = reverse("recruitment:branch_notice_docx", args=[county.village_a1.pk]) + "?on=2025-05-14"
    text, tables = read(client.get(url).content)
    names = [row[0] for row in tables[0][1:]]
    assert sorted(names) == sorted([first.person_name, second.person_name])
    assert "李小红、张小明同志" in text or "张小明、李小红同志" in text
    page = client.get(reverse("recruitment:branch_notice", args=[county.village_a1.pk]) + "?on=2025-05-14")
    assert page.status_code == 200 and "李小红" in page.content.decode()
    assert client_for("secretary_b").get(url).status_code == 404
    empty = reverse("recruitment:branch_notice", args=[county.village_a1.pk]) + "?on=2025-06-30"
    assert client.get(empty).status_code == 404


def test_candidates_noticed_on_another_day_get_their_own_branch_notice(client_for, county, flow):
    first = flow.to(flow.new_case(person_name="张小明"), 13)  # noticed from Monday 12 May 2025
    later = flow.to(flow.new_case(person_name="王后来"), 12)
    flow.step(later, 13, dt.date(2025, 5, 14), notice_starts_on=dt.date(2025, 5, 14))
    client = client_for("secretary")
    page = client.get(reverse("recruitment:notice_list")).content.decode()
    assert "2025-05-12 起公示 1 名" in page and "2025-05-14 起公示 1 名" in page
    base = reverse("recruitment:branch_notice_docx", args=[county.village_a1.pk])
    text, tables = read(client.get(base + "?start=2025-05-14").content)
    assert [row[0] for row in tables[0][1:]] == ["王后来"]
    assert "2025年5月14日 至 2025年5月20日" in text  # five working days over a weekend
    _text, tables = read(client.get(base + "?on=2025-05-14").content)
    assert [row[0] for row in tables[0][1:]] == [first.person_name]  # today's earliest batch
    assert client.get(base + "?start=2025-13-01").status_code == 404


def test_the_template_build_script_writes_every_template(tmp_path):
    script = TEMPLATES / "build_templates.py"
    code = (
        "import sys, runpy; from pathlib import Path; "
        f"module = runpy.run_path({str(script)!r}); "
        f"print(module['build'](Path({str(tmp_path)!r})))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    built = sorted(p.name for p in tmp_path.glob("*.docx"))
    shipped = sorted(p.name for p in TEMPLATES.glob("*.docx"))
    assert built == shipped and len(built) == 6
    for path in tmp_path.glob("*.docx"):
        document = Document(path)
        section = document.sections[0]
        assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
        fonts = document.styles["Normal"].element.rPr.rFonts
        assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
        assert "{{ title }}" in "\n".join(p.text for p in document.paragraphs)
