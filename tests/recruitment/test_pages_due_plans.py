"""The due list (and its .xlsx), the development plans and the public notices, through the pages."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.recruitment import services
from dangjian.recruitment.models import DevelopmentPlan

from ._flow import TIMETABLE

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def dues(flow, county):
    """GIVEN on 1 March 2024: one talk overdue (applied 8 Jan, due 8 Feb), one due soon (applied 20 Feb), one in
    乙村 (applied 25 Feb, due 25 Mar), and an activist whose half-yearly review is months away."""
    late = flow.new_case(person_name="赵逾期", applied_on=D(2024, 1, 8))
    soon = flow.new_case(person_name="钱将到", applied_on=D(2024, 2, 20))
    other = flow.new_case(person_name="孙乙村", applied_on=D(2024, 2, 25), org=county.village_a2)
    activist = flow.to(flow.new_case(person_name="李积极", applied_on=D(2024, 1, 8)), 3)
    flow.at(D(2024, 3, 1))
    return late, soon, other, activist


def test_the_due_list_shows_overdue_first_with_the_rule_and_who_acts(client_for, dues):
    late, soon, other, activist = dues
    page = client_for("officer").get(reverse("recruitment:due_list")).content.decode()
    assert page.index("赵逾期") < page.index("钱将到")  # overdue first
    assert "逾期 22 天" in page and "细则 第7条" in page
    assert "孙乙村" in page and "乙村党支部" in page
    assert "李积极" not in page  # the half-yearly review is due on 1 September, beyond 30 days
    for shown in (late, soon, other):
        assert reverse("recruitment:case_detail", args=[shown.pk]) in page
    assert reverse("recruitment:case_detail", args=[activist.pk]) not in page
    longer = client_for("officer").get(reverse("recruitment:due_list") + "?days=90").content.decode()
    assert "李积极" not in longer  # still six months away
    overdue = client_for("officer").get(reverse("recruitment:due_list") + "?overdue=on").content.decode()
    assert "赵逾期" in overdue and "钱将到" not in overdue


def test_each_secretary_sees_only_their_branch_on_the_due_list(client_for, dues):
    page = client_for("secretary").get(reverse("recruitment:due_list")).content.decode()
    assert "赵逾期" in page and "孙乙村" not in page
    page = client_for("secretary_b").get(reverse("recruitment:due_list")).content.decode()
    assert "赵逾期" not in page and "这段时间内没有到期或逾期的事项" in page


def test_the_due_list_answers_htmx_with_its_results(client_for, dues):
    response = client_for("officer").get(
        reverse("recruitment:due_list") + "?overdue=on", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="due-results"
    )
    page = response.content.decode()
    assert "<html" not in page and "赵逾期" in page and "钱将到" not in page


def test_the_due_export_holds_the_rows_shown(client_for, dues):
    response = client_for("officer").get(reverse("recruitment:due_export") + "?days=30")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    names = [row[1] for row in rows]
    assert names[0] == "赵逾期" and set(names) == {"赵逾期", "钱将到", "孙乙村"}
    first = rows[0]
    assert first[0] == "逾期" and first[2] == "甲村党支部" and first[6] == "细则 第7条"
    assert first[7].date() == D(2024, 2, 8) and first[8] == -22


def test_approvals_due_are_listed_under_the_committee(client_for, flow, county):
    case = flow.to(flow.new_case(person_name="周待批"), 16)
    flow.at(D(2025, 8, 25))  # approval was due within 3 months of the vote of 20 May 2025: by 20 August
    page = client_for("officer").get(reverse("recruitment:due_list")).content.decode()
    assert "周待批" in page and "基层党委审批" in page and "细则 第24条" in page
    assert "甲镇党委" in page  # the committee that has to act
    assert "最迟 2025-11-20" in page
    assert reverse("recruitment:case_detail", args=[case.pk]) in page


# --- plans --------------------------------------------------------------------------------------------------


def test_a_committee_sets_a_plan_on_the_page_and_sees_its_progress(client_for, flow, county):
    flow.to(flow.new_case(person_name="吴接收"), 17)  # admitted on 20 May 2025 (支部大会)
    client = client_for("officer")
    form = client.get(reverse("recruitment:plan_create") + f"?org={county.town_a.pk}").content.decode()
    assert "甲村党支部" in form and "乙村党支部" in form and "丙村党支部" not in form
    audits = AuditEntry.objects.count()
    response = client.post(
        reverse("recruitment:plan_create"),
        {
            "org": county.town_a.pk,
            "year": 2025,
            f"quota_{county.village_a1.pk}": 2,
            f"quota_{county.village_a2.pk}": 1,
            "note": "按上级下达指标",
        },
    )
    assert response.status_code == 302
    plan = DevelopmentPlan.objects.get(org=county.town_a, year=2025)
    assert {line.org_id: line.quota for line in plan.lines.all()} == {
        county.village_a1.pk: 2,
        county.village_a2.pk: 1,
    }
    assert AuditEntry.objects.count() == audits + 1
    page = client.get(response["Location"]).content.decode()
    assert "甲镇党委 2025 年发展党员计划" in page
    assert 'value="1" max="2"' in page  # 甲村: one admitted of two
    assert "33%" in page
    listing = client.get(reverse("recruitment:plan_list") + "?year=2025").content.decode()
    assert "甲镇党委" in listing and "1 / 3" in listing


def test_a_second_plan_for_the_same_year_is_refused_and_a_bad_number_stays_next_to_its_branch(
    client_for, county, personas
):
    services.plan_create(actor=personas.officer, org=county.town_a, year=2026, lines=[(county.village_a1, 2)])
    client = client_for("officer")
    count = DevelopmentPlan.objects.count()
    again = client.post(
        reverse("recruitment:plan_create"),
        {"org": county.town_a.pk, "year": 2026, f"quota_{county.village_a1.pk}": 1},
    )
    assert again.status_code == 409 and "已存在" in again.content.decode()
    bad = client.post(
        reverse("recruitment:plan_create"),
        {"org": county.town_a.pk, "year": 2027, f"quota_{county.village_a1.pk}": -1},
    )
    assert bad.status_code == 422 and "计划人数应为 0 至 999 的整数" in bad.content.decode()
    other = client.post(
        reverse("recruitment:plan_create"),
        {"org": county.town_b.pk, "year": 2027, f"quota_{county.village_b1.pk}": 1},
    )
    assert other.status_code == 422  # 丙镇 is not among the officer's committees
    assert DevelopmentPlan.objects.count() == count


def test_a_plan_is_changed_on_the_page(client_for, county, personas):
    plan = services.plan_create(
        actor=personas.officer, org=county.town_a, year=2026, lines=[(county.village_a1, 2)]
    )
    client = client_for("officer")
    form = client.get(reverse("recruitment:plan_edit", args=[plan.pk])).content.decode()
    assert 'value="2"' in form
    response = client.post(
        reverse("recruitment:plan_edit", args=[plan.pk]),
        {f"quota_{county.village_a1.pk}": 3, f"quota_{county.village_a2.pk}": 1, "note": "调整"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert {line.org_id: line.quota for line in plan.lines.all()} == {
        county.village_a1.pk: 3,
        county.village_a2.pk: 1,
    }
    assert (plan.year, plan.org_id, plan.note) == (2026, county.town_a.pk, "调整")


# --- notices ------------------------------------------------------------------------------------------------


def test_running_notices_are_listed_and_printable_per_branch(client_for, flow, county):
    case = flow.to(flow.new_case(person_name="郑公示"), 13)
    flow.at(D(2025, 5, 14))
    client = client_for("secretary")
    page = client.get(reverse("recruitment:notice_list")).content.decode()
    assert "郑公示" in page and "公示中" in page and "2025-05-16" in page
    assert reverse("recruitment:case_detail", args=[case.pk]) in page
    assert reverse("recruitment:branch_notice", args=[county.village_a1.pk]) in page
    printed = client.get(reverse("recruitment:branch_notice", args=[county.village_a1.pk])).content.decode()
    assert "关于郑公示同志拟发展为中共预备党员的公示" in printed
    assert "2025年5月12日 至 2025年5月16日（5 个工作日）" in printed
    assert (
        client_for("secretary_b").get(reverse("recruitment:notice_list")).content.decode().count("郑公示")
        == 0
    )
    flow.at(D(2025, 7, 1))  # more than 30 days after the notice ended
    assert "郑公示" not in client_for("secretary").get(reverse("recruitment:notice_list")).content.decode()


def test_a_running_notice_is_on_the_public_board_and_leaves_every_list_once_withdrawn(
    client_for, flow, county, personas
):
    case = flow.to(flow.new_case(person_name="冯撤回"), 13)
    flow.at(D(2025, 5, 14))
    page = client_for("secretary").get(reverse("recruitment:notice_list")).content.decode()
    board = reverse("disclosure:org_board", args=[county.village_a1.code])
    assert board in page
    public = client_for(None).get(board).content.decode()
    assert "冯撤回" in public and case.id_number not in public
    services.case_withdraw(actor=personas.secretary, case=case, date=D(2025, 5, 14), reason="本人撤回申请")
    client = client_for("secretary")
    assert "冯撤回" not in client.get(reverse("recruitment:notice_list")).content.decode()
    assert "正在公示" not in client.get(reverse("recruitment:case_list")).content.decode()
    notice = reverse("recruitment:branch_notice", args=[county.village_a1.pk])
    assert client.get(notice).status_code == 404


def test_a_printed_branch_notice_needs_a_branch(client_for, county, flow):
    flow.at(TIMETABLE[13])
    assert (
        client_for("officer").get(reverse("recruitment:branch_notice", args=[county.town_a.pk])).status_code
        == 404
    )
